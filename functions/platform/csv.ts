/** UTF-8 byte order mark: without it Excel reads a CSV as the local ANSI code page and garbles Chinese. */
export const UTF8_BOM = '\uFEFF';

// A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

// Most cells need neither guard nor quotes: one test lets them through as they are (the raw export writes millions).
const NEEDS_CARE = /^[=+\-@\t\r]|[",\r\n]/;

function cell(value: string): string {
  if (!NEEDS_CARE.test(value)) return value;
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
    for (const row of rows) {
      // Cell by cell, not map and join: no array per row. A missing cell is empty, as join writes it.
      for (let i = 0; i < row.length; i++) text += (i > 0 ? ',' : '') + cell(row[i] ?? '');
      text += '\r\n';
    }
    yield Buffer.from(text, 'utf8');
  }
}
