import { useSignal } from '@preact/signals';
import { Fragment, type ComponentChildren } from 'preact';
import type { Message } from '../../../../functions/domain/messages';
import type { ImportFormat } from '../../../../functions/domain/sheet-import';
import { ApiError } from '../api';
import { local } from '../i18n';
import { failureOf, focusSoon } from './fields';
import { Notice } from './frame';

/**
 * The bulk import from a spreadsheet, as the units and the ledger pages offer it: a CSV or XLSX file
 * checked here for its type and size, sent as base64 to the page's import route as a dry run, the plan the
 * API answers shown row by row, and the same bytes sent again to be written once the user imports. The
 * route, the limit, the words, the verdict and the columns of the rows stay the page's own.
 */

/** A row of a plan: its number in the sheet, what the import would do with it, and what is wrong with it. */
interface PlanRow {
  row: number;
  action: string;
  issues: readonly { column: string; message: Message }[];
}

/** What both import routes answer a check with. */
interface PlanSummary {
  fileIssues: readonly Message[];
  rows: readonly PlanRow[];
  counts: Readonly<Record<string, number>>;
  valid: boolean;
}

type RowOf<R extends { plan: PlanSummary }> = R['plan']['rows'][number];

/** The words of an import, from the page's own catalogue. */
export interface FileImportText {
  importFile: string;
  importFileHint: string;
  importCheck: string;
  importChecking: string;
  errNoFile: string;
  errFileType: string;
  errFileSize: (p: { mb: number }) => string;
  errFileRead: string;
  importRefused: string;
  previewHeading: (p: { file: string }) => string;
  fileIssues: string;
  scrollHint: string;
  previewCaption: string;
  colRow: string;
  colAction: string;
  colIssues: string;
  issueAt: (p: { column: string; message: string }) => string;
  importButton: string;
  importing: string;
}

/** A file the dry run has read: what the import sends again, and the plan the check answered with. */
export interface CheckedFile<P> {
  filename: string;
  format: ImportFormat;
  content: string;
  plan: P;
}

// In chunks: spreading a whole file into one fromCharCode call overflows the stack.
function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const formatOf = (filename: string): ImportFormat | undefined => (/\.csv$/i.test(filename) ? 'csv' : /\.xlsx$/i.test(filename) ? 'xlsx' : undefined);

/** An import's state and its two steps, for the page's form (ImportFileForm) and preview (ImportPreview, PlanTable). */
export interface FileImport<R extends { plan: PlanSummary }> {
  text: FileImportText;
  checked: CheckedFile<R['plan']> | undefined;
  busy: 'checking' | 'importing' | undefined;
  fileError: string | undefined;
  failure: { message: string; lines: string[] } | undefined;
  /** The API's answer to the import last written. */
  imported: R | undefined;
  check: (e: Event) => Promise<void>;
  runImport: () => Promise<void>;
  /** Forgets the check and its errors (another file was chosen). */
  reset: () => void;
}

/**
 * The import of a page: `send` posts the body to the page's import route, `onImported` runs after a
 * written import (the page reloads what it shows).
 */
export function useFileImport<R extends { plan: PlanSummary }>(options: {
  maxBytes: number;
  send: (body: { format: ImportFormat; content: string; dryRun: boolean }) => Promise<R>;
  text: FileImportText;
  onImported: () => void;
}): FileImport<R> {
  const { maxBytes, send, text, onImported } = options;
  const checked = useSignal<CheckedFile<R['plan']> | undefined>(undefined);
  const busy = useSignal<'checking' | 'importing' | undefined>(undefined);
  const fileError = useSignal<string | undefined>(undefined);
  const failure = useSignal<{ message: string; lines: string[] } | undefined>(undefined);
  const imported = useSignal<R | undefined>(undefined);

  const check = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    const input = document.getElementById('import-file') as HTMLInputElement;
    const file = input.files?.[0];
    checked.value = undefined;
    failure.value = undefined;
    imported.value = undefined;
    const format = file ? formatOf(file.name) : undefined;
    fileError.value = !file ? text.errNoFile : !format ? text.errFileType : file.size > maxBytes ? text.errFileSize({ mb: maxBytes / 1024 / 1024 }) : undefined;
    if (fileError.value || !file || !format) {
      focusSoon('import-file');
      return;
    }
    busy.value = 'checking';
    try {
      let content: string;
      try {
        content = base64Of(new Uint8Array(await file.arrayBuffer()));
      } catch {
        fileError.value = text.errFileRead;
        focusSoon('import-file');
        return;
      }
      const res = await send({ format, content, dryRun: true });
      checked.value = { filename: file.name, format, content, plan: res.plan };
      focusSoon('import-preview-heading');
    } catch (err) {
      failure.value = { message: failureOf(err).message, lines: [] };
      focusSoon('import-failure');
    } finally {
      busy.value = undefined;
    }
  };

  const runImport = async () => {
    const file = checked.value;
    if (!file || busy.value) return;
    busy.value = 'importing';
    failure.value = undefined;
    try {
      imported.value = await send({ format: file.format, content: file.content, dryRun: false });
      checked.value = undefined;
      (document.getElementById('import-form') as HTMLFormElement | null)?.reset();
      onImported();
      focusSoon('import-result');
    } catch (err) {
      // Someone changed what the rows refer to between the check and the import: the API names each row again.
      const f = failureOf(err);
      const lines = err instanceof ApiError ? err.fields.map((x) => `${x.path}: ${x.message}`) : [];
      failure.value = { message: lines.length > 0 ? text.importRefused : f.message, lines };
      focusSoon('import-failure');
    } finally {
      busy.value = undefined;
    }
  };

  const reset = () => {
    checked.value = undefined;
    fileError.value = undefined;
    failure.value = undefined;
  };

  return {
    text,
    checked: checked.value,
    busy: busy.value,
    fileError: fileError.value,
    failure: failure.value,
    imported: imported.value,
    check,
    runImport,
    reset,
  };
}

/** The file to check, what went wrong, and — once imported — `done`, what was written. */
export function ImportFileForm<R extends { plan: PlanSummary }>({ importer, done }: { importer: FileImport<R>; done: string | undefined }) {
  const { text, busy, fileError, failure } = importer;
  return (
    <>
      <form id="import-form" class="panel" noValidate onSubmit={(e) => void importer.check(e)}>
        <div class="field">
          <label for="import-file">{text.importFile}</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-describedby="import-file-hint import-file-error"
            aria-invalid={Boolean(fileError)}
            onChange={importer.reset}
          />
          <p id="import-file-hint" class="muted small">
            {text.importFileHint}
          </p>
          <p id="import-file-error" class="field-error" hidden={!fileError}>
            {fileError ?? ''}
          </p>
        </div>
        <button type="submit" class="primary" id="import-check" disabled={busy !== undefined}>
          {busy === 'checking' ? text.importChecking : text.importCheck}
        </button>
      </form>
      {failure && (
        <Notice kind="error" id="import-failure">
          <p>{failure.message}</p>
          {failure.lines.length > 0 && (
            <ul>
              {failure.lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      {done !== undefined && (
        <Notice kind="success" id="import-result">
          {done}
        </Notice>
      )}
    </>
  );
}

/**
 * What the check found, around the page's own notes and table of rows (`children`): the file's name, the
 * count of each action in `counts` (key and words, in order), the file's own problems, and the button that
 * imports, offered when `canImport`.
 */
export function ImportPreview<R extends { plan: PlanSummary }>(props: {
  importer: FileImport<R>;
  counts: readonly (readonly [key: string, label: string])[];
  canImport: boolean;
  children: ComponentChildren;
}) {
  const { importer, counts, canImport, children } = props;
  const { text, checked } = importer;
  if (!checked) return null;
  const { plan } = checked;
  const busy = importer.busy === 'importing';
  return (
    <div class="import-preview" id="import-preview" data-valid={String(plan.valid)}>
      <h3 id="import-preview-heading" tabIndex={-1}>
        {text.previewHeading({ file: checked.filename })}
      </h3>
      <ul class="import-counts">
        {counts.map(([k, label]) => (
          <li key={k} class={`import-count-${k}`} data-count={k}>
            <span class="count">{plan.counts[k]}</span> {label}
          </li>
        ))}
      </ul>
      {plan.fileIssues.length > 0 && (
        <div class="notice notice-error" id="import-file-issues">
          <p>{text.fileIssues}</p>
          <ul>
            {plan.fileIssues.map((issue) => (
              <li key={issue.en}>{local(issue)}</li>
            ))}
          </ul>
        </div>
      )}
      {children}
      <div class="actions">
        <button type="button" class="primary" id="import-submit" disabled={!canImport || busy} aria-describedby="import-verdict" onClick={() => void importer.runImport()}>
          {busy ? text.importing : text.importButton}
        </button>
      </div>
    </div>
  );
}

/**
 * The plan row by row: each row's number, its action (in the words of `actions`), the page's own `columns`
 * (a header, and the cell it shows for a row), and the row's problems, each at its column's name.
 */
export function PlanTable<R extends { plan: PlanSummary }>(props: {
  importer: FileImport<R>;
  actions: Readonly<Record<RowOf<R>['action'], string>>;
  columns: readonly { header: string; cell: (row: RowOf<R>) => ComponentChildren }[];
  columnName: (column: string) => string;
}) {
  const { importer, actions, columns, columnName } = props;
  const { text } = importer;
  const rows: readonly RowOf<R>[] = importer.checked?.plan.rows ?? [];
  if (rows.length === 0) return null;
  return (
    <>
      <p class="scroll-hint muted small">{text.scrollHint}</p>
      <div class="table-scroll" role="region" aria-labelledby="import-caption" tabIndex={0}>
        <table class="import-table" id="import-rows">
          <caption id="import-caption">{text.previewCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{text.colRow}</th>
              <th scope="col">{text.colAction}</th>
              {columns.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
              <th scope="col">{text.colIssues}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.row} data-row={r.row} data-action={r.action} class={r.action === 'invalid' ? 'invalid' : undefined}>
                <th scope="row">{r.row}</th>
                <td>
                  <span class={`badge badge-${r.action}`}>{actions[r.action as RowOf<R>['action']]}</span>
                </td>
                {columns.map((c) => (
                  <Fragment key={c.header}>{c.cell(r)}</Fragment>
                ))}
                <td>
                  {r.issues.length > 0 && (
                    <ul class="issues">
                      {r.issues.map((i) => (
                        <li key={`${i.column}:${i.message.en}`} data-column={i.column}>
                          {text.issueAt({ column: columnName(i.column), message: local(i.message) })}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
