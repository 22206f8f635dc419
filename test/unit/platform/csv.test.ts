import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { UTF8_BOM, csvChunks, toCsv } from '../../../functions/platform/csv';

describe('toCsv', () => {
  it('starts with a UTF-8 BOM and ends every line with CRLF', () => {
    // act
    const csv = toCsv([
      ['单位', '满意率(%)'],
      ['区税务局', '87.50'],
    ]);

    // assert
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv).toBe('\uFEFF单位,满意率(%)\r\n区税务局,87.50\r\n');
  });

  it('quotes separators, quotes and line breaks so a reader gets the cells back', () => {
    // prepare
    const rows = [['a,b', 'say "hi"', 'two\nlines', '区政务服务中心, "一站式"']];

    // act
    const csv = toCsv(rows);

    // assert
    expect(csv).toBe('\uFEFF"a,b","say ""hi""","two\nlines","区政务服务中心, ""一站式"""\r\n');
    expect(parse(csv, { bom: true })).toEqual(rows);
  });

  it('defuses text that a spreadsheet would run as a formula, and leaves negative numbers alone', () => {
    // act
    const csv = toCsv([['=HYPERLINK("http://x")', '+1+1', '@SUM(A1)', '-5', '-2.75', '-x', '\tTAB']]);

    // assert
    expect(parse(csv, { bom: true })).toEqual([["'=HYPERLINK(\"http://x\")", "'+1+1", "'@SUM(A1)", '-5', '-2.75', "'-x", "'\tTAB"]]);
  });

  it('writes empty cells as nothing between the commas', () => {
    // act & assert
    expect(toCsv([['a', '', '', 'b']])).toBe('\uFEFFa,,,b\r\n');
  });
});

describe('csvChunks', () => {
  it('writes the bytes toCsv writes, a chunk per page, plain cells and guarded ones alike', async () => {
    // prepare
    const pages = [
      [['单位', 'a,b', 'say "hi"'], ['=1+1', '-5', '-x', '\tTAB', 'two\nlines', 'plain']],
      [[], ['', '窗口工作人员态度很好', '@SUM(A1)', 'cr\rhere']],
    ];
    async function* paged() {
      yield* pages;
    }

    // act
    const chunks: Buffer[] = [];
    for await (const chunk of csvChunks(paged())) chunks.push(chunk);

    // assert
    expect(chunks).toHaveLength(3);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(toCsv(pages.flat()));
  });
});
