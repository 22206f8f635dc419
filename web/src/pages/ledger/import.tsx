import { useSignal } from '@preact/signals';
import { LEDGER_STATE_LABELS } from '../../../../functions/domain/ledger/messages';
import { LEDGER_COLUMNS, LEDGER_IMPORT_MAX_BYTES, LEDGER_TEMPLATE_HEADER, type LedgerImportPlan } from '../../../../functions/domain/ledger/ledger-import';
import { importLedger, ledgerTemplate } from '../../../../functions/routes/ledger';
import { call, download, type Success } from '../../app/api';
import { failureOf } from '../../app/components/fields';
import { ImportFileForm, ImportPreview, PlanTable, useFileImport, type FileImport } from '../../app/components/file-import';
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

/** A column of the template by its header (the offices' Chinese one; in English with the column's key beside it). */
function columnName(column: string): string {
  const header = (LEDGER_COLUMNS as Record<string, readonly string[]>)[column]?.[0];
  if (!header) return column;
  return lang.value === 'zh-CN' ? header : `${header} (${column})`;
}

type LedgerImport = FileImport<Success<typeof importLedger>>;

/** The template download and the import, for supervisors; `onImported` reloads the views. */
export function ImportLedger({ onImported }: { onImported: () => void }) {
  const m = messages(ledgerStaff);
  const importer: LedgerImport = useFileImport({
    maxBytes: LEDGER_IMPORT_MAX_BYTES,
    send: (body) => call(importLedger, { body }),
    text: { ...m, importFileHint: m.importFileHint({ mb: MB }) },
    onImported,
  });
  const { checked, imported } = importer;
  const gettingTemplate = useSignal(false);
  const templateStatus = useSignal<{ kind: 'success' | 'error'; text: string } | undefined>(undefined);

  const getTemplate = async () => {
    gettingTemplate.value = true;
    templateStatus.value = undefined;
    try {
      const { blob, filename } = await download(ledgerTemplate, {}, m.templateFile);
      saveFile(blob, filename);
      templateStatus.value = { kind: 'success', text: m.downloaded({ name: filename }) };
    } catch (err) {
      templateStatus.value = { kind: 'error', text: failureOf(err).message };
    } finally {
      gettingTemplate.value = false;
    }
  };

  return (
    <section aria-labelledby="import-heading" class="import-section ledger-import" id="ledger-import">
      <h2 id="import-heading">{m.importHeading}</h2>
      <p>{m.importIntro({ columns: LEDGER_TEMPLATE_HEADER.join(lang.value === 'en' ? ', ' : '、') })}</p>
      <p>
        <button type="button" class="secondary" id="import-template" disabled={gettingTemplate.value} onClick={() => void getTemplate()}>
          {m.templateDownload}
        </button>
      </p>
      {templateStatus.value && (
        <Notice kind={templateStatus.value.kind} id="template-status">
          {templateStatus.value.text}
        </Notice>
      )}
      <ImportFileForm importer={importer} done={imported && m.imported({ count: imported.written })} />
      {checked && <LedgerPreview importer={importer} plan={checked.plan} />}
    </section>
  );
}

function LedgerPreview({ importer, plan }: { importer: LedgerImport; plan: LedgerImportPlan }) {
  const m = messages(ledgerStaff);
  const bad = plan.rows.filter((r) => r.action === 'invalid');
  const verdict = plan.fileIssues.length > 0 ? m.planFileInvalid : !plan.valid ? m.planInvalid({ rows: plan.counts.invalid }) : m.planValid({ count: plan.counts.create });
  const counts = [
    ['create', m.countCreate],
    ['invalid', m.countInvalid],
  ] as const;
  return (
    <ImportPreview importer={importer} counts={counts} canImport={plan.valid && plan.counts.create > 0}>
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
      <PlanTable
        importer={importer}
        actions={{ create: m.actionCreate, invalid: m.actionInvalid }}
        columnName={columnName}
        columns={[
          { header: m.colProblem, cell: (r) => <td class="ledger-problem">{r.problem}</td> },
          { header: m.colUnit, cell: (r) => <td>{r.unitId ? unitName(r.unitId) : ''}</td> },
          { header: m.colState, cell: (r) => <td>{r.state ? local(LEDGER_STATE_LABELS[r.state]) : ''}</td> },
        ]}
      />
    </ImportPreview>
  );
}
