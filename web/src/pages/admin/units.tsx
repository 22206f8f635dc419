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
import { call, isConflict, type Success } from '../../app/api';
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
import { ImportFileForm, ImportPreview, PlanTable, useFileImport, type FileImport } from '../../app/components/file-import';
import { Loading, Notice, mount } from '../../app/components/frame';
import { StaffShell } from '../../app/components/staff-shell';
import { saveFile } from '../../app/files';
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
  saveFile(new Blob([csv], { type: 'text/csv;charset=utf-8' }), filename);
}

/** A column of the template by the name its header has in the current language. */
function columnName(column: string): string {
  const m = messages(adminUnits);
  const headers = IMPORT_COLUMNS as Record<string, readonly string[]>;
  const header = headers[column]?.[0];
  return header ? m.columnLabel({ column: column as ImportColumn, header }) : column;
}

type UnitImport = FileImport<Success<typeof importUnits>>;

function ImportUnits({ onImported }: { onImported: () => void }) {
  const m = messages(adminUnits);
  const importer: UnitImport = useFileImport({ maxBytes: IMPORT_MAX_BYTES, send: (body) => call(importUnits, { body }), text: m, onImported });
  const { checked, imported } = importer;

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
      <ImportFileForm importer={importer} done={imported && m.imported(imported.plan.counts)} />
      {checked && <UnitsPreview importer={importer} plan={checked.plan} />}
    </section>
  );
}

function UnitsPreview({ importer, plan }: { importer: UnitImport; plan: ImportPlan }) {
  const m = messages(adminUnits);
  const nothingToWrite = plan.valid && plan.counts.create + plan.counts.update === 0;
  const verdict = !plan.valid ? m.planInvalid({ rows: plan.counts.invalid }) : nothingToWrite ? m.planNothing : m.planValid;
  const counts = [
    ['create', m.countCreate],
    ['update', m.countUpdate],
    ['unchanged', m.countUnchanged],
    ['invalid', m.countInvalid],
  ] as const;
  return (
    <ImportPreview importer={importer} counts={counts} canImport={plan.valid && !nothingToWrite}>
      <p id="import-verdict" class={plan.valid ? 'import-verdict' : 'import-verdict field-error'}>
        {verdict}
      </p>
      <PlanTable
        importer={importer}
        actions={{ create: m.actionCreate, update: m.actionUpdate, unchanged: m.actionUnchanged, invalid: m.actionInvalid }}
        columnName={columnName}
        columns={[
          {
            header: m.colId,
            cell: (r) => (
              <td>
                <code>{r.unitId}</code>
              </td>
            ),
          },
          { header: m.colName, cell: (r) => <td>{r.name ? local(r.name) : ''}</td> },
          { header: m.colKind, cell: (r) => <td>{r.kind ? local(UNIT_KIND_LABELS[r.kind]) : ''}</td> },
          {
            header: m.colParent,
            cell: (r) => (
              <td>
                <code>{r.parentId ?? ''}</code>
              </td>
            ),
          },
        ]}
      />
    </ImportPreview>
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
