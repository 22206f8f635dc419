import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readSpreadsheet } from '../../../functions/platform/spreadsheet';

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
