import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { CONFLICT } from '../../../../functions/domain/errors';
import { COMMON_MESSAGES } from '../../../../functions/domain/messages';
import type { LocalizedText } from '../../../../functions/domain/text';
import { UNIT_KINDS, UNIT_KIND_LABELS, type Unit, type UnitKind, type UnitStatus } from '../../../../functions/domain/units/unit';
import {
  IMPORT_COLUMNS,
  IMPORT_MAX_BYTES,
  IMPORT_TEMPLATE_HEADER,
  type ImportColumn,
  type ImportPlan,
} from '../../../../functions/domain/units/unit-import';
import { createUnit, importUnits, listUnits, setUnitStatus, updateUnit } from '../../../../functions/routes/units';
import { ApiError, call, isConflict } from '../../app/api';
import {
  FailureNotice,
  Field,
  LocalizedTextField,
  TextField,
  errorAt,
  failureOf,
  focusFirstError,
  focusSoon,
  withoutErrorsAt,
  type Failure,
} from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { StaffShell } from '../../app/components/staff-shell';
import { lang, local, messages } from '../../app/i18n';
import { adminUnits } from '../../messages/admin-units';
import { staffCommon } from '../../messages/staff';

/**
 * The admin's units page: every unit with filters, adding and editing one (each save names the revision it
 * read), retiring and reinstating (never deleting), and the bulk import from CSV or XLSX — checked first
 * (a dry run that says what each row would do), written only when nothing is wrong.
 */

/** A message shown at the top of the page, rendered in the language of the moment. */
interface PageNotice {
  kind: 'success' | 'error' | 'info';
  say: () => string;
  /** A stale revision: offer to reload. */
  stale?: boolean;
}

// ---- add and edit ---------------------------------------------------------------------------------

interface Draft {
  unitId: string;
  name: LocalizedText;
  kind: UnitKind | '';
  parentId: string;
}

const draftOf = (unit: Unit | undefined): Draft =>
  unit
    ? { unitId: unit.unitId, name: { ...unit.name }, kind: unit.kind, parentId: unit.parentId ?? '' }
    : { unitId: '', name: { 'zh-CN': '', en: '' }, kind: '', parentId: '' };

/** The unit and every unit under it: none of them may become its parent. */
function selfAndDescendants(unitId: string, units: readonly Unit[]): Set<string> {
  const out = new Set([unitId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const u of units) {
      if (u.parentId && out.has(u.parentId) && !out.has(u.unitId)) {
        out.add(u.unitId);
        grew = true;
      }
    }
  }
  return out;
}

const EDITOR_FIELDS = ['unitId', 'name', 'kind', 'parentId'] as const;

function UnitEditor(props: {
  /** The unit being edited; undefined to add one. */
  start: Unit | undefined;
  units: readonly Unit[];
  onSaved: (unit: Unit, created: boolean) => void;
  onCancel: () => void;
  reload: () => Promise<Unit[] | undefined>;
}) {
  const { start, units, onSaved, onCancel, reload } = props;
  const c = messages(staffCommon);
  const m = messages(adminUnits);
  const base = useSignal(start);
  const draft = useSignal(draftOf(start));
  const failure = useSignal<(Failure & { stale?: boolean }) | undefined>(undefined);
  const reloaded = useSignal(false);
  const busy = useSignal(false);
  const creating = !start;
  const d = draft.value;
  const errors = failure.value?.fields ?? {};

  const set = (patch: Partial<Draft>, path: string) => {
    draft.value = { ...draft.value, ...patch };
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, path) };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    const current = draft.value;
    reloaded.value = false;
    if (!current.kind) {
      failure.value = { message: c.errFixFields, fields: { kind: local(COMMON_MESSAGES.required) } };
      focusFirstError('unit-editor', 'unit-editor-failure');
      return;
    }
    busy.value = true;
    failure.value = undefined;
    const input = { name: current.name, kind: current.kind, parentId: current.parentId || null };
    try {
      const saved = base.value
        ? await call(updateUnit, { params: { unitId: base.value.unitId }, body: { ...input, rev: base.value.rev } })
        : await call(createUnit, { body: { unitId: current.unitId.trim(), ...input } });
      onSaved(saved, !base.value);
    } catch (err) {
      failure.value = failureOf(err, { idPath: 'unitId' });
      focusFirstError('unit-editor', 'unit-editor-failure');
    } finally {
      busy.value = false;
    }
  };

  /** After a stale save: the unit as it is now, to make the change again on. */
  const reloadLatest = async () => {
    const fresh = await reload();
    const latest = fresh?.find((u) => u.unitId === base.value?.unitId);
    if (!latest) return;
    base.value = latest;
    draft.value = draftOf(latest);
    failure.value = undefined;
    reloaded.value = true;
    focusSoon('unit-editor-reloaded');
  };

  const excluded = base.value ? selfAndDescendants(base.value.unitId, units) : new Set<string>();
  const parents = units.filter((u) => !excluded.has(u.unitId));

  return (
    <section class="panel admin-editor" aria-labelledby="unit-editor-heading">
      <h2 id="unit-editor-heading" tabIndex={-1}>
        {base.value ? m.editHeading({ id: base.value.unitId }) : m.addHeading}
      </h2>
      {failure.value && (
        <FailureNotice id="unit-editor-failure" failure={failure.value} placed={EDITOR_FIELDS} onReload={() => void reloadLatest()} />
      )}
      {reloaded.value && (
        <Notice kind="info" id="unit-editor-reloaded">
          {m.reloaded}
        </Notice>
      )}
      <form id="unit-editor" noValidate onSubmit={(e) => void submit(e)}>
        {creating && (
          <TextField
            id="unit-id"
            label={m.fieldId}
            hint={m.fieldIdHint}
            value={d.unitId}
            maxLength={63}
            required
            error={errorAt(errors, 'unitId')}
            onInput={(unitId) => set({ unitId }, 'unitId')}
          />
        )}
        <LocalizedTextField id="unit-name" label={m.fieldName} path="name" value={d.name} errors={errors} onInput={(name) => set({ name }, 'name')} />
        <div class="editor-row">
          <Field id="unit-kind" label={m.fieldKind} error={errorAt(errors, 'kind')}>
            {(describedBy, invalid) => (
              <select
                id="unit-kind"
                value={d.kind}
                required
                aria-describedby={describedBy}
                aria-invalid={invalid}
                onChange={(e) => set({ kind: (e.currentTarget as HTMLSelectElement).value as UnitKind }, 'kind')}
              >
                <option value="" disabled>
                  {m.kindPlaceholder}
                </option>
                {UNIT_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {local(UNIT_KIND_LABELS[k])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="unit-parent" label={m.fieldParent} error={errorAt(errors, 'parentId')}>
            {(describedBy, invalid) => (
              <select
                id="unit-parent"
                value={d.parentId}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                onChange={(e) => set({ parentId: (e.currentTarget as HTMLSelectElement).value }, 'parentId')}
              >
                <option value="">{m.parentNone}</option>
                {parents.map((u) => (
                  <option key={u.unitId} value={u.unitId}>
                    {`${local(u.name)} · ${u.unitId}${u.status === 'retired' ? m.retiredSuffix : ''}`}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy.value}>
            {busy.value ? c.saving : c.save}
          </button>
          <button type="button" class="secondary" onClick={onCancel}>
            {c.cancel}
          </button>
        </div>
      </form>
    </section>
  );
}

// ---- the list -----------------------------------------------------------------------------------

type StatusFilter = 'all' | UnitStatus;

function UnitTable(props: {
  units: readonly Unit[];
  busyUnit: string | undefined;
  onEdit: (unit: Unit) => void;
  onStatus: (unit: Unit, status: UnitStatus) => void;
  toolbar: ComponentChildren;
}) {
  const { units, busyUnit, onEdit, onStatus, toolbar } = props;
  const c = messages(staffCommon);
  const m = messages(adminUnits);
  const status = useSignal<StatusFilter>('all');
  const text = useSignal('');
  const byId = new Map(units.map((u) => [u.unitId, u]));
  const q = text.value.trim().toLowerCase();
  const shown = units.filter(
    (u) =>
      (status.value === 'all' || u.status === status.value) &&
      (!q || [u.unitId, u.name['zh-CN'], u.name.en].some((s) => s.toLowerCase().includes(q))),
  );
  return (
    <section aria-labelledby="units-heading">
      <h2 id="units-heading">{m.listHeading}</h2>
      <div class="toolbar units-toolbar">
        <div class="field">
          <label for="units-find">{m.filterText}</label>
          <input
            id="units-find"
            type="search"
            value={text.value}
            autocomplete="off"
            placeholder={m.filterTextHint}
            onInput={(e) => (text.value = (e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="units-status">{m.filterStatus}</label>
          <select id="units-status" value={status.value} onChange={(e) => (status.value = (e.currentTarget as HTMLSelectElement).value as StatusFilter)}>
            <option value="all">{m.filterAll}</option>
            <option value="active">{m.filterActive}</option>
            <option value="retired">{m.filterRetired}</option>
          </select>
        </div>
        {toolbar}
      </div>
      {units.length === 0 ? (
        <p>{m.noUnits}</p>
      ) : (
        <>
          <p class="scroll-hint muted small">{m.scrollHint}</p>
          <div class="table-scroll" role="region" aria-labelledby="units-caption" tabIndex={0}>
            <table class="units-table">
              <caption id="units-caption">{m.tableCaption({ shown: shown.length, total: units.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.colName}</th>
                  <th scope="col">{m.colId}</th>
                  <th scope="col">{m.colKind}</th>
                  <th scope="col">{m.colParent}</th>
                  <th scope="col">{m.colStatus}</th>
                  <th scope="col">{m.colActions}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((u) => {
                  const parent = u.parentId ? byId.get(u.parentId) : undefined;
                  const name = local(u.name);
                  const retired = u.status === 'retired';
                  return (
                    <tr key={u.unitId} data-unit-id={u.unitId} data-status={u.status} class={retired ? 'retired' : undefined}>
                      <th scope="row">{name}</th>
                      <td>
                        <code>{u.unitId}</code>
                      </td>
                      <td>{local(UNIT_KIND_LABELS[u.kind])}</td>
                      <td>
                        {u.parentId ? (
                          <>
                            {parent ? local(parent.name) : ''} <code class="muted small">{u.parentId}</code>
                          </>
                        ) : (
                          <span class="muted">{m.none}</span>
                        )}
                      </td>
                      <td>
                        <span class={`badge badge-${u.status}`}>{retired ? m.statusRetired : m.statusActive}</span>
                      </td>
                      <td>
                        <div class="row-actions">
                          <button type="button" class="secondary edit" onClick={() => onEdit(u)}>
                            {c.edit}
                            <span class="visually-hidden"> {name}</span>
                          </button>
                          <button
                            type="button"
                            class={`secondary ${retired ? 'reinstate' : 'retire'}`}
                            disabled={busyUnit === u.unitId}
                            aria-describedby={retired ? undefined : 'units-retire-hint'}
                            onClick={() => onStatus(u, retired ? 'active' : 'retired')}
                          >
                            {retired ? m.reinstate : m.retire}
                            <span class="visually-hidden"> {name}</span>
                          </button>
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {shown.length === 0 && <p class="muted">{m.noMatch}</p>}
          <p id="units-retire-hint" class="muted small">
            {m.retireHint}
          </p>
        </>
      )}
    </section>
  );
}

// ---- bulk import --------------------------------------------------------------------------------

/** One example row of the template, so that an admin sees what each column takes. */
const TEMPLATE_EXAMPLE: readonly string[] = ['example-bureau', '示例局', 'Example Bureau', UNIT_KIND_LABELS.bureau['zh-CN'], ''];

/** A CSV cell, quoted when it must be (RFC 4180). */
const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Saves the import template: UTF-8 with a BOM (so Excel shows the Chinese headers), the header row and one example. */
function downloadTemplate(filename: string): void {
  const csv = `\uFEFF${[IMPORT_TEMPLATE_HEADER, TEMPLATE_EXAMPLE].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const formatOf = (filename: string): 'csv' | 'xlsx' | undefined =>
  /\.csv$/i.test(filename) ? 'csv' : /\.xlsx$/i.test(filename) ? 'xlsx' : undefined;

/** A column of the template by the name its header has in the current language. */
function columnName(column: string): string {
  const m = messages(adminUnits);
  const headers = IMPORT_COLUMNS as Record<string, readonly string[]>;
  const header = headers[column]?.[0];
  return header ? m.columnLabel({ column: column as ImportColumn, header }) : column;
}

interface Checked {
  filename: string;
  format: 'csv' | 'xlsx';
  content: string;
  plan: ImportPlan;
}

function ImportUnits({ onImported }: { onImported: () => void }) {
  const m = messages(adminUnits);
  const checked = useSignal<Checked | undefined>(undefined);
  const busy = useSignal<'checking' | 'importing' | undefined>(undefined);
  const fileError = useSignal<string | undefined>(undefined);
  const failure = useSignal<{ message: string; lines: string[] } | undefined>(undefined);
  const result = useSignal<ImportPlan['counts'] | undefined>(undefined);

  const check = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    const input = document.getElementById('import-file') as HTMLInputElement;
    const file = input.files?.[0];
    checked.value = undefined;
    failure.value = undefined;
    result.value = undefined;
    const format = file ? formatOf(file.name) : undefined;
    fileError.value = !file
      ? m.errNoFile
      : !format
        ? m.errFileType
        : file.size > IMPORT_MAX_BYTES
          ? m.errFileSize({ mb: IMPORT_MAX_BYTES / 1024 / 1024 })
          : undefined;
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
      const res = await call(importUnits, { body: { format, content, dryRun: true } });
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
      const res = await call(importUnits, { body: { format: file.format, content: file.content, dryRun: false } });
      result.value = res.plan.counts;
      checked.value = undefined;
      (document.getElementById('import-form') as HTMLFormElement | null)?.reset();
      onImported();
      focusSoon('import-result');
    } catch (err) {
      const f = failureOf(err);
      const lines = err instanceof ApiError ? err.fields.map((x) => `${x.path}: ${x.message}`) : [];
      failure.value = { message: lines.length > 0 ? m.importRefused : f.message, lines };
      focusSoon('import-failure');
    } finally {
      busy.value = undefined;
    }
  };

  const columns = IMPORT_TEMPLATE_HEADER.join(lang.value === 'en' ? ', ' : '、');
  return (
    <section aria-labelledby="import-heading" class="import-section">
      <h2 id="import-heading">{m.importHeading}</h2>
      <p>{m.importIntro({ columns })}</p>
      <p>
        <button type="button" class="secondary" id="import-template" onClick={() => downloadTemplate(m.templateFile)}>
          {m.templateDownload}
        </button>
      </p>
      <form id="import-form" class="panel" noValidate onSubmit={(e) => void check(e)}>
        <div class="field">
          <label for="import-file">{m.importFile}</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            aria-describedby="import-file-hint import-file-error"
            aria-invalid={Boolean(fileError.value)}
            onChange={() => {
              checked.value = undefined;
              fileError.value = undefined;
              failure.value = undefined;
            }}
          />
          <p id="import-file-hint" class="muted small">
            {m.importFileHint}
          </p>
          <p id="import-file-error" class="field-error" hidden={!fileError.value}>
            {fileError.value ?? ''}
          </p>
        </div>
        <button type="submit" class="primary" id="import-check" disabled={busy.value !== undefined}>
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
      {result.value && (
        <Notice kind="success" id="import-result">
          {m.imported(result.value)}
        </Notice>
      )}
      {checked.value && <ImportPreview checked={checked.value} busy={busy.value === 'importing'} onImport={() => void runImport()} />}
    </section>
  );
}

function ImportPreview({ checked, busy, onImport }: { checked: Checked; busy: boolean; onImport: () => void }) {
  const m = messages(adminUnits);
  const { plan } = checked;
  const actionLabel = { create: m.actionCreate, update: m.actionUpdate, unchanged: m.actionUnchanged, invalid: m.actionInvalid };
  const nothingToWrite = plan.valid && plan.counts.create + plan.counts.update === 0;
  const verdict = !plan.valid ? m.planInvalid({ rows: plan.counts.invalid }) : nothingToWrite ? m.planNothing : m.planValid;
  return (
    <div class="import-preview" id="import-preview">
      <h3 id="import-preview-heading" tabIndex={-1}>
        {m.previewHeading({ file: checked.filename })}
      </h3>
      <ul class="import-counts">
        {(['create', 'update', 'unchanged', 'invalid'] as const).map((k) => (
          <li key={k} class={`import-count-${k}`} data-count={k}>
            <span class="count">{plan.counts[k]}</span>{' '}
            {{ create: m.countCreate, update: m.countUpdate, unchanged: m.countUnchanged, invalid: m.countInvalid }[k]}
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
      <p id="import-verdict" class={plan.valid ? 'import-verdict' : 'import-verdict field-error'}>
        {verdict}
      </p>
      {plan.rows.length > 0 && (
        <>
          <p class="scroll-hint muted small">{m.scrollHint}</p>
          <div class="table-scroll" role="region" aria-labelledby="import-caption" tabIndex={0}>
            <table class="import-table">
              <caption id="import-caption">{m.previewCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.colRow}</th>
                  <th scope="col">{m.colAction}</th>
                  <th scope="col">{m.colId}</th>
                  <th scope="col">{m.colName}</th>
                  <th scope="col">{m.colKind}</th>
                  <th scope="col">{m.colParent}</th>
                  <th scope="col">{m.colIssues}</th>
                </tr>
              </thead>
              <tbody>
                {plan.rows.map((r) => (
                  <tr key={r.row} data-row={r.row} data-action={r.action} class={r.action === 'invalid' ? 'invalid' : undefined}>
                    <th scope="row">{r.row}</th>
                    <td>
                      <span class={`badge badge-${r.action}`}>{actionLabel[r.action]}</span>
                    </td>
                    <td>
                      <code>{r.unitId}</code>
                    </td>
                    <td>{r.name ? local(r.name) : ''}</td>
                    <td>{r.kind ? local(UNIT_KIND_LABELS[r.kind]) : ''}</td>
                    <td>
                      <code>{r.parentId ?? ''}</code>
                    </td>
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
        <button type="button" class="primary" id="import-submit" disabled={!plan.valid || nothingToWrite || busy} aria-describedby="import-verdict" onClick={onImport}>
          {busy ? m.importing : m.importButton}
        </button>
      </div>
    </div>
  );
}

// ---- the page -----------------------------------------------------------------------------------

type Editing = { unit: Unit | undefined } | undefined;

function Units() {
  const c = messages(staffCommon);
  const m = messages(adminUnits);
  const units = useSignal<Unit[] | undefined>(undefined);
  const loadFailure = useSignal<string | undefined>(undefined);
  const notice = useSignal<PageNotice | undefined>(undefined);
  const editing = useSignal<Editing>(undefined);
  const busyUnit = useSignal<string | undefined>(undefined);

  const reload = async (): Promise<Unit[] | undefined> => {
    try {
      const res = await call(listUnits, {});
      units.value = res.units;
      loadFailure.value = undefined;
      return res.units;
    } catch (err) {
      loadFailure.value = failureOf(err).message;
      return undefined;
    }
  };
  useEffect(() => {
    void reload();
  }, []);

  const openEditor = (unit: Unit | undefined) => {
    editing.value = { unit };
    notice.value = undefined;
    focusSoon('unit-editor-heading');
  };

  const saved = (unit: Unit, created: boolean) => {
    const rest = (units.value ?? []).filter((u) => u.unitId !== unit.unitId);
    units.value = [...rest, unit].sort((a, b) => a.unitId.localeCompare(b.unitId));
    editing.value = undefined;
    const name = unit.name;
    notice.value = { kind: 'success', say: () => (created ? messages(adminUnits).created : messages(adminUnits).updated)({ name: local(name) }) };
    focusSoon('units-notice');
  };

  const changeStatus = async (unit: Unit, status: UnitStatus) => {
    busyUnit.value = unit.unitId;
    notice.value = undefined;
    try {
      const next = await call(setUnitStatus, { params: { unitId: unit.unitId }, body: { status, rev: unit.rev } });
      units.value = (units.value ?? []).map((u) => (u.unitId === next.unitId ? next : u));
      const name = next.name;
      notice.value = {
        kind: 'success',
        say: () => (status === 'retired' ? messages(adminUnits).retired : messages(adminUnits).reinstated)({ name: local(name) }),
      };
    } catch (err) {
      const stale = isConflict(err, CONFLICT.staleRevision);
      const message = stale ? '' : failureOf(err).message;
      notice.value = { kind: 'error', say: () => (stale ? messages(staffCommon).errStale : message), stale };
    } finally {
      busyUnit.value = undefined;
    }
    focusSoon('units-notice');
  };

  const reloadAfterStale = async () => {
    if (await reload()) {
      notice.value = { kind: 'info', say: () => messages(adminUnits).reloaded };
      focusSoon('units-notice');
    }
  };

  const list = units.value;
  return (
    <>
      <h1>{m.title}</h1>
      <p>{m.intro}</p>
      {notice.value && (
        <Notice kind={notice.value.kind} id="units-notice">
          <p>{notice.value.say()}</p>
          {notice.value.stale && (
            <button type="button" class="secondary" id="units-reload" onClick={() => void reloadAfterStale()}>
              {c.reload}
            </button>
          )}
        </Notice>
      )}
      {loadFailure.value && (
        <Notice kind="error" id="units-load-failure">
          <p>{loadFailure.value}</p>
          <button type="button" class="secondary" onClick={() => void reload()}>
            {c.reload}
          </button>
        </Notice>
      )}
      {!list ? (
        !loadFailure.value && <Loading />
      ) : (
        <>
          {editing.value && (
            <UnitEditor
              key={editing.value.unit?.unitId ?? '(new)'}
              start={editing.value.unit}
              units={list}
              reload={reload}
              onSaved={saved}
              onCancel={() => (editing.value = undefined)}
            />
          )}
          <UnitTable
            units={list}
            busyUnit={busyUnit.value}
            onEdit={openEditor}
            onStatus={(u, s) => void changeStatus(u, s)}
            toolbar={
              <button type="button" class="primary" id="unit-add" onClick={() => openEditor(undefined)}>
                {m.addUnit}
              </button>
            }
          />
          <ImportUnits onImported={() => void reload()} />
        </>
      )}
    </>
  );
}

function UnitsPage() {
  return (
    <StaffShell roles={listUnits.access} title={messages(adminUnits).title}>
      <Units />
    </StaffShell>
  );
}

mount(<UnitsPage />);
