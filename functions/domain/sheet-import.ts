import * as z from 'zod/mini';
import type { FieldIssue } from './errors';
import { fill, type Message } from './messages';

/**
 * What every import from a spreadsheet (the units, the ledger) does before it reads a row for its own
 * meaning: the header row matched to the template's columns, the file's own problems (a missing column,
 * no rows, too many), the blank rows left out, and — once planned — every bad row named for the API.
 */

/** The files an import reads: CSV (UTF-8 with or without BOM, or GBK, as Excel saves it in China) or XLSX. */
export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * The body of an import request: the file, base64-encoded (a third larger than its `maxBytes`), and
 * whether only to say what the import would do and write nothing (`dryRun`).
 */
export const importInputShape = (maxBytes: number) => ({
  format: z.enum(IMPORT_FORMATS),
  content: z.string().check(z.minLength(1), z.maxLength(Math.ceil((maxBytes * 4) / 3) + 4)),
  dryRun: z.boolean(),
});

/** A message of an import plan, in both languages. */
export const ZImportMessage = z.object({ 'zh-CN': z.string(), en: z.string() });

/** What is wrong with one row: the column (its key in the template) and why. */
export const ZRowIssues = z.array(z.object({ column: z.string(), message: ZImportMessage }));

/** The template a sheet is read against. */
export interface SheetTemplate<C extends string> {
  /** Each column's key, used in issue paths, and the headers accepted for it (the first is the template's). */
  columns: Readonly<Record<C, readonly string[]>>;
  /** The columns a file must have. */
  required: readonly C[];
  /** The most rows one import may hold. */
  maxRows: number;
  /** The feature's own words for the file's problems. */
  messages: Readonly<Record<'missingColumn' | 'noRows' | 'tooManyRows', Message>>;
}

/** The template's header row as offered for download: the first header of each column. */
export const templateHeader = <C extends string>(columns: Readonly<Record<C, readonly [string, ...string[]]>>): string[] =>
  (Object.keys(columns) as C[]).map((c) => columns[c][0]);

/** A row of the sheet that is not blank: its number in the sheet (the header is row 1) and its cells by column. */
export interface SheetLine<C extends string> {
  row: number;
  /** The cell of a column, trimmed; empty when the file has no such column. */
  cell: (column: C) => string;
}

// Headers match whatever their case, spacing and punctuation: `Unit ID`, `unit_id` and `unitId` are one column,
// and a `*` that marks a column as required is not part of its name.
const normalise = (header: string) => header.replace(/^\uFEFF/, '').toLowerCase().replace(/[\s_\-()（）:：*]+/g, '');

/**
 * Reads rows of text (header first) against a template: which column each header names (headers naming
 * none are ignored and listed), the file's own problems, and the rows that are not blank. A file with any
 * problem of its own has no rows worth reading: its caller plans nothing.
 */
export function readSheet<C extends string>(
  table: readonly (readonly string[])[],
  template: SheetTemplate<C>,
): { fileIssues: Message[]; ignoredColumns: string[]; lines: SheetLine<C>[] } {
  const { columns: headers, required, maxRows, messages: M } = template;
  const keys = Object.keys(headers) as C[];
  const fileIssues: Message[] = [];
  const [header = [], ...body] = table;
  const columns = new Map<C, number>();
  const ignoredColumns: string[] = [];
  header.forEach((cell, i) => {
    const h = normalise(cell);
    const column = keys.find((c) => headers[c].includes(h));
    if (column && !columns.has(column)) columns.set(column, i);
    else if (cell.trim()) ignoredColumns.push(cell.trim());
  });
  for (const c of required) if (!columns.has(c)) fileIssues.push(fill(M.missingColumn, { column: headers[c][0]! }));
  const lines = body
    .map((cells, i) => ({ row: i + 2, cells }))
    .filter(({ cells }) => cells.some((c) => c.trim() !== ''))
    .map(({ row, cells }) => ({
      row,
      cell: (c: C) => {
        const at = columns.get(c);
        return at === undefined ? '' : (cells[at] ?? '').trim();
      },
    }));
  if (fileIssues.length === 0 && lines.length === 0) fileIssues.push(M.noRows);
  if (lines.length > maxRows) fileIssues.push(fill(M.tooManyRows, { max: maxRows }));
  return { fileIssues, ignoredColumns, lines };
}

/** A plan's problems as the fields of a 400 answer: `file`, or `rows.<row>.<column>`. */
export function planIssues(plan: {
  fileIssues: readonly Message[];
  rows: readonly { row: number; issues: readonly { column: string; message: Message }[] }[];
}): FieldIssue[] {
  return [
    ...plan.fileIssues.map((message) => ({ path: 'file', message })),
    ...plan.rows.flatMap((r) => r.issues.map((i) => ({ path: `rows.${r.row}.${i.column}`, message: i.message }))),
  ];
}
