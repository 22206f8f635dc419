/** UTF-8 byte order mark: without it Excel reads a CSV as the local ANSI code page and garbles Chinese. */
export const UTF8_BOM = '\uFEFF';

// A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string): string {
  const safe = FORMULA_START.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * RFC 4180 CSV that Excel opens correctly: UTF-8 with BOM, CRLF line ends, quoted where needed, and
 * text that would start a formula prefixed with an apostrophe.
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return UTF8_BOM + rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/**
 * The same CSV as `toCsv`, as bytes made page by page while the pages come: the BOM first, then one chunk
 * per page of rows. A consumer that pulls (a stream's reader) keeps memory to a page or so.
 */
export async function* csvChunks(pages: AsyncIterable<readonly (readonly string[])[]>): AsyncGenerator<Buffer> {
  yield Buffer.from(UTF8_BOM, 'utf8');
  for await (const rows of pages) {
    let text = '';
    for (const row of rows) text += row.map(cell).join(',') + '\r\n';
    yield Buffer.from(text, 'utf8');
  }
}
