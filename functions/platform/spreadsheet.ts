import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

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
