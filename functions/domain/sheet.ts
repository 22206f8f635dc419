/**
 * A download as tables with typed cells, for a spreadsheet writer (platform/spreadsheet.ts writeXlsx):
 * numbers stay numbers, and each column says how they are shown.
 */

/**
 * How a column's cells are shown: `count` as an integer, `percent` a fraction in [0, 1] as a percentage
 * with two decimals, `score` points with two decimals, `text` as it is.
 */
export type ColumnFormat = 'text' | 'count' | 'percent' | 'score';

export interface SheetColumn {
  header: string;
  format: ColumnFormat;
}

/** Text, a number (in its column's format), or nothing. */
export type SheetCell = string | number | null;

/** One sheet: a header row (kept in view when scrolling) and rows of cells, one per column. */
export interface Sheet {
  /** At most 31 characters, none of `[]:*?/\`: what spreadsheet programs accept. */
  name: string;
  columns: SheetColumn[];
  rows: SheetCell[][];
}

export interface Spreadsheet {
  /** The document's title (its properties). */
  title: string;
  sheets: Sheet[];
}
