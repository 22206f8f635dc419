import { useSignal } from '@preact/signals';
import { LEDGER_STATE_LABELS } from '../../../../functions/domain/ledger/messages';
import { LEDGER_COLUMNS, LEDGER_IMPORT_MAX_BYTES, LEDGER_TEMPLATE_HEADER, type LedgerImportPlan } from '../../../../functions/domain/ledger/ledger-import';
import { importLedger, ledgerTemplate } from '../../../../functions/routes/ledger';
import { ApiError, call, download } from '../../app/api';
import { failureOf, focusSoon } from '../../app/components/fields';
import { Notice } from '../../app/components/frame';
import { saveFile } from '../../app/files';
import { lang, local, messages } from '../../app/i18n';
import { ledgerStaff } from '../../messages/ledger';
import { unitName } from '../cases/units';

/**
 * The ledger import (supervisors): the template to download, a file checked first (the API's dry run names
 * every bad row and column, and the file's own problems), and the import — offered only when every row is
 * good, since the API writes all rows or none.
 */

const MB = LEDGER_IMPORT_MAX_BYTES / 1024 / 1024;

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const formatOf = (filename: string): 'csv' | 'xlsx' | undefined => (/\.csv$/i.test(filename) ? 'csv' : /\.xlsx$/i.test(filename) ? 'xlsx' : undefined);

/** A column of the template by its header (the offices' Chinese one; in English with the column's key beside it). */
function columnName(column: string): string {
  const header = (LEDGER_COLUMNS as Record<string, readonly string[]>)[column]?.[0];
  if (!header) return column;
  return lang.value === 'zh-CN' ? header : `${header} (${column})`;
}

interface Checked {
  filename: string;
  format: 'csv' | 'xlsx';
  content: string;
  plan: LedgerImportPlan;
}

/** The template download and the import, for supervisors; `onImported` reloads the views. */
export function ImportLedger({ onImported }: { onImported: () => void }) {
  const m = messages(ledgerStaff);
  const checked = useSignal<Checked | undefined>(undefined);
  const busy = useSignal<'checking' | 'importing' | 'template' | undefined>(undefined);
  const fileError = useSignal<string | undefined>(undefined);
  const failure = useSignal<{ message: string; lines: string[] } | undefined>(undefined);
  const imported = useSignal<number | undefined>(undefined);
  const templateStatus = useSignal<{ kind: 'success' | 'error'; text: string } | undefined>(undefined);

  const getTemplate = async () => {
    busy.value = 'template';
    templateStatus.value = undefined;
    try {
      const { blob, filename } = await download(ledgerTemplate, {}, m.templateFile);
      saveFile(blob, filename);
      templateStatus.value = { kind: 'success', text: m.downloaded({ name: filename }) };
    } catch (err) {
      templateStatus.value = { kind: 'error', text: failureOf(err).message };
    } finally {
      busy.value = undefined;
    }
  };

  const check = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    const input = document.getElementById('import-file') as HTMLInputElement;
    const file = input.files?.[0];
    checked.value = undefined;
    failure.value = undefined;
    imported.value = undefined;
    const format = file ? formatOf(file.name) : undefined;
    fileError.value = !file ? m.errNoFile : !format ? m.errFileType : file.size > LEDGER_IMPORT_MAX_BYTES ? m.errFileSize({ mb: MB }) : undefined;
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
        fileError.value = m.errFileRead;
        focusSoon('import-file');
        return;
      }
      const res = await call(importLedger, { body: { format, content, dryRun: true } });
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
      const res = await call(importLedger, { body: { format: file.format, content: file.content, dryRun: false } });
      imported.value = res.written;
      checked.value = undefined;
      (document.getElementById('import-form') as HTMLFormElement | null)?.reset();
      onImported();
      focusSoon('import-result');
    } catch (err) {
      // Someone changed the units or categories between the check and the import: the API names each row again.
      const f = failureOf(err);
      const lines = err instanceof ApiError ? err.fields.map((x) => `${x.path}: ${x.message}`) : [];
      failure.value = { message: lines.length > 0 ? m.importRefused : f.message, lines };
      focusSoon('import-failure');
    } finally {
      busy.value = undefined;
    }
  };

  return (
    <section aria-labelledby="import-heading" class="import-section ledger-import" id="ledger-import">
      <h2 id="import-heading">{m.importHeading}</h2>
      <p>{m.importIntro({ columns: LEDGER_TEMPLATE_HEADER.join(lang.value === 'en' ? ', ' : '、') })}</p>
      <p>
        <button type="button" class="secondary" id="import-template" disabled={busy.value === 'template'} onClick={() => void getTemplate()}>
          {m.templateDownload}
        </button>
      </p>
      {templateStatus.value && (
        <Notice kind={templateStatus.value.kind} id="template-status">
          {templateStatus.value.text}
        </Notice>
      )}
      <form id="import-form" class="panel" noValidate onSubmit={(e) => void check(e)}>
        <div class="field">
          <label for="import-file">{m.importFile}</label>
          <input
            id="import-file"
            type="file"
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            aria-describedby="import-file-hint import-file-error"
            aria-invalid={Boolean(fileError.value)}
            onChange={() => {
              checked.value = undefined;
              fileError.value = undefined;
              failure.value = undefined;
            }}
          />
          <p id="import-file-hint" class="muted small">
            {m.importFileHint({ mb: MB })}
          </p>
          <p id="import-file-error" class="field-error" hidden={!fileError.value}>
            {fileError.value ?? ''}
          </p>
        </div>
        <button type="submit" class="primary" id="import-check" disabled={busy.value === 'checking' || busy.value === 'importing'}>
          {busy.value === 'checking' ? m.importChecking : m.importCheck}
        </button>
      </form>
      {failure.value && (
        <Notice kind="error" id="import-failure">
          <p>{failure.value.message}</p>
          {failure.value.lines.length > 0 && (
            <ul>
              {failure.value.lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      {imported.value !== undefined && (
        <Notice kind="success" id="import-result">
          {m.imported({ count: imported.value })}
        </Notice>
      )}
      {checked.value && <ImportPreview checked={checked.value} busy={busy.value === 'importing'} onImport={() => void runImport()} />}
    </section>
  );
}

function ImportPreview({ checked, busy, onImport }: { checked: Checked; busy: boolean; onImport: () => void }) {
  const m = messages(ledgerStaff);
  const { plan } = checked;
  const bad = plan.rows.filter((r) => r.action === 'invalid');
  const verdict = plan.fileIssues.length > 0 ? m.planFileInvalid : !plan.valid ? m.planInvalid({ rows: plan.counts.invalid }) : m.planValid({ count: plan.counts.create });
  return (
    <div class="import-preview" id="import-preview" data-valid={String(plan.valid)}>
      <h3 id="import-preview-heading" tabIndex={-1}>
        {m.previewHeading({ file: checked.filename })}
      </h3>
      <ul class="import-counts">
        {(['create', 'invalid'] as const).map((k) => (
          <li key={k} class={`import-count-${k}`} data-count={k}>
            <span class="count">{plan.counts[k]}</span> {k === 'create' ? m.countCreate : m.countInvalid}
          </li>
        ))}
      </ul>
      {plan.fileIssues.length > 0 && (
        <div class="notice notice-error" id="import-file-issues">
          <p>{m.fileIssues}</p>
          <ul>
            {plan.fileIssues.map((issue) => (
              <li key={issue.en}>{local(issue)}</li>
            ))}
          </ul>
        </div>
      )}
      {plan.ignoredColumns.length > 0 && (
        <p class="muted small" id="import-ignored">
          {m.ignoredColumns({ columns: plan.ignoredColumns.join(lang.value === 'en' ? ', ' : '、') })}
        </p>
      )}
      <p id="import-verdict" class={plan.valid ? 'import-verdict' : 'import-verdict field-error'}>
        {verdict}
      </p>
      {bad.length > 0 && (
        <div class="notice notice-error" id="import-bad-rows">
          <p>{m.badRowsHeading({ rows: bad.length })}</p>
          <ul>
            {bad.map((r) => (
              <li key={r.row} data-row={r.row}>
                {m.badRow({ row: r.row, issues: r.issues.map((i) => m.issueAt({ column: columnName(i.column), message: local(i.message) })).join(lang.value === 'en' ? '; ' : '；') })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {plan.rows.length > 0 && (
        <>
          <p class="scroll-hint muted small">{m.scrollHint}</p>
          <div class="table-scroll" role="region" aria-labelledby="import-caption" tabIndex={0}>
            <table class="import-table" id="import-rows">
              <caption id="import-caption">{m.previewCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.colRow}</th>
                  <th scope="col">{m.colAction}</th>
                  <th scope="col">{m.colProblem}</th>
                  <th scope="col">{m.colUnit}</th>
                  <th scope="col">{m.colState}</th>
                  <th scope="col">{m.colIssues}</th>
                </tr>
              </thead>
              <tbody>
                {plan.rows.map((r) => (
                  <tr key={r.row} data-row={r.row} data-action={r.action} class={r.action === 'invalid' ? 'invalid' : undefined}>
                    <th scope="row">{r.row}</th>
                    <td>
                      <span class={`badge badge-${r.action}`}>{r.action === 'create' ? m.actionCreate : m.actionInvalid}</span>
                    </td>
                    <td class="ledger-problem">{r.problem}</td>
                    <td>{r.unitId ? unitName(r.unitId) : ''}</td>
                    <td>{r.state ? local(LEDGER_STATE_LABELS[r.state]) : ''}</td>
                    <td>
                      {r.issues.length > 0 && (
                        <ul class="issues">
                          {r.issues.map((i) => (
                            <li key={`${i.column}:${i.message.en}`} data-column={i.column}>
                              {m.issueAt({ column: columnName(i.column), message: local(i.message) })}
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
      )}
      <div class="actions">
        <button type="button" class="primary" id="import-submit" disabled={!plan.valid || plan.counts.create === 0 || busy} aria-describedby="import-verdict" onClick={onImport}>
          {busy ? m.importing : m.importButton}
        </button>
      </div>
    </div>
  );
}
