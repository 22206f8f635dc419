import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { ColumnFormat, SheetCell, Spreadsheet } from '../domain/sheet';

/**
 * Reads an uploaded spreadsheet into rows of text cells, the shape the domain's imports take. CSV may come
 * as UTF-8 (with or without BOM) or as GBK/GB18030, which is what Excel on a Chinese Windows saves; XLSX
 * is read from its first worksheet, each cell as the text Excel shows. Returns undefined when the file
 * cannot be read as the format it claims.
 */
export async function readSpreadsheet(format: 'csv' | 'xlsx', bytes: Uint8Array): Promise<string[][] | undefined> {
  try {
    return format === 'csv' ? readCsv(bytes) : await readXlsx(bytes);
  } catch {
    return undefined;
  }
}

function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Not UTF-8: the Chinese code page Excel uses (GB18030 is a superset of GBK and GB2312).
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function readCsv(bytes: Uint8Array): string[][] {
  return parse(decodeText(bytes), { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
}

async function readXlsx(bytes: Uint8Array): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text ?? '');
    rows[rowNumber - 1] = cells;
  });
  return Array.from(rows, (r) => r ?? []);
}

// Excel's number formats: counts as integers, fractions as percentages, points with two decimals.
const NUMBER_FORMATS: Record<ColumnFormat, string | undefined> = { text: undefined, count: '0', percent: '0.00%', score: '0.00' };

const MAX_WIDTH = 80;

/** How wide a cell shows, in Excel's character widths: a Chinese character takes two. */
function displayWidth(cell: SheetCell, format: ColumnFormat): number {
  if (cell === null) return 0;
  if (typeof cell === 'number') return format === 'percent' ? 8 : String(Math.round(cell)).length + 3;
  return [...cell].reduce((w, ch) => w + (/[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
}

/**
 * Writes sheets as an XLSX file: on each, the header row bold and frozen (it stays in view when
 * scrolling), numbers stored as numbers in their column's number format (text stays text: it is never
 * read as a formula), and every column about as wide as its widest cell, up to a width at which long
 * text wraps.
 */
export async function writeXlsx(book: Spreadsheet): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.title = book.title;
  workbook.creator = 'Pingyi';
  for (const s of book.sheets) {
    const sheet = workbook.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = s.columns.map((c, i) => {
      const numFmt = NUMBER_FORMATS[c.format];
      const widest = Math.max(displayWidth(c.header, 'text'), ...s.rows.map((row) => displayWidth(row[i] ?? null, c.format))) + 2;
      // Long text (an explanation) wraps in a column of readable width.
      const style = { ...(numFmt ? { numFmt } : {}), ...(widest > MAX_WIDTH ? { alignment: { wrapText: true, vertical: 'top' as const } } : {}) };
      return { header: c.header, width: Math.min(MAX_WIDTH, widest), style };
    });
    sheet.getRow(1).font = { bold: true };
    sheet.addRows(s.rows);
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
