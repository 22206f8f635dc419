import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { InvitationBatch, InvitationLinks } from '../../../../functions/domain/evaluation/invitations';
import type { PeriodWithForms } from '../../../../functions/domain/evaluation/period-admin';
import type { PublishedForm } from '../../../../functions/domain/evaluation/published-form';
import type { RespondentGroup } from '../../../../functions/domain/evaluation/respondent-group';
import { formatInstantCst } from '../../../../functions/domain/time-zone';
import { toCsv } from '../../../../functions/platform/csv';
import { getInvitationLinks, issueInvitations, listInvitationBatches } from '../../../../functions/routes/admission';
import { getForm, listGroups } from '../../../../functions/routes/evaluation';
import { ApiError, call } from '../../app/api';
import { FailureNotice, Field, TextField, errorAt, failureOf, focusFirstError, focusSoon, withoutErrorsAt, type Failure, type FieldErrors } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { LoadFailed } from '../../app/components/load-failed';
import { ScrollTable } from '../../app/components/scroll-table';
import { StaffShell } from '../../app/components/staff-shell';
import { saveFile } from '../../app/files';
import { formatDateTime, fromCstInput } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { loadPeriodChoice, PeriodField } from '../../app/periods';
import { adminInvitations } from '../../messages/admin-invitations';
import { absoluteLink } from './invitation-links';
import { staffCommon } from '../../messages/staff';

/**
 * The admin's invitations page (邀请链接, admin-invitations.html?period=<id>): issues batches of one-time
 * rating links for a unit (or an all-units form), optionally for a respondent group, and lists the
 * period's batches. For each batch the links come as a CSV made here in the browser (UTF-8 with BOM, so
 * Excel reads the Chinese) or as a printable sheet of QR cards (invitation-sheet.html). Neither carries
 * anything about a respondent; Pingyi never learns who got which link.
 */

/** The published forms of a period that still take responses (an invitation opens one of them). */
async function formsOf(period: PeriodWithForms): Promise<PublishedForm[]> {
  const forms = await Promise.all(
    period.formIds.map((formId) =>
      call(getForm, { params: { formId } }).catch((err: unknown) => {
        // A form never published is not found: it cannot be opened by a link yet.
        if (err instanceof ApiError && err.status === 404) return undefined;
        throw err;
      }),
    ),
  );
  return forms.filter((f): f is PublishedForm => f !== undefined && f.status !== 'closed');
}

interface IssueDraft {
  formId: string;
  unitId: string;
  groupId: string;
  count: string;
  expiresAt: string;
  label: string;
}

const ISSUE_FIELDS = ['formId', 'unitId', 'groupId', 'count', 'expiresAt', 'label'] as const;

function IssueForm(props: { periodId: string; forms: readonly PublishedForm[]; groups: readonly RespondentGroup[]; onIssued: (batch: InvitationBatch) => void }) {
  const { periodId, forms, groups, onIssued } = props;
  const c = messages(staffCommon);
  const m = messages(adminInvitations);
  const draft = useSignal<IssueDraft>({ formId: forms[0]?.formId ?? '', unitId: '', groupId: '', count: '', expiresAt: '', label: '' });
  const failure = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const d = draft.value;
  const errors = failure.value?.fields ?? {};
  const form = forms.find((f) => f.formId === d.formId);
  const oneUnit = form?.content.layout === 'oneUnit';

  const set = (patch: Partial<IssueDraft>, path: string) => {
    draft.value = { ...draft.value, ...patch };
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, path) };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    const p = draft.value;
    const shapeErrors: FieldErrors = {};
    if (!/^\d+$/.test(p.count.trim()) || Number(p.count) < 1) shapeErrors.count = m.errWholeNumber;
    if (oneUnit && !p.unitId) shapeErrors.unitId = m.errNeedUnit;
    if (Object.keys(shapeErrors).length > 0) {
      failure.value = { message: c.errFixFields, fields: shapeErrors };
      focusFirstError('issue-form', 'issue-failure');
      return;
    }
    busy.value = true;
    failure.value = undefined;
    const expiresAt = fromCstInput(p.expiresAt);
    try {
      const batch = await call(issueInvitations, {
        params: { periodId },
        body: {
          formId: p.formId,
          ...(oneUnit ? { unitId: p.unitId } : {}),
          ...(p.groupId ? { groupId: p.groupId } : {}),
          count: Number(p.count.trim()),
          ...(expiresAt ? { expiresAt } : {}),
          label: p.label,
        },
      });
      draft.value = { ...draft.value, count: '', label: '' };
      onIssued(batch);
    } catch (err) {
      failure.value = failureOf(err);
      focusFirstError('issue-form', 'issue-failure');
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="panel admin-editor" aria-labelledby="issue-heading">
      <h2 id="issue-heading">{m.issueHeading}</h2>
      {failure.value && <FailureNotice id="issue-failure" failure={failure.value} placed={ISSUE_FIELDS} onReload={() => undefined} />}
      <form id="issue-form" noValidate onSubmit={(e) => void submit(e)}>
        <Field id="issue-form-id" label={m.formLabel} error={errorAt(errors, 'formId')}>
          {(describedBy, invalid) => (
            <select
              id="issue-form-id"
              value={d.formId}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => set({ formId: (e.currentTarget as HTMLSelectElement).value, unitId: '' }, 'formId')}
            >
              {forms.map((f) => (
                <option key={f.formId} value={f.formId}>
                  {`${local(f.content.title)} · ${f.formId}`}
                </option>
              ))}
            </select>
          )}
        </Field>
        {oneUnit && form ? (
          <Field id="issue-unit" label={m.unitLabel} error={errorAt(errors, 'unitId')}>
            {(describedBy, invalid) => (
              <select
                id="issue-unit"
                value={d.unitId}
                required
                aria-describedby={describedBy}
                aria-invalid={invalid}
                onChange={(e) => set({ unitId: (e.currentTarget as HTMLSelectElement).value }, 'unitId')}
              >
                <option value="">{m.unitPlaceholder}</option>
                {form.units.map((u) => (
                  <option key={u.unitId} value={u.unitId}>
                    {local(u.name)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <div class="field">
            <p class="field-label">{m.unitLabel}</p>
            <p id="issue-unit">{m.allUnits}</p>
          </div>
        )}
        <Field id="issue-group" label={m.groupLabel} hint={m.groupHint} error={errorAt(errors, 'groupId')}>
          {(describedBy, invalid) => (
            <select
              id="issue-group"
              value={d.groupId}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => set({ groupId: (e.currentTarget as HTMLSelectElement).value }, 'groupId')}
            >
              <option value="">{m.groupNone}</option>
              {groups.map((g) => (
                <option key={g.groupId} value={g.groupId}>
                  {local(g.name)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div class="editor-row">
          <TextField
            id="issue-count"
            label={m.countLabel}
            hint={m.countHint}
            value={d.count}
            inputMode="numeric"
            required
            error={errorAt(errors, 'count')}
            onInput={(count) => set({ count }, 'count')}
          />
          <TextField
            id="issue-expires"
            type="datetime-local"
            label={m.expiresLabel}
            hint={m.expiresHint}
            value={d.expiresAt}
            error={errorAt(errors, 'expiresAt')}
            onInput={(expiresAt) => set({ expiresAt }, 'expiresAt')}
          />
        </div>
        <TextField id="issue-label" label={m.labelLabel} hint={m.labelHint} value={d.label} maxLength={100} error={errorAt(errors, 'label')} onInput={(label) => set({ label }, 'label')} />
        <div class="actions">
          <button type="submit" class="primary" id="issue-submit" disabled={busy.value}>
            {busy.value ? m.issuing : m.issue}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The rows of a batch's CSV: number, absolute link, unit, group, expiry in CST — nothing about a respondent. */
function csvRows(links: InvitationLinks, unitName: string, groupName: string): string[][] {
  const m = messages(adminInvitations);
  const expires = formatInstantCst(links.batch.expiresAt);
  return [[...m.csvHeader], ...links.links.map((l) => [String(l.n), absoluteLink(l.path), unitName, groupName, expires])];
}

function Batches(props: {
  periodId: string;
  batches: readonly InvitationBatch[];
  forms: readonly PublishedForm[];
  groups: readonly RespondentGroup[];
  highlight: string | undefined;
}) {
  const { periodId, batches, forms, groups, highlight } = props;
  const m = messages(adminInvitations);
  const busy = useSignal<string | undefined>(undefined);
  const notice = useSignal<{ kind: 'success' | 'error'; text: string } | undefined>(undefined);
  const formOf = (formId: string) => forms.find((f) => f.formId === formId);
  const unitNameOf = (b: InvitationBatch) => {
    if (!b.unitId) return m.allUnits;
    const unit = formOf(b.formId)?.units.find((u) => u.unitId === b.unitId);
    return unit ? local(unit.name) : b.unitId;
  };
  const groupNameOf = (b: InvitationBatch) => {
    if (!b.groupId) return m.anyGroup;
    const group = groups.find((g) => g.groupId === b.groupId);
    return group ? local(group.name) : b.groupId;
  };

  const download = async (b: InvitationBatch) => {
    busy.value = b.batchId;
    notice.value = undefined;
    try {
      const links = await call(getInvitationLinks, { params: { periodId, batchId: b.batchId } });
      const name = m.csvName({ period: periodId, batch: b.batchId });
      saveFile(new Blob([toCsv(csvRows(links, unitNameOf(b), b.groupId ? groupNameOf(b) : ''))], { type: 'text/csv;charset=utf-8' }), name);
      notice.value = { kind: 'success', text: m.downloaded({ name }) };
    } catch (err) {
      notice.value = { kind: 'error', text: failureOf(err).message };
    } finally {
      busy.value = undefined;
    }
    focusSoon('batches-notice');
  };

  return (
    <section aria-labelledby="batches-heading">
      <h2 id="batches-heading">{m.batchesHeading}</h2>
      {notice.value && (
        <Notice kind={notice.value.kind} id="batches-notice">
          {notice.value.text}
        </Notice>
      )}
      {batches.length === 0 ? (
        <p>{m.noBatches}</p>
      ) : (
        <>
          <p class="scroll-hint muted small">{m.scrollHint}</p>
          <ScrollTable class="batches-table" caption={m.batchesCaption({ count: batches.length })} captionId="batches-caption">
            <thead>
              <tr>
                <th scope="col">{m.colIssued}</th>
                <th scope="col">{m.colForm}</th>
                <th scope="col">{m.colUnit}</th>
                <th scope="col">{m.colGroup}</th>
                <th scope="col" class="num">
                  {m.colCount}
                </th>
                <th scope="col">{m.colExpires}</th>
                <th scope="col">{m.colLabel}</th>
                <th scope="col">{m.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => {
                const form = formOf(b.formId);
                const what = `${unitNameOf(b)}${b.label ? m.batchOf({ label: b.label }) : ''}`;
                return (
                  <tr key={b.batchId} data-batch-id={b.batchId} class={b.batchId === highlight ? 'just-issued' : undefined}>
                    <th scope="row">{formatDateTime(b.issuedAt)}</th>
                    <td>{form ? local(form.content.title) : b.formId}</td>
                    <td data-col="unit">{unitNameOf(b)}</td>
                    <td>{groupNameOf(b)}</td>
                    <td class="num" data-col="count">
                      {b.count}
                    </td>
                    <td>{formatDateTime(b.expiresAt)}</td>
                    <td>{b.label}</td>
                    <td>
                      <div class="row-actions">
                        <button type="button" class="secondary download-csv" disabled={busy.value === b.batchId} onClick={() => void download(b)}>
                          {busy.value === b.batchId ? m.downloading : m.downloadCsv}
                          <span class="visually-hidden"> {what}</span>
                        </button>
                        <a
                          class="button print-sheet"
                          href={`invitation-sheet.html?period=${encodeURIComponent(periodId)}&batch=${encodeURIComponent(b.batchId)}`}
                        >
                          {m.printSheet}
                          <span class="visually-hidden"> {what}</span>
                        </a>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </ScrollTable>
        </>
      )}
    </section>
  );
}

interface PeriodData {
  forms: PublishedForm[];
  batches: InvitationBatch[];
}

function Invitations() {
  const m = messages(adminInvitations);
  const periods = useSignal<PeriodWithForms[] | undefined>(undefined);
  const groups = useSignal<RespondentGroup[]>([]);
  const periodId = useSignal('');
  const data = useSignal<PeriodData | undefined>(undefined);
  const problem = useSignal<string | undefined>(undefined);
  const issued = useSignal<InvitationBatch | undefined>(undefined);

  const loadPeriod = async () => {
    const period = periods.value?.find((p) => p.periodId === periodId.value);
    if (!period) return;
    data.value = undefined;
    problem.value = undefined;
    try {
      const [forms, { batches }] = await Promise.all([formsOf(period), call(listInvitationBatches, { params: { periodId: period.periodId } })]);
      if (period.periodId === periodId.value) data.value = { forms, batches };
    } catch (err) {
      problem.value = failureOf(err).message;
    }
  };

  const load = async () => {
    problem.value = undefined;
    try {
      const [got, { groups: g }] = await Promise.all([loadPeriodChoice(), call(listGroups, {})]);
      periods.value = got.periods;
      groups.value = g;
      periodId.value = got.periodId;
      await loadPeriod();
    } catch (err) {
      problem.value = failureOf(err).message;
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const onIssued = async (batch: InvitationBatch) => {
    issued.value = batch;
    try {
      const { batches } = await call(listInvitationBatches, { params: { periodId: periodId.value } });
      if (data.value) data.value = { ...data.value, batches };
    } catch (err) {
      problem.value = failureOf(err).message;
    }
    focusSoon('issued-notice');
  };

  const period = periods.value?.find((p) => p.periodId === periodId.value);
  const modeText = period ? { invitation: m.modeInvitation, serviceRecord: m.modeServiceRecord, open: m.modeOpen }[period.admission.mode] : '';
  return (
    <>
      <h1>{m.title}</h1>
      <p>{m.intro}</p>
      {problem.value && (
        <LoadFailed id="invitations-problem" message={problem.value} onRetry={() => void (periods.value ? loadPeriod() : load())} />
      )}
      {!periods.value ? (
        !problem.value && <Loading />
      ) : periods.value.length === 0 ? (
        <p>{m.noPeriods}</p>
      ) : (
        <>
          <div class="toolbar">
            <PeriodField
              periods={periods.value}
              value={periodId.value}
              label={m.periodLabel}
              onPick={(id) => {
                periodId.value = id;
                issued.value = undefined;
                void loadPeriod();
              }}
            />
          </div>
          {period && (
            <p class="muted small" id="period-admission">
              {m.periodAdmission({ mode: modeText })}
            </p>
          )}
          {issued.value && (
            <Notice kind="success" id="issued-notice">
              {m.issued({ count: issued.value.count })}
            </Notice>
          )}
          {!data.value ? (
            !problem.value && <Loading />
          ) : (
            <>
              {data.value.forms.length === 0 ? (
                <Notice kind="info">{m.noForms}</Notice>
              ) : (
                <IssueForm key={periodId.value} periodId={periodId.value} forms={data.value.forms} groups={groups.value} onIssued={(b) => void onIssued(b)} />
              )}
              <Batches periodId={periodId.value} batches={data.value.batches} forms={data.value.forms} groups={groups.value} highlight={issued.value?.batchId} />
            </>
          )}
        </>
      )}
    </>
  );
}

function InvitationsPage() {
  return (
    <StaffShell roles={issueInvitations.access} title={messages(adminInvitations).title}>
      <Invitations />
    </StaffShell>
  );
}

mount(<InvitationsPage />);
