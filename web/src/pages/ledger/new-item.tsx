import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { Case } from '../../../../functions/domain/cases/case';
import { LEDGER_LEVELS, LEDGER_TEXT_MAX, type LedgerItemInput, type LedgerLevel, type LedgerSource } from '../../../../functions/domain/ledger/ledger';
import { LEDGER_LEVEL_LABELS, LEDGER_SOURCE_LABELS } from '../../../../functions/domain/ledger/messages';
import { getCase } from '../../../../functions/routes/cases';
import { createLedgerItem } from '../../../../functions/routes/ledger';
import { call } from '../../app/api';
import { FailureNotice, Field, errorAt, failureOf, focusSoon } from '../../app/components/fields';
import { useDraft } from '../../app/components/use-draft';
import { local, messages } from '../../app/i18n';
import { staff } from '../../app/session';
import { ledgerStaff } from '../../messages/ledger';
import { focusFirstInvalid } from '../cases/case-views';
import { unitChoices, unitName } from '../cases/units';
import { categories, isSupervisor } from './ledger-views';

/**
 * Entering one problem on the ledger (查摆登记): its level, category, unit and description. A unit handler
 * enters their own units' self-inspection findings; a supervisor also the supervising office's findings. The
 * item starts IDENTIFIED and opens at once, where it is put on the ledger (建账) with its owner, responsible
 * leader, measures and deadline. Opened from a case (ledger.html?case=<caseId>, the case page's "put on the
 * ledger"), the form starts open with the item linked to that case (linkedCaseId), its source, unit and
 * description taken from the case and still editable.
 */

/** The sources chosen here: the unit's own inspection, and (supervisors) the supervising office's findings. */
const SOURCES = ['selfInspection', 'supervisionFinding'] as const;
type Source = (typeof SOURCES)[number];

/** The case the item comes from, as the address gives it; an id the API does not know is its 400 on submit. */
const linkedCaseId = new URLSearchParams(location.search).get('case') ?? '';

interface Draft {
  /** A linked case's own source (a complaint, a bad review…), else one of SOURCES. */
  source: LedgerSource;
  level: LedgerLevel | '';
  category: string;
  unitId: string;
  problem: string;
}

const PLACED = ['source', 'level', 'category', 'unitId', 'problem'] as const;

/** A select with its label and error, the first option asking for a choice. */
function Choice(props: { id: string; label: string; value: string; options: { value: string; label: string }[]; onChange: (value: string) => void; error: string | undefined }) {
  const m = messages(ledgerStaff);
  return (
    <Field id={props.id} label={props.label} error={props.error}>
      {(describedBy, invalid) => (
        <select id={props.id} value={props.value} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{m.pickOne}</option>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Which case the item comes from: its tracking number linking to it, or the bare id when it could not be read. */
function FromCase({ linked }: { linked: Case | undefined }) {
  const m = messages(ledgerStaff);
  if (!linked) return <p id="new-item-case">{m.fromCaseUnknown({ id: linkedCaseId })}</p>;
  return (
    <p id="new-item-case">
      {m.fromCase}
      <a href={`case.html?id=${encodeURIComponent(linked.caseId)}`}>{linked.trackingNumber}</a>
    </p>
  );
}

/** The "enter a problem" button and form; after saving, the new item's page opens. */
export function NewLedgerItem() {
  const m = messages(ledgerStaff);
  const open = useSignal(linkedCaseId !== '');
  const linked = useSignal<Case | undefined>(undefined);
  const { draft, failure, busy, set, send } = useDraft<Draft>({ source: linkedCaseId ? 'complaint' : 'selfInspection', level: '', category: '', unitId: '', problem: '' });
  const supervisor = isSupervisor();

  useEffect(() => {
    if (!linkedCaseId) return;
    focusSoon('new-item-heading');
    // The case fills in what it knows; one that cannot be read leaves the form as it is, and the API names
    // the bad linkedCaseId when the item is entered.
    call(getCase, { params: { caseId: linkedCaseId } }).then(
      ({ case: c }) => {
        linked.value = c;
        draft.value = { ...draft.value, source: c.source, unitId: c.unitId ?? draft.value.unitId, problem: draft.value.problem || c.description };
      },
      () => undefined,
    );
  }, []);
  const units = supervisor ? unitChoices.value.map((u) => u.unitId) : (staff.value?.unitIds ?? []);

  const submit = (e: Event) =>
    send(
      e,
      async () => {
        const d = draft.value;
        // Empty choices go as they are: the API names each missing field in the page's language.
        const link = linkedCaseId ? { linkedCaseId } : {};
        const body = { source: d.source, ...link, level: d.level, category: d.category, unitId: d.unitId, problem: d.problem } as LedgerItemInput;
        const item = await call(createLedgerItem, { body });
        location.assign(`ledger-item.html?id=${encodeURIComponent(item.caseId)}`);
      },
      (err) => {
        failure.value = failureOf(err);
        focusFirstInvalid('new-item-form', 'new-item-failure');
      },
    );

  if (!open.value) {
    return (
      <p>
        <button
          type="button"
          class="secondary"
          id="new-item"
          aria-expanded="false"
          onClick={() => {
            open.value = true;
            focusSoon('new-item-heading');
          }}
        >
          {m.newItem}
        </button>
      </p>
    );
  }
  const d = draft.value;
  const fields = failure.value?.fields ?? {};
  return (
    <form id="new-item-form" class="panel" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="new-item-heading">
      <h3 id="new-item-heading" tabIndex={-1}>
        {m.newItem}
      </h3>
      <p class="muted small">{m.newItemIntro}</p>
      {linkedCaseId && <FromCase linked={linked.value} />}
      {failure.value && <FailureNotice id="new-item-failure" failure={failure.value} placed={PLACED} onReload={() => undefined} />}
      {supervisor && !linkedCaseId && (
        <Choice
          id="new-source"
          label={m.sourceLabel}
          value={d.source}
          options={SOURCES.map((s) => ({ value: s, label: local(LEDGER_SOURCE_LABELS[s]) }))}
          onChange={(v) => set('source', { source: (v || 'selfInspection') as Source })}
          error={errorAt(fields, 'source')}
        />
      )}
      <Choice
        id="new-level"
        label={m.levelLabel}
        value={d.level}
        options={LEDGER_LEVELS.map((l) => ({ value: l, label: local(LEDGER_LEVEL_LABELS[l]) }))}
        onChange={(v) => set('level', { level: v as LedgerLevel | '' })}
        error={errorAt(fields, 'level')}
      />
      <Choice
        id="new-category"
        label={m.categoryLabel}
        value={d.category}
        options={categories.value.map((c) => ({ value: c.id, label: local(c.name) }))}
        onChange={(v) => set('category', { category: v })}
        error={errorAt(fields, 'category')}
      />
      <Choice id="new-unit" label={m.unitLabel} value={d.unitId} options={units.map((id) => ({ value: id, label: unitName(id) }))} onChange={(v) => set('unitId', { unitId: v })} error={errorAt(fields, 'unitId')} />
      <Field id="new-problem" label={m.problemHeading} error={errorAt(fields, 'problem')}>
        {(describedBy, invalid) => (
          <textarea id="new-problem" rows={4} maxLength={LEDGER_TEXT_MAX} value={d.problem} aria-describedby={describedBy} aria-invalid={invalid} onInput={(e) => set('problem', { problem: (e.currentTarget as HTMLTextAreaElement).value })} />
        )}
      </Field>
      <div class="actions">
        <button type="submit" class="primary" id="new-item-submit" disabled={busy.value}>
          {busy.value ? m.submitting : m.newItemSave}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            open.value = false;
            failure.value = undefined;
          }}
        >
          {m.cancel}
        </button>
      </div>
    </form>
  );
}
