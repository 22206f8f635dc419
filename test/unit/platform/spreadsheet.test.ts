import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Spreadsheet } from '../../../functions/domain/sheet';
import { readSpreadsheet, writeXlsx } from '../../../functions/platform/spreadsheet';
import { readXlsxParts } from '../../fixtures/xlsx';

const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

// GBK bytes (what Excel on a Chinese Windows saves) of the words used below; TextEncoder only writes UTF-8.
const GBK = {
  区税务局: Buffer.from('C7F8CBB0CEF1BED6', 'hex'),
  编号: Buffer.from('B1E0BAC5', 'hex'),
  名称: Buffer.from('C3FBB3C6', 'hex'),
  类型: Buffer.from('C0E0D0CD', 'hex'),
  局: Buffer.from('BED6', 'hex'),
};

async function xlsx(rows: (string | number | null)[][]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('单位');
  rows.forEach((row, i) => {
    if (row.length > 0) sheet.getRow(i + 1).values = row;
  });
  workbook.addWorksheet('ignored').addRow(['not', 'read']);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('readSpreadsheet', () => {
  describe('CSV', () => {
    it('reads UTF-8 without a BOM', async () => {
      // act
      const rows = await readSpreadsheet('csv', utf8('编号,名称\r\ntax-bureau,区税务局\r\n'));

      // assert
      expect(rows).toEqual([
        ['编号', '名称'],
        ['tax-bureau', '区税务局'],
      ]);
    });

    it('reads UTF-8 with a BOM, which does not stick to the first header', async () => {
      // act
      const rows = await readSpreadsheet('csv', utf8('\uFEFF编号,名称\ntax-bureau,"区税务局, 一站式"\n'));

      // assert
      expect(rows?.[0]).toEqual(['编号', '名称']);
      expect(rows?.[1]).toEqual(['tax-bureau', '区税务局, 一站式']);
    });

    it('reads GBK, as Excel on a Chinese Windows saves it', async () => {
      // prepare
      const comma = utf8(',');
      const bytes = concat(
        GBK.编号, comma, GBK.名称, comma, GBK.类型, utf8('\r\n'),
        utf8('tax-bureau'), comma, GBK.区税务局, comma, GBK.局, utf8('\r\n'),
      );

      // act
      const rows = await readSpreadsheet('csv', bytes);

      // assert
      expect(rows).toEqual([
        ['编号', '名称', '类型'],
        ['tax-bureau', '区税务局', '局'],
      ]);
    });

    it('keeps rows of different lengths and blank lines, for the import to number rows as the sheet does', async () => {
      // act
      const rows = await readSpreadsheet('csv', utf8('a,b,c\n\n1\n'));

      // assert
      expect(rows).toEqual([['a', 'b', 'c'], [''], ['1']]);
    });

    it('says it cannot read a CSV with an unclosed quote', async () => {
      // act & assert
      expect(await readSpreadsheet('csv', utf8('a,"b\n1,2\n'))).toBeUndefined();
    });
  });

  describe('XLSX', () => {
    it('reads the first worksheet, each cell as the text Excel shows, empty rows kept', async () => {
      // prepare
      const bytes = await xlsx([['编号', '名称', '类型'], ['tax-bureau', '区税务局', '局'], [], ['unit-2', 42, null, 'extra']]);

      // act
      const rows = await readSpreadsheet('xlsx', bytes);

      // assert
      expect(rows).toEqual([['编号', '名称', '类型'], ['tax-bureau', '区税务局', '局'], [], ['unit-2', '42', '', 'extra']]);
    });

    it('reads an empty workbook as no rows', async () => {
      // prepare
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('empty');

      // act
      const rows = await readSpreadsheet('xlsx', new Uint8Array(await workbook.xlsx.writeBuffer()));

      // assert
      expect(rows).toEqual([]);
    });

    it('says it cannot read bytes that are not an XLSX file', async () => {
      // act & assert
      expect(await readSpreadsheet('xlsx', utf8('编号,名称\ntax-bureau,区税务局\n'))).toBeUndefined();
    });
  });
});

describe('writeXlsx', () => {
  const BOOK: Spreadsheet = {
    title: '2026 年度评议 满意度统计',
    sheets: [
      {
        name: '单位排名',
        columns: [
          { header: '排名', format: 'count' },
          { header: '单位', format: 'text' },
          { header: '综合得分', format: 'score' },
          { header: '满意率', format: 'percent' },
        ],
        rows: [
          [1, '区税务局', 200 / 3, 6 / 7],
          [null, '=HYPERLINK("http://x")', null, 0],
        ],
      },
      { name: '说明', columns: [{ header: '项目', format: 'text' }, { header: '说明', format: 'text' }], rows: [['满意率', '说明'.repeat(60)]] },
    ],
  };

  it('writes one sheet per table, in order, with the header row frozen', async () => {
    // act
    const sheets = await readXlsxParts(await writeXlsx(BOOK));

    // assert
    expect([...sheets.keys()]).toEqual(['单位排名', '说明']);
    expect([...sheets.values()].map((s) => s.frozenRows)).toEqual([1, 1]);
    expect(sheets.get('单位排名')!.rows[0]).toEqual(['排名', '单位', '综合得分', '满意率']);
  });

  it("stores numbers as numbers, unrounded, in their column's number format, and an empty cell as empty", async () => {
    // act
    const sheet = (await readXlsxParts(await writeXlsx(BOOK))).get('单位排名')!;

    // assert
    expect(sheet.rows.slice(1)).toEqual([
      [1, '区税务局', 200 / 3, 6 / 7],
      [null, '=HYPERLINK("http://x")', null, 0],
    ]);
    expect(sheet.formats[1]).toEqual(['0', 'General', '0.00', '0.00%']);
  });

  it('keeps text that looks like a formula as text', async () => {
    // act
    const sheet = (await readXlsxParts(await writeXlsx(BOOK))).get('单位排名')!;

    // assert
    expect(sheet.hasFormula).toBe(false);
  });
});
