import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { EXTENSION_MAX_DAYS, REASON_MAX, REPLY_MAX, type Case, type CaseActionInput, type CaseDetail, type CaseEvent } from '../../../../functions/domain/cases/case';
import { TRANSITIONS, type CaseRole, type TransitionAction } from '../../../../functions/domain/cases/lifecycle';
import { CASE_ACTION_LABELS, CASE_KIND_LABELS, CASE_SOURCE_LABELS, CASE_STATE_LABELS } from '../../../../functions/domain/cases/messages';
import { CONFLICT } from '../../../../functions/domain/errors';
import { STEP_LABELS } from '../../../../functions/domain/notifications/messages';
import { actOnCase, getCase } from '../../../../functions/routes/cases';
import { call, isConflict } from '../../app/api';
import { ActionPanel, useActionForm } from '../../app/components/action-panel';
import { Field, TextField, errorAt, failureOf, focusSoon } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { ScrollTable } from '../../app/components/scroll-table';
import { StaffShell } from '../../app/components/staff-shell';
import { useRecord } from '../../app/components/use-load';
import { sizeOf } from '../../app/files';
import { formatDateTime } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { staff } from '../../app/session';
import { casesStaff } from '../../messages/cases';
import { isSupervisor } from '../ledger/ledger-views';
import { RadioGroup, StateBadge, focusFirstInvalid, formatCstDay } from './case-views';
import { loadUnits, unitChoices, unitName } from './units';

/**
 * The staff case page (case.html?id=<caseId>): the case, its contact details for supervisors who call
 * back, the append-only history (who, when, from → to, note), and the actions the signed-in person may take
 * in the case's state — from the life cycle's own table (domain/cases/lifecycle.ts), by their roles for this
 * case. An action someone else got to first, or one the state no longer allows (409), says so and reloads.
 */

const caseId = new URLSearchParams(location.search).get('id') ?? '';

/** The actions a staff member may offer on a case: the life cycle's, by role, from the case's state. */
function actionsFor(c: Case): TransitionAction[] {
  const me = staff.value;
  if (!me) return [];
  const roles: CaseRole[] = [];
  if (me.roles.includes('supervisor') || me.roles.includes('admin')) roles.push('supervisor');
  if (c.unitId !== null && me.unitIds.includes(c.unitId)) roles.push('unitHandler');
  return (Object.keys(TRANSITIONS) as TransitionAction[]).filter((action) => {
    const rule = TRANSITIONS[action];
    return c.state in rule.from && (rule.who as readonly CaseRole[]).some((role) => roles.includes(role));
  });
}

/** What the action forms hold; each action sends the part it needs. */
interface ActionDraft {
  unitId: string;
  reason: string;
  days: string;
  text: string;
  satisfied: 'yes' | 'no' | undefined;
  note: string;
}
const EMPTY_DRAFT: ActionDraft = { unitId: '', reason: '', days: '', text: '', satisfied: undefined, note: '' };

/** The body of an action (what the API checks and names the failing fields of), at the revision shown. */
function inputOf(action: TransitionAction, d: ActionDraft, rev: number): CaseActionInput | undefined {
  const optional = (key: 'comment' | 'note', value: string) => (value.trim() ? { [key]: value } : {});
  switch (action) {
    case 'assign':
      return { action, unitId: d.unitId, rev };
    case 'reject':
    case 'return':
    case 'denyExtension':
      return { action, reason: d.reason, rev };
    case 'requestExtension':
      return { action, days: /^\d+$/.test(d.days.trim()) ? Number(d.days.trim()) : Number.NaN, reason: d.reason, rev };
    case 'reply':
      return { action, text: d.text, rev };
    case 'callback':
      return d.satisfied === undefined ? undefined : { action, satisfied: d.satisfied === 'yes', ...optional('comment', d.note), rev };
    case 'close':
      return { action, ...optional('note', d.note), rev };
    case 'accept':
    case 'approveExtension':
      return { action, rev };
    case 'escalate':
      return undefined;
  }
}

/**
 * The way from a case to the rectification ledger (整改台账), for supervisors: a complaint that shows a real
 * shortcoming of a unit becomes a ledger item linked to it. A unit handler may only enter their own
 * self-inspection findings (domain/ledger/lifecycle.ts), so they are not offered it. Nothing cheap tells
 * whether the case is on the ledger already (the ledger views do not filter by linked case), so the link is
 * always offered; the item's page links back to the case.
 */
function ToLedger({ c }: { c: Case }) {
  const m = messages(casesStaff);
  if (!isSupervisor()) return null;
  return (
    <p>
      <a class="button" href={`ledger.html?case=${encodeURIComponent(c.caseId)}`} id="case-to-ledger">
        {m.toLedger}
      </a>{' '}
      <span class="muted small">{m.toLedgerHint}</span>
    </p>
  );
}

function Facts({ detail }: { detail: CaseDetail }) {
  const m = messages(casesStaff);
  const c = detail.case;
  return (
    <>
      <dl class="case-facts" id="case-facts">
        <dt>{m.stateLabel}</dt>
        <dd>
          <StateBadge state={c.state} id="case-state" />
          {c.escalation !== 'none' && <span class="badge badge-overdue" id="case-escalation">{`${m.escalationLabel}：${local(STEP_LABELS[c.escalation])}`}</span>}
        </dd>
        <dt>{m.sourceLabel}</dt>
        <dd>{local(CASE_SOURCE_LABELS[c.source])}</dd>
        <dt>{m.kindLabel}</dt>
        <dd>{local(CASE_KIND_LABELS[c.kind])}</dd>
        <dt>{m.unitLabel}</dt>
        <dd id="case-unit">{c.unitId ? unitName(c.unitId) : m.noUnit}</dd>
        <dt>{m.requestedUnitLabel}</dt>
        <dd>{c.requestedUnitId ? unitName(c.requestedUnitId) : m.requestedUnknown}</dd>
        <dt>{m.receivedLabel}</dt>
        <dd>{formatDateTime(c.receivedAt)}</dd>
        <dt>{m.dueLabel}</dt>
        <dd id="case-due">{formatCstDay(c.dueDate)}</dd>
        {c.extension && (
          <>
            <dt>{m.extensionLabel({ days: c.extension.days })}</dt>
            <dd>
              {c.extension.reason}
              {c.extension.decision && <span class="muted small block">{m.extensionDecision[c.extension.decision]}</span>}
            </dd>
          </>
        )}
        {c.rejectionReason && (
          <>
            <dt>{m.rejectionLabel}</dt>
            <dd>{c.rejectionReason}</dd>
          </>
        )}
        {c.returnReason && (
          <>
            <dt>{m.returnLabel}</dt>
            <dd>{c.returnReason}</dd>
          </>
        )}
        {c.callback && (
          <>
            <dt>{m.callbackLabel}</dt>
            <dd id="case-callback">
              {c.callback.satisfied ? m.satisfied : m.notSatisfied}
              {c.callback.comment && <span class="block">{c.callback.comment}</span>}
            </dd>
          </>
        )}
      </dl>
      <h2>{m.descriptionHeading}</h2>
      <p class="case-text" id="case-description">
        {c.description}
      </p>
      {detail.attachments && detail.attachments.length > 0 && (
        <section aria-labelledby="attachments-heading">
          <h2 id="attachments-heading">{m.attachmentsHeading}</h2>
          <ul id="case-attachments">
            {detail.attachments.map((a) => (
              <li key={a.attachmentKey}>
                <a href={a.url} download={a.fileName} rel="noopener noreferrer">
                  {a.fileName}
                </a>{' '}
                <span class="muted small">{sizeOf(a.size)}</span>
              </li>
            ))}
          </ul>
          <p class="muted small">{m.attachmentsExpire}</p>
        </section>
      )}
      {c.reply && (
        <>
          <h2>{m.replyHeading}</h2>
          <p class="case-text" id="case-reply">
            {c.reply.text}
          </p>
        </>
      )}
      {detail.contact && (
        <section class="panel" aria-labelledby="contact-heading">
          <h2 id="contact-heading">{m.contactHeading}</h2>
          <p id="case-contact">
            {[detail.contact.name, detail.contact.phone, detail.contact.email].filter(Boolean).join(' · ')}
          </p>
          <p class="muted small">{c.callbackConsent ? m.consentYes : m.consentNo}</p>
        </section>
      )}
    </>
  );
}

function History({ events }: { events: CaseEvent[] }) {
  const m = messages(casesStaff);
  const who = (e: CaseEvent) => (e.actor.kind === 'citizen' ? m.whoCitizen : e.actor.kind === 'system' ? m.whoSystem : m.whoStaff({ id: (e.actor.sub ?? '').slice(0, 8) }));
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{m.historyHeading}</h2>
      <ScrollTable id="case-history" class="case-history" captionId="history-caption" caption={m.historyCaption}>
        <thead>
          <tr>
            <th scope="col">{m.colAt}</th>
            <th scope="col">{m.colWho}</th>
            <th scope="col">{m.colAction}</th>
            <th scope="col">{m.colChange}</th>
            <th scope="col">{m.colNote}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq} data-seq={e.seq} data-action={e.action} data-to={e.to}>
              <td>{formatDateTime(e.at)}</td>
              <td>{who(e)}</td>
              <td>{local(CASE_ACTION_LABELS[e.action])}</td>
              <td>{e.from ? `${local(CASE_STATE_LABELS[e.from])} → ${local(CASE_STATE_LABELS[e.to])}` : local(CASE_STATE_LABELS[e.to])}</td>
              <td class="case-text">
                {e.unitId ? unitName(e.unitId) : ''}
                {e.unitId && e.note ? ' · ' : ''}
                {e.note ?? ''}
              </td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}

/** The fields one action asks for. */
function ActionFields({ action, draft, set, fields, unitId }: { action: TransitionAction; draft: ActionDraft; set: (path: string, patch: Partial<ActionDraft>) => void; fields: Record<string, string>; unitId: string | null }) {
  const m = messages(casesStaff);
  const textArea = (id: string, path: 'reason' | 'text' | 'note' | 'comment', label: string, max: number, key: 'reason' | 'text' | 'note' = path === 'comment' ? 'note' : path) => (
    <Field id={id} label={label} error={errorAt(fields, path)}>
      {(describedBy, invalid) => (
        <textarea id={id} rows={4} maxLength={max} value={draft[key]} aria-describedby={describedBy} aria-invalid={invalid} onInput={(e) => set(path, { [key]: (e.currentTarget as HTMLTextAreaElement).value })} />
      )}
    </Field>
  );
  switch (action) {
    case 'assign':
      return (
        <Field id="action-unit" label={m.unitPick} error={errorAt(fields, 'unitId')}>
          {(describedBy, invalid) => (
            <select id="action-unit" value={draft.unitId} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => set('unitId', { unitId: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{m.unitPickNone}</option>
              {unitChoices.value
                .filter((u) => u.unitId !== unitId)
                .map((u) => (
                  <option key={u.unitId} value={u.unitId}>
                    {local(u.name)}
                  </option>
                ))}
            </select>
          )}
        </Field>
      );
    case 'reject':
    case 'return':
    case 'denyExtension':
      return textArea('action-reason', 'reason', m.reasonLabel, REASON_MAX);
    case 'requestExtension':
      return (
        <>
          <TextField id="action-days" label={m.daysLabel} type="number" inputMode="numeric" value={draft.days} onInput={(v) => set('days', { days: v })} error={errorAt(fields, 'days')} hint={`1–${EXTENSION_MAX_DAYS}`} />
          {textArea('action-reason', 'reason', m.reasonLabel, REASON_MAX)}
        </>
      );
    case 'reply':
      return textArea('action-text', 'text', m.replyLabel, REPLY_MAX);
    case 'callback':
      return (
        <>
          <RadioGroup
            id="action-satisfied"
            legend={m.satisfiedLegend}
            options={[
              { value: 'yes', label: m.satisfied },
              { value: 'no', label: m.notSatisfied },
            ]}
            value={draft.satisfied}
            onChange={(v) => set('satisfied', { satisfied: v as 'yes' | 'no' })}
            error={errorAt(fields, 'satisfied')}
          />
          {textArea('action-note', 'comment', m.commentLabel, REASON_MAX)}
        </>
      );
    case 'close':
      return textArea('action-note', 'note', m.noteLabel, REASON_MAX);
    default:
      return null;
  }
}

function CaseView() {
  const m = messages(casesStaff);
  const { data: detail, problem, load } = useRecord(() => call(getCase, { params: { caseId } }), m.caseNotFound);
  const form = useActionForm<TransitionAction, ActionDraft>(EMPTY_DRAFT);
  const { acting, draft, failure, busy, notice } = form;
  const gone = useSignal(false);

  useEffect(() => {
    loadUnits();
    if (caseId) void load();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const action = acting.value;
    const d = detail.value;
    if (!action || !d || busy.value) return;
    const body = inputOf(action, draft.value, d.case.rev);
    if (!body) {
      failure.value = { message: m.satisfiedRequired, fields: { satisfied: m.satisfiedRequired } };
      focusFirstInvalid('action-form', 'action-failure');
      return;
    }
    busy.value = true;
    failure.value = undefined;
    try {
      const saved = await call(actOnCase, { params: { caseId }, body });
      acting.value = undefined;
      if (action === 'return' && actionsFor(saved).length === 0) {
        // Returned to the office: a handler no longer sees the case, so there is nothing to reload.
        gone.value = true;
        detail.value = undefined;
        focusSoon('case-gone');
        return;
      }
      notice.value = { kind: 'success', say: () => messages(casesStaff).done({ action: local(CASE_ACTION_LABELS[action]) }) };
      await load();
      focusSoon('case-notice');
    } catch (err) {
      const conflict = isConflict(err, CONFLICT.illegalTransition) || isConflict(err, CONFLICT.staleRevision);
      const late = isConflict(err, CONFLICT.deadlinePassed);
      if (conflict || late) {
        acting.value = undefined;
        notice.value = { kind: 'info', say: () => (late ? messages(casesStaff).deadlinePassed : messages(casesStaff).conflict) };
        await load();
        focusSoon('case-notice');
      } else {
        failure.value = failureOf(err);
        focusFirstInvalid('action-form', 'action-failure');
      }
    } finally {
      busy.value = false;
    }
  };

  if (!caseId) return <Notice kind="error">{m.noCaseChosen}</Notice>;
  if (gone.value) {
    return (
      <>
        <Notice kind="success" id="case-gone">
          {m.returnedAway}
        </Notice>
        <p>
          <a href="cases.html">{m.backToList}</a>
        </p>
      </>
    );
  }
  if (problem.value && !detail.value) {
    return (
      <>
        <Notice kind="error">{problem.value}</Notice>
        <p>
          <a href="cases.html">{m.backToList}</a>
        </p>
      </>
    );
  }
  const d = detail.value;
  if (!d) return <Loading />;
  const actions = actionsFor(d.case);
  const a = acting.value;
  const fields = failure.value?.fields ?? {};
  return (
    <>
      <p>
        <a href="cases.html">{m.backToList}</a>
      </p>
      <p class="case-number" id="case-number">
        {d.case.trackingNumber}
      </p>
      {notice.value && (
        <Notice kind={notice.value.kind} id="case-notice">
          {notice.value.say()}
        </Notice>
      )}
      {problem.value && <Notice kind="error">{problem.value}</Notice>}
      <Facts detail={d} />
      <ToLedger c={d.case} />
      <ActionPanel
        form={form}
        actions={actions}
        labelOf={(action) => local(CASE_ACTION_LABELS[action])}
        texts={m}
        placed={['unitId', 'reason', 'days', 'text', 'satisfied', 'comment', 'note']}
        onSubmit={submit}
        onReload={() => void load()}
        fields={a && <ActionFields action={a} draft={draft.value} set={form.set} fields={fields} unitId={d.case.unitId} />}
      />
      <History events={d.events} />
    </>
  );
}

function Page() {
  const m = messages(casesStaff);
  return (
    <StaffShell roles={['supervisor', 'admin', 'unitHandler']} title={m.caseTitle}>
      <h1>{m.caseTitle}</h1>
      <CaseView />
    </StaffShell>
  );
}

mount(<Page />);
