import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import {
  ADMISSION_MODES,
  PUBLIC_GROUP_ID,
  defaultAdmission,
  type AdmissionMode,
  type AdmissionPolicy,
  type OpenLimits,
} from '../../../../functions/domain/evaluation/admission';
import { periodState, weightIssues, type Period } from '../../../../functions/domain/evaluation/period';
import type { PeriodWithForms } from '../../../../functions/domain/evaluation/period-admin';
import type { RespondentGroup } from '../../../../functions/domain/evaluation/respondent-group';
import { COMMON_MESSAGES } from '../../../../functions/domain/messages';
import type { LocalizedText } from '../../../../functions/domain/text';
import { createGroup, createPeriod, listGroups, listPeriods, updateGroup, updatePeriod } from '../../../../functions/routes/evaluation';
import { call } from '../../app/api';
import {
  FailureNotice,
  LocalizedTextField,
  TextField,
  errorAt,
  failureOf,
  focusFirstError,
  focusSoon,
  withoutErrorsAt,
  type Failure,
  type FieldErrors,
} from '../../app/components/fields';
import { Loading, Notice, mount, type SectionNotice } from '../../app/components/frame';
import { LoadFailed } from '../../app/components/load-failed';
import { ScrollTable } from '../../app/components/scroll-table';
import { StaffShell } from '../../app/components/staff-shell';
import { formatDateTime, fromCstInput, toCstInput } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { stateLabel } from '../../app/labels';
import { adminPeriods } from '../../messages/admin-periods';
import { staffCommon } from '../../messages/staff';

/**
 * The admin's page of respondent groups (评议主体) and evaluation periods (评议期): groups listed, added
 * and renamed, each saying whether it counts only through invitations; periods listed newest first with
 * their state and forms, added and edited — the window entered and shown in China Standard Time, the
 * minimum sample, a weight per group whose sum must be 1, and who may rate (the admission policy: invitation
 * links, service-record links or open, the limits past which open ratings wait for review, and what becomes
 * of an unverified claim to a group). Every save names the revision it read.
 */

/**
 * What a section of this page (groups, periods) keeps beside its table: the item open in its editor (none
 * inside for a new one) and the notice that says an edit was saved, which opening the editor clears.
 */
function useEditorSection<T>(editorHeadingId: string) {
  const editing = useSignal<{ item: T | undefined } | undefined>(undefined);
  const notice = useSignal<SectionNotice | undefined>(undefined);
  const open = (item: T | undefined) => {
    editing.value = { item };
    notice.value = undefined;
    focusSoon(editorHeadingId);
  };
  const close = (said?: () => string) => {
    editing.value = undefined;
    if (said) notice.value = { kind: 'success', say: said };
  };
  return { editing, notice, open, close };
}

// ---- respondent groups --------------------------------------------------------------------------

const GROUP_FIELDS = ['groupId', 'name', 'requiresInvitation'] as const;

function GroupEditor(props: {
  start: RespondentGroup | undefined;
  onSaved: (group: RespondentGroup, created: boolean) => void;
  onCancel: () => void;
  reload: () => Promise<RespondentGroup[] | undefined>;
}) {
  const { start, onSaved, onCancel, reload } = props;
  const c = messages(staffCommon);
  const m = messages(adminPeriods);
  const base = useSignal(start);
  const groupId = useSignal(start?.groupId ?? '');
  const name = useSignal<LocalizedText>(start ? { ...start.name } : { 'zh-CN': '', en: '' });
  const requiresInvitation = useSignal(start?.requiresInvitation ?? false);
  const failure = useSignal<Failure | undefined>(undefined);
  const reloaded = useSignal(false);
  const busy = useSignal(false);
  const errors = failure.value?.fields ?? {};
  const clear = (path: string) => {
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, path) };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    failure.value = undefined;
    reloaded.value = false;
    try {
      // Always sent: the API takes a missing flag as false.
      const fields = { name: name.value, requiresInvitation: requiresInvitation.value };
      const saved = base.value
        ? await call(updateGroup, { params: { groupId: base.value.groupId }, body: { ...fields, rev: base.value.rev } })
        : await call(createGroup, { body: { groupId: groupId.value.trim(), ...fields } });
      onSaved(saved, !base.value);
    } catch (err) {
      failure.value = failureOf(err, { idPath: 'groupId' });
      focusFirstError('group-editor', 'group-editor-failure');
    } finally {
      busy.value = false;
    }
  };

  const reloadLatest = async () => {
    const latest = (await reload())?.find((g) => g.groupId === base.value?.groupId);
    if (!latest) return;
    base.value = latest;
    name.value = { ...latest.name };
    requiresInvitation.value = latest.requiresInvitation;
    failure.value = undefined;
    reloaded.value = true;
    focusSoon('group-editor-reloaded');
  };

  return (
    <section class="panel admin-editor" aria-labelledby="group-editor-heading">
      <h3 id="group-editor-heading" tabIndex={-1}>
        {base.value ? m.groupEditHeading({ id: base.value.groupId }) : m.groupAddHeading}
      </h3>
      {failure.value && (
        <FailureNotice id="group-editor-failure" failure={failure.value} placed={GROUP_FIELDS} onReload={() => void reloadLatest()} />
      )}
      {reloaded.value && (
        <Notice kind="info" id="group-editor-reloaded">
          {m.reloaded}
        </Notice>
      )}
      <form id="group-editor" noValidate onSubmit={(e) => void submit(e)}>
        {!base.value && (
          <TextField
            id="group-id"
            label={m.colId}
            hint={m.groupIdHint}
            value={groupId.value}
            maxLength={63}
            required
            error={errorAt(errors, 'groupId')}
            onInput={(v) => {
              groupId.value = v;
              clear('groupId');
            }}
          />
        )}
        <LocalizedTextField
          id="group-name"
          label={m.groupName}
          path="name"
          value={name.value}
          errors={errors}
          onInput={(v) => {
            name.value = v;
            clear('name');
          }}
        />
        <div class="field check-field">
          <label class="choice">
            <input
              id="group-requires-invitation"
              type="checkbox"
              checked={requiresInvitation.value}
              aria-describedby="group-requires-invitation-hint group-requires-invitation-error"
              aria-invalid={Boolean(errorAt(errors, 'requiresInvitation'))}
              onChange={(e) => {
                requiresInvitation.value = (e.currentTarget as HTMLInputElement).checked;
                clear('requiresInvitation');
              }}
            />
            <span>{m.requiresInvitation}</span>
          </label>
          <p id="group-requires-invitation-hint" class="muted small">
            {m.requiresInvitationHint}
          </p>
          <p id="group-requires-invitation-error" class="field-error" hidden={!errorAt(errors, 'requiresInvitation')}>
            {errorAt(errors, 'requiresInvitation') ?? ''}
          </p>
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

function Groups({ groups, reload }: { groups: readonly RespondentGroup[]; reload: () => Promise<RespondentGroup[] | undefined> }) {
  const m = messages(adminPeriods);
  const { editing, notice, open, close } = useEditorSection<RespondentGroup>('group-editor-heading');

  const saved = (group: RespondentGroup, created: boolean) => {
    close(() => (created ? messages(adminPeriods).groupCreated : messages(adminPeriods).groupRenamed)({ name: local(group.name) }));
    void reload();
    focusSoon('groups-notice');
  };

  return (
    <section aria-labelledby="groups-heading">
      <h2 id="groups-heading">{m.groupsHeading}</h2>
      <p>{m.groupsIntro}</p>
      {notice.value && (
        <Notice kind={notice.value.kind} id="groups-notice">
          {notice.value.say()}
        </Notice>
      )}
      {groups.length === 0 ? (
        <p>{m.noGroups}</p>
      ) : (
        <>
        <p class="scroll-hint muted small">{m.scrollHint}</p>
        <ScrollTable class="groups-table" caption={m.groupsCaption({ count: groups.length })} captionId="groups-caption">
          <thead>
            <tr>
              <th scope="col">{m.colId}</th>
              <th scope="col">{m.colNameZh}</th>
              <th scope="col">{m.colNameEn}</th>
              <th scope="col">{m.colRequiresInvitation}</th>
              <th scope="col">{m.colActions}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.groupId} data-group-id={g.groupId}>
                <th scope="row">
                  <code>{g.groupId}</code>
                </th>
                <td lang="zh-CN">{g.name['zh-CN']}</td>
                <td lang="en">{g.name.en}</td>
                <td data-col="requiresInvitation">{g.requiresInvitation ? m.yes : m.no}</td>
                <td>
                  <button type="button" class="secondary rename" onClick={() => open(g)}>
                    {m.renameGroup}
                    <span class="visually-hidden"> {local(g.name)}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
        </>
      )}
      <p class="section-actions">
        <button type="button" class="primary" id="group-add" onClick={() => open(undefined)}>
          {m.addGroup}
        </button>
      </p>
      {editing.value && (
        <GroupEditor
          key={editing.value.item?.groupId ?? '(new)'}
          start={editing.value.item}
          reload={reload}
          onSaved={saved}
          onCancel={() => close()}
        />
      )}
    </section>
  );
}

// ---- periods ------------------------------------------------------------------------------------

interface PeriodDraft {
  periodId: string;
  name: LocalizedText;
  /** `datetime-local` values, meaning China Standard Time. */
  opensAt: string;
  closesAt: string;
  minSample: string;
  /** The weight typed for each group id; empty when the group takes no part. */
  weights: Record<string, string>;
  admissionMode: AdmissionMode;
  /** The open limits as typed. */
  limits: Record<keyof OpenLimits, string>;
  claimAction: AdmissionPolicy['unverifiedClaim']['action'];
  /** The group an unverified claim counts as, when it is counted. */
  claimGroup: string;
}

/** The open limits in the order the editor shows them. */
const LIMIT_KEYS = ['perClientPerUnitPerDay', 'burstWindowMinutes', 'burstPerUnit', 'identicalPerUnit'] as const satisfies readonly (keyof OpenLimits)[];

const admissionDraftOf = (a: AdmissionPolicy) => ({
  admissionMode: a.mode,
  limits: Object.fromEntries(LIMIT_KEYS.map((k) => [k, String(a.openLimits[k])])) as Record<keyof OpenLimits, string>,
  claimAction: a.unverifiedClaim.action,
  claimGroup: a.unverifiedClaim.action === 'countAs' ? a.unverifiedClaim.groupId : PUBLIC_GROUP_ID,
});

const periodDraftOf = (p: Period | undefined): PeriodDraft =>
  p
    ? {
        periodId: p.periodId,
        name: { ...p.name },
        opensAt: toCstInput(p.opensAt),
        closesAt: toCstInput(p.closesAt),
        minSample: String(p.minSample),
        weights: Object.fromEntries(Object.entries(p.groupWeights).map(([g, w]) => [g, String(w)])),
        ...admissionDraftOf(p.admission),
      }
    : {
        periodId: '',
        name: { 'zh-CN': '', en: '' },
        opensAt: '',
        closesAt: '',
        minSample: '',
        weights: {},
        ...admissionDraftOf(defaultAdmission(PUBLIC_GROUP_ID)),
      };

/** The policy the draft says (limits already checked to be whole numbers). */
const admissionOf = (p: PeriodDraft): AdmissionPolicy => ({
  mode: p.admissionMode,
  openLimits: Object.fromEntries(LIMIT_KEYS.map((k) => [k, Number(p.limits[k].trim())])) as OpenLimits,
  unverifiedClaim: p.claimAction === 'countAs' ? { action: 'countAs', groupId: p.claimGroup } : { action: 'exclude' },
});

const parseWeight = (text: string): number | undefined => {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
};

/** The weights that are filled in and are numbers. */
function numericWeights(weights: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [g, text] of Object.entries(weights)) {
    const w = parseWeight(text);
    if (w !== undefined && !Number.isNaN(w)) out[g] = w;
  }
  return out;
}

const PERIOD_FIELDS = ['periodId', 'name', 'opensAt', 'closesAt', 'minSample', 'groupWeights', 'admission'] as const;

function PeriodEditor(props: {
  start: Period | undefined;
  groups: readonly RespondentGroup[];
  onSaved: (period: Period, created: boolean) => void;
  onCancel: () => void;
  reload: () => Promise<PeriodWithForms[] | undefined>;
}) {
  const { start, groups, onSaved, onCancel, reload } = props;
  const c = messages(staffCommon);
  const m = messages(adminPeriods);
  const base = useSignal(start);
  const draft = useSignal(periodDraftOf(start));
  const failure = useSignal<Failure | undefined>(undefined);
  const reloaded = useSignal(false);
  const busy = useSignal(false);
  const d = draft.value;
  const errors = failure.value?.fields ?? {};

  const set = (patch: Partial<PeriodDraft>, path: string) => {
    draft.value = { ...draft.value, ...patch };
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, path) };
  };
  const setWeight = (groupId: string, text: string) => {
    draft.value = { ...draft.value, weights: { ...draft.value.weights, [groupId]: text } };
    // Any weight changes the sum: the sum's error and this group's own error are both out of date.
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, 'groupWeights') };
  };

  /** The shape checks the API cannot receive otherwise (a time that is not one, a weight that is not a number). */
  const localErrors = (p: PeriodDraft): FieldErrors => {
    const out: FieldErrors = {};
    const required = local(COMMON_MESSAGES.required);
    if (!fromCstInput(p.opensAt)) out.opensAt = required;
    if (!fromCstInput(p.closesAt)) out.closesAt = required;
    if (!/^\d+$/.test(p.minSample.trim())) out.minSample = p.minSample.trim() ? m.errWholeNumber : required;
    for (const [g, text] of Object.entries(p.weights)) if (Number.isNaN(parseWeight(text))) out[`groupWeights.${g}`] = m.errNotNumber;
    for (const k of LIMIT_KEYS) {
      const text = p.limits[k].trim();
      if (!/^\d+$/.test(text)) out[`admission.openLimits.${k}`] = text ? m.errWholeNumber : required;
    }
    return out;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    reloaded.value = false;
    const p = draft.value;
    const shapeErrors = localErrors(p);
    if (Object.keys(shapeErrors).length > 0) {
      failure.value = { message: c.errFixFields, fields: shapeErrors };
      focusFirstError('period-editor', 'period-editor-failure');
      return;
    }
    busy.value = true;
    failure.value = undefined;
    const input = {
      name: p.name,
      opensAt: fromCstInput(p.opensAt) ?? '',
      closesAt: fromCstInput(p.closesAt) ?? '',
      minSample: Number(p.minSample.trim()),
      groupWeights: numericWeights(p.weights),
      // Always sent whole: the API takes a missing policy as open to all.
      admission: admissionOf(p),
    };
    try {
      const saved = base.value
        ? await call(updatePeriod, { params: { periodId: base.value.periodId }, body: { ...input, rev: base.value.rev } })
        : await call(createPeriod, { body: { periodId: p.periodId.trim(), ...input } });
      onSaved(saved, !base.value);
    } catch (err) {
      failure.value = failureOf(err, { idPath: 'periodId' });
      focusFirstError('period-editor', 'period-editor-failure');
    } finally {
      busy.value = false;
    }
  };

  const reloadLatest = async () => {
    const latest = (await reload())?.find((p) => p.periodId === base.value?.periodId);
    if (!latest) return;
    base.value = latest;
    draft.value = periodDraftOf(latest);
    failure.value = undefined;
    reloaded.value = true;
    focusSoon('period-editor-reloaded');
  };

  // Every group can be weighted; a weight of a group that no longer exists still shows, to be cleared.
  const known = new Set(groups.map((g) => g.groupId));
  const weighted = [
    ...groups.map((g) => ({ groupId: g.groupId, name: local(g.name) })),
    ...Object.keys(d.weights)
      .filter((g) => !known.has(g))
      .map((g) => ({ groupId: g, name: g })),
  ];
  const weights = numericWeights(d.weights);
  const sum = Object.values(weights).reduce((a, w) => a + w, 0);
  const sumIssue = weightIssues('groupWeights', weights)[0];
  const sumError = Object.entries(errors)
    .filter(([p]) => p === 'groupWeights')
    .map(([, msg]) => msg)
    .join(' ');

  return (
    <section class="panel admin-editor" aria-labelledby="period-editor-heading">
      <h3 id="period-editor-heading" tabIndex={-1}>
        {base.value ? m.periodEditHeading({ id: base.value.periodId }) : m.periodAddHeading}
      </h3>
      {failure.value && (
        <FailureNotice id="period-editor-failure" failure={failure.value} placed={PERIOD_FIELDS} onReload={() => void reloadLatest()} />
      )}
      {reloaded.value && (
        <Notice kind="info" id="period-editor-reloaded">
          {m.reloaded}
        </Notice>
      )}
      <form id="period-editor" noValidate onSubmit={(e) => void submit(e)}>
        {!base.value && (
          <TextField
            id="period-id"
            label={m.colId}
            hint={m.periodIdHint}
            value={d.periodId}
            maxLength={63}
            required
            error={errorAt(errors, 'periodId')}
            onInput={(periodId) => set({ periodId }, 'periodId')}
          />
        )}
        <LocalizedTextField id="period-name" label={m.periodName} path="name" value={d.name} errors={errors} onInput={(name) => set({ name }, 'name')} />
        <div class="editor-row">
          <TextField
            id="period-opens"
            type="datetime-local"
            label={m.opensAt}
            value={d.opensAt}
            required
            error={errorAt(errors, 'opensAt')}
            onInput={(opensAt) => set({ opensAt }, 'opensAt')}
          />
          <TextField
            id="period-closes"
            type="datetime-local"
            label={m.closesAt}
            hint={m.closesAtHint}
            value={d.closesAt}
            required
            error={errorAt(errors, 'closesAt')}
            onInput={(closesAt) => set({ closesAt }, 'closesAt')}
          />
        </div>
        <TextField
          id="period-min-sample"
          label={m.minSample}
          hint={m.minSampleHint}
          value={d.minSample}
          inputMode="numeric"
          required
          error={errorAt(errors, 'minSample')}
          onInput={(minSample) => set({ minSample }, 'minSample')}
        />
        <fieldset class="weights" id="period-weights" aria-describedby="period-weights-hint">
          <legend>{m.weightsLegend}</legend>
          <p id="period-weights-hint" class="muted small">
            {m.weightsHint}
          </p>
          {weighted.map(({ groupId, name }) => {
            const id = `weight-${groupId}`;
            // Not a number is said at once; whatever the API said about this weight stays until it is changed.
            const own = errorAt(errors, `groupWeights.${groupId}`) ?? (Number.isNaN(parseWeight(d.weights[groupId] ?? '')) ? m.errNotNumber : undefined);
            return (
              <div class="weight-row" key={groupId}>
                <label for={id}>{name}</label>
                <input
                  id={id}
                  type="text"
                  inputMode="decimal"
                  autocomplete="off"
                  value={d.weights[groupId] ?? ''}
                  aria-invalid={Boolean(own || sumError)}
                  aria-describedby={`${id}-error period-weights-error period-weights-sum`}
                  onInput={(e) => setWeight(groupId, (e.currentTarget as HTMLInputElement).value)}
                />
                <p id={`${id}-error`} class="field-error" hidden={!own}>
                  {own ?? ''}
                </p>
              </div>
            );
          })}
          <p id="period-weights-sum" class={sumIssue ? 'weights-sum weights-sum-off' : 'weights-sum weights-sum-ok'} role="status">
            <span class="weights-sum-total">{m.weightsSum({ sum: String(Math.round(sum * 1e6) / 1e6) })}</span>{' '}
            <span class="weights-sum-verdict">{sumIssue ? local(sumIssue.message) : m.weightsOk}</span>
          </p>
          <p id="period-weights-error" class="field-error" hidden={!sumError}>
            {sumError}
          </p>
        </fieldset>
        <AdmissionFields draft={d} groups={groups} errors={errors} set={set} />
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

/**
 * Who may rate in the period: the mode, the limits past which open ratings are stored but wait for a
 * supervisor's review, and what becomes of a rating that claims an invitation-only group without an
 * invitation. The API's errors show at each control (paths under `admission.`).
 */
function AdmissionFields(props: {
  draft: PeriodDraft;
  groups: readonly RespondentGroup[];
  errors: FieldErrors;
  set: (patch: Partial<PeriodDraft>, path: string) => void;
}) {
  const { draft: d, groups, errors, set } = props;
  const m = messages(adminPeriods);
  const modeError = errorAt(errors, 'admission.mode');
  const claimError = [errorAt(errors, 'admission.unverifiedClaim.action'), errorAt(errors, 'admission.unverifiedClaim.groupId')].filter(Boolean).join(' ');
  // An unverified claim may count only as a group open to everyone; the one chosen stays listed to be changed.
  const countable = groups.filter((g) => !g.requiresInvitation || g.groupId === d.claimGroup);
  const modeText = { invitation: m.modeInvitation, serviceRecord: m.modeServiceRecord, open: m.modeOpen };
  const modeHint = { invitation: m.modeInvitationHint, serviceRecord: m.modeServiceRecordHint, open: m.modeOpenHint };
  const limitText = { perClientPerUnitPerDay: m.limitPerClient, burstWindowMinutes: m.limitWindow, burstPerUnit: m.limitBurst, identicalPerUnit: m.limitIdentical };
  return (
    <fieldset class="admission" id="period-admission">
      <legend>{m.admissionLegend}</legend>
      <fieldset class="bare-fieldset" id="period-admission-mode" aria-describedby="period-admission-mode-error" aria-invalid={Boolean(modeError)}>
        <legend class="sub-legend">{m.modeLegend}</legend>
        <div class="choices">
          {ADMISSION_MODES.map((mode) => (
            <label class="choice" key={mode}>
              <input
                type="radio"
                name="admission-mode"
                value={mode}
                checked={d.admissionMode === mode}
                aria-describedby={`admission-mode-${mode}-hint`}
                onChange={() => set({ admissionMode: mode }, 'admission.mode')}
              />
              <span>
                {modeText[mode]}
                <span id={`admission-mode-${mode}-hint`} class="muted small choice-hint">
                  {modeHint[mode]}
                </span>
              </span>
            </label>
          ))}
        </div>
        <p id="period-admission-mode-error" class="field-error" hidden={!modeError}>
          {modeError ?? ''}
        </p>
      </fieldset>
      <fieldset class="bare-fieldset limits" id="period-open-limits" aria-describedby="period-open-limits-hint">
        <legend class="sub-legend">{m.limitsLegend}</legend>
        <p id="period-open-limits-hint" class="muted small">
          {m.limitsHint}
        </p>
        <div class="limits-grid">
          {LIMIT_KEYS.map((k) => (
            <TextField
              key={k}
              id={`limit-${k}`}
              label={limitText[k]}
              value={d.limits[k]}
              inputMode="numeric"
              required
              error={errorAt(errors, `admission.openLimits.${k}`)}
              onInput={(v) => set({ limits: { ...d.limits, [k]: v } }, `admission.openLimits.${k}`)}
            />
          ))}
        </div>
      </fieldset>
      <fieldset class="bare-fieldset" id="period-unverified-claim" aria-describedby="period-unverified-claim-hint period-unverified-claim-error" aria-invalid={Boolean(claimError)}>
        <legend class="sub-legend">{m.claimLegend}</legend>
        <p id="period-unverified-claim-hint" class="muted small">
          {m.claimHint}
        </p>
        <div class="choices">
          <label class="choice">
            <input type="radio" name="claim-action" value="countAs" checked={d.claimAction === 'countAs'} onChange={() => set({ claimAction: 'countAs' }, 'admission.unverifiedClaim')} />
            <span>{m.claimCountAs}</span>
          </label>
          {d.claimAction === 'countAs' && (
            <div class="field claim-group">
              <label for="claim-group">{m.claimGroupLabel}</label>
              <select
                id="claim-group"
                value={d.claimGroup}
                aria-describedby="period-unverified-claim-error"
                aria-invalid={Boolean(errorAt(errors, 'admission.unverifiedClaim.groupId'))}
                onChange={(e) => set({ claimGroup: (e.currentTarget as HTMLSelectElement).value }, 'admission.unverifiedClaim')}
              >
                {countable.map((g) => (
                  <option key={g.groupId} value={g.groupId}>
                    {local(g.name)}
                  </option>
                ))}
                {!groups.some((g) => g.groupId === d.claimGroup) && <option value={d.claimGroup}>{d.claimGroup}</option>}
              </select>
            </div>
          )}
          <label class="choice">
            <input type="radio" name="claim-action" value="exclude" checked={d.claimAction === 'exclude'} onChange={() => set({ claimAction: 'exclude' }, 'admission.unverifiedClaim')} />
            <span>{m.claimExclude}</span>
          </label>
        </div>
        <p id="period-unverified-claim-error" class="field-error" hidden={!claimError}>
          {claimError}
        </p>
      </fieldset>
    </fieldset>
  );
}

function Periods(props: {
  periods: readonly PeriodWithForms[];
  groups: readonly RespondentGroup[];
  reload: () => Promise<PeriodWithForms[] | undefined>;
}) {
  const { periods, groups, reload } = props;
  const m = messages(adminPeriods);
  const { editing, notice, open, close } = useEditorSection<Period>('period-editor-heading');
  const groupName = new Map(groups.map((g) => [g.groupId, g.name]));
  const now = new Date();

  const saved = async (period: Period, created: boolean) => {
    close(() => (created ? messages(adminPeriods).periodCreated : messages(adminPeriods).periodSaved)({ name: local(period.name) }));
    await reload();
    focusSoon('periods-notice');
  };

  return (
    <section aria-labelledby="periods-heading">
      <h2 id="periods-heading">{m.periodsHeading}</h2>
      <p>{m.periodsIntro}</p>
      {notice.value && (
        <Notice kind={notice.value.kind} id="periods-notice">
          {notice.value.say()}
        </Notice>
      )}
      {periods.length === 0 ? (
        <p>{m.noPeriods}</p>
      ) : (
        <>
          <p class="scroll-hint muted small">{m.scrollHint}</p>
          <ScrollTable class="periods-table" caption={m.periodsCaption({ count: periods.length })} captionId="periods-caption">
            <thead>
              <tr>
                <th scope="col">{m.colName}</th>
                <th scope="col">{m.colState}</th>
                <th scope="col">{m.colWindow}</th>
                <th scope="col">{m.colMinSample}</th>
                <th scope="col">{m.colWeights}</th>
                <th scope="col">{m.colAdmission}</th>
                <th scope="col">{m.colForms}</th>
                <th scope="col">{m.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {periods.map((p) => {
                const state = periodState(p, now);
                return (
                  <tr key={p.periodId} data-period-id={p.periodId}>
                    <th scope="row">
                      <span class="unit-name">{local(p.name)}</span>
                      <code class="muted small">{p.periodId}</code>
                    </th>
                    <td>
                      <span class={`badge badge-${state}`}>{stateLabel(state)}</span>
                    </td>
                    <td class="period-window">{m.window({ from: formatDateTime(p.opensAt), to: formatDateTime(p.closesAt) })}</td>
                    <td class="num">{p.minSample}</td>
                    <td>
                      <ul class="plain-list">
                        {Object.entries(p.groupWeights).map(([g, w]) => {
                          const name = groupName.get(g);
                          return (
                            <li key={g}>
                              {name ? local(name) : g} <span class="num">{w}</span>
                            </li>
                          );
                        })}
                      </ul>
                    </td>
                    <td data-col="admission">
                      {{ invitation: m.modeInvitation, serviceRecord: m.modeServiceRecord, open: m.modeOpen }[p.admission.mode]}
                      <span class="muted small block">
                        {p.admission.unverifiedClaim.action === 'exclude'
                          ? m.claimExcludedShort
                          : m.claimCountedShort({ group: local(groupName.get(p.admission.unverifiedClaim.groupId) ?? { 'zh-CN': p.admission.unverifiedClaim.groupId, en: p.admission.unverifiedClaim.groupId }) })}
                      </span>
                    </td>
                    <td>
                      {p.formIds.length === 0 ? (
                        <span class="muted">{m.noForms}</span>
                      ) : (
                        <ul class="plain-list">
                          {p.formIds.map((formId) => (
                            <li key={formId}>
                              <a href={`admin-form.html?form=${encodeURIComponent(formId)}`} aria-label={m.formLink({ id: formId })}>
                                {formId}
                              </a>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>
                      <button type="button" class="secondary edit" onClick={() => open(p)}>
                        {m.editPeriod}
                        <span class="visually-hidden"> {local(p.name)}</span>
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </ScrollTable>
        </>
      )}
      <p class="section-actions">
        <button type="button" class="primary" id="period-add" onClick={() => open(undefined)}>
          {m.addPeriod}
        </button>
      </p>
      {editing.value && (
        <PeriodEditor
          key={editing.value.item?.periodId ?? '(new)'}
          start={editing.value.item}
          groups={groups}
          reload={reload}
          onSaved={(p, created) => void saved(p, created)}
          onCancel={() => close()}
        />
      )}
    </section>
  );
}

// ---- the page -----------------------------------------------------------------------------------

function PeriodsAdmin() {
  const m = messages(adminPeriods);
  const groups = useSignal<RespondentGroup[] | undefined>(undefined);
  const periods = useSignal<PeriodWithForms[] | undefined>(undefined);
  const loadFailure = useSignal<string | undefined>(undefined);

  const loaded = <T,>(run: () => Promise<T>) => async (): Promise<T | undefined> => {
    try {
      const value = await run();
      loadFailure.value = undefined;
      return value;
    } catch (err) {
      loadFailure.value = failureOf(err).message;
      return undefined;
    }
  };
  const reloadGroups = loaded(async () => (groups.value = (await call(listGroups, {})).groups));
  const reloadPeriods = loaded(async () => (periods.value = (await call(listPeriods, {})).periods));
  useEffect(() => {
    void reloadGroups();
    void reloadPeriods();
  }, []);

  return (
    <>
      <h1>{m.title}</h1>
      {loadFailure.value && (
        <LoadFailed
          id="periods-load-failure"
          message={loadFailure.value}
          onRetry={() => {
            void reloadGroups();
            void reloadPeriods();
          }}
        />
      )}
      {!groups.value || !periods.value ? (
        !loadFailure.value && <Loading />
      ) : (
        <>
          <Groups groups={groups.value} reload={reloadGroups} />
          <Periods periods={periods.value} groups={groups.value} reload={reloadPeriods} />
        </>
      )}
    </>
  );
}

function PeriodsPage() {
  return (
    <StaffShell roles={createPeriod.access} title={messages(adminPeriods).title}>
      <PeriodsAdmin />
    </StaffShell>
  );
}

mount(<PeriodsPage />);
