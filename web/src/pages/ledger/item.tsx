import { useEffect } from 'preact/hooks';
import { CONFLICT } from '../../../../functions/domain/errors';
import {
  LEDGER_NOTE_MAX,
  LEDGER_PERSON_MAX,
  LEDGER_TEXT_MAX,
  LEDGER_TRANSITIONS,
  isLedgerOverdue,
  type LedgerActionInput,
  type LedgerDetail,
  type LedgerEvent,
  type LedgerItem,
  type LedgerRole,
  type LedgerTransitionAction,
} from '../../../../functions/domain/ledger/ledger';
import { LEDGER_ACTION_LABELS, LEDGER_LEVEL_LABELS, LEDGER_SOURCE_LABELS, LEDGER_STATE_LABELS } from '../../../../functions/domain/ledger/messages';
import { STEP_LABELS } from '../../../../functions/domain/notifications/messages';
import { actOnLedgerItem, getLedgerItem } from '../../../../functions/routes/ledger';
import { call, isConflict } from '../../app/api';
import { ActionPanel, useActionForm } from '../../app/components/action-panel';
import { AttachmentPicker, usePickedFiles, type PickedFiles } from '../../app/components/attachment-picker';
import { Field, TextField, errorAt, failureOf, focusSoon } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { ScrollTable } from '../../app/components/scroll-table';
import { StaffShell } from '../../app/components/staff-shell';
import { useRecord } from '../../app/components/use-load';
import { sizeOf } from '../../app/files';
import { formatDateTime } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { staff } from '../../app/session';
import { ledgerStaff } from '../../messages/ledger';
import { RadioGroup, focusFirstInvalid, formatCstDay } from '../cases/case-views';
import { loadUnits, unitName } from '../cases/units';
import { LedgerStateBadge, categoryName, deadlineText, isSupervisor, loadCategories } from './ledger-views';

/**
 * A ledger item (ledger-item.html?id=<caseId>): the problem, its measures, owner, responsible leader and
 * deadline, the progress reported, the evidence submitted (with download links), the append-only history
 * (who, when, from → to, note), and the actions the signed-in person may take in the item's state — from the
 * ledger's own transition table (domain/ledger/ledger.ts), by their roles for this item. Publication itself
 * (`publish`) is not offered here: an item reaches the public page only through the publication review,
 * where a supervisor approves its redacted text (an item marked for publication links there). An action
 * someone else got to first (409) says so and reloads.
 */

const itemId = new URLSearchParams(location.search).get('id') ?? '';

/** Actions the transition table holds that no one takes from this page: publication goes through its review, escalation is the sweeper's. */
const NOT_HERE: readonly LedgerTransitionAction[] = ['publish', 'escalate'];

/** The actions a staff member may offer on an item: the ledger's, by role, from the item's state. */
function actionsFor(item: LedgerItem): LedgerTransitionAction[] {
  const me = staff.value;
  if (!me) return [];
  const roles: LedgerRole[] = [];
  if (isSupervisor()) roles.push('supervisor');
  if (me.unitIds.includes(item.unitId)) roles.push('unitHandler');
  return (Object.keys(LEDGER_TRANSITIONS) as LedgerTransitionAction[]).filter((action) => {
    const rule = LEDGER_TRANSITIONS[action];
    return !NOT_HERE.includes(action) && item.state in rule.from && (rule.who as readonly LedgerRole[]).some((role) => roles.includes(role));
  });
}

/** A button's text: the action's name, and for the publication mark whether it sets or clears it. */
function actionLabel(action: LedgerTransitionAction, item: LedgerItem): string {
  return action === 'markDisclosure' && item.disclose ? messages(ledgerStaff).markOff : local(LEDGER_ACTION_LABELS[action]);
}

/** What the action forms hold (the evidence files apart); each action sends the part it needs. */
interface ActionDraft {
  owner: string;
  responsibleLeader: string;
  measures: string;
  deadlineKind: 'workingDays' | 'date';
  days: string;
  date: string;
  text: string;
  note: string;
  reason: string;
}
const EMPTY_DRAFT: ActionDraft = { owner: '', responsibleLeader: '', measures: '', deadlineKind: 'workingDays', days: '', date: '', text: '', note: '', reason: '' };

/** The body of an action (what the API checks and names the failing fields of), at the revision shown. */
function inputOf(action: LedgerTransitionAction, d: ActionDraft, item: LedgerItem, evidenceKeys: string[]): LedgerActionInput | undefined {
  const rev = item.rev;
  const optionalNote = d.note.trim() ? { note: d.note } : {};
  switch (action) {
    case 'ledger':
      return {
        action,
        owner: d.owner,
        responsibleLeader: d.responsibleLeader,
        measures: d.measures,
        deadline: d.deadlineKind === 'workingDays' ? { workingDays: /^\d+$/.test(d.days.trim()) ? Number(d.days.trim()) : Number.NaN } : { date: d.date },
        rev,
      };
    case 'start':
      return { action, rev };
    case 'progress':
      return { action, text: d.text, rev };
    case 'submitEvidence':
      return { action, note: d.note, evidenceKeys, rev };
    case 'sendBack':
      return { action, reason: d.reason, rev };
    case 'accept':
    case 'close':
      return { action, ...optionalNote, rev };
    case 'markDisclosure':
      return { action, disclose: !item.disclose, rev };
    default:
      return undefined;
  }
}

/** The controls of the action forms, by the API's field path. */
const PLACED = ['owner', 'responsibleLeader', 'measures', 'deadline', 'text', 'note', 'reason', 'evidenceKeys'] as const;

function Facts({ detail }: { detail: LedgerDetail }) {
  const m = messages(ledgerStaff);
  const item = detail.item;
  const late = isLedgerOverdue(item, new Date());
  const orUnset = (value: string | undefined) => value ?? <span class="muted">{m.notSet}</span>;
  return (
    <dl class="case-facts ledger-facts" id="item-facts">
      <dt>{m.stateLabel}</dt>
      <dd>
        <LedgerStateBadge state={item.state} id="item-state" />
        {item.escalation !== 'none' && <span class="badge badge-overdue" id="item-escalation">{`${m.escalationLabel}：${local(STEP_LABELS[item.escalation])}`}</span>}
      </dd>
      <dt>{m.levelLabel}</dt>
      <dd>{local(LEDGER_LEVEL_LABELS[item.level])}</dd>
      <dt>{m.categoryLabel}</dt>
      <dd>{categoryName(item.category)}</dd>
      <dt>{m.sourceLabel}</dt>
      <dd>
        {local(LEDGER_SOURCE_LABELS[item.source])}
        {item.linkedCaseId && (
          <>
            {' · '}
            <a href={`case.html?id=${encodeURIComponent(item.linkedCaseId)}`} id="item-linked-case">
              {m.linkedCaseOpen}
            </a>
          </>
        )}
      </dd>
      <dt>{m.unitLabel}</dt>
      <dd id="item-unit">{unitName(item.unitId)}</dd>
      <dt>{m.ownerLabel}</dt>
      <dd id="item-owner">{orUnset(item.owner)}</dd>
      <dt>{m.leaderLabel}</dt>
      <dd id="item-leader">{orUnset(item.responsibleLeader)}</dd>
      <dt>{m.deadlineLabel}</dt>
      <dd id="item-deadline">
        {orUnset(deadlineText(item))}
        {item.dueDate && item.deadline && 'workingDays' in item.deadline && <span class="muted small block">{`${m.dueLabel}：${formatCstDay(item.dueDate)}`}</span>}
        {late && <span class="badge badge-overdue">{m.overdue}</span>}
      </dd>
      <dt>{m.identifiedLabel}</dt>
      <dd>{formatDateTime(item.identifiedAt)}</dd>
      {item.review && (
        <>
          <dt>{m.reviewLabel}</dt>
          <dd id="item-review" data-decision={item.review.decision}>
            {item.review.decision === 'accepted' ? m.reviewAccepted : m.reviewSentBack({ reason: item.review.reason ?? '' })}
            {item.sendBackCount > 0 && <span class="muted small block">{m.sendBackCount({ count: item.sendBackCount })}</span>}
          </dd>
        </>
      )}
      <dt>{m.discloseLabel}</dt>
      <dd id="item-disclose" data-disclose={String(item.disclose)}>
        {item.disclose ? m.discloseYes : m.discloseNo}
      </dd>
    </dl>
  );
}

function Texts({ detail }: { detail: LedgerDetail }) {
  const m = messages(ledgerStaff);
  const item = detail.item;
  return (
    <>
      <h2>{m.problemHeading}</h2>
      <p class="case-text" id="item-problem">
        {item.problem}
      </p>
      <h2>{m.measuresHeading}</h2>
      <p class="case-text" id="item-measures">
        {item.measures ?? <span class="muted">{m.notSet}</span>}
      </p>
      <section aria-labelledby="progress-updates-heading">
        <h2 id="progress-updates-heading">{m.progressUpdatesHeading}</h2>
        {item.progress.length === 0 ? (
          <p class="muted" id="no-progress">
            {m.noProgress}
          </p>
        ) : (
          <ol class="case-steps" id="item-progress">
            {item.progress.map((p, i) => (
              <li key={i}>
                <p class="step-head">{formatDateTime(p.at)}</p>
                <p class="step-note case-text">{p.text}</p>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="evidence-heading">
        <h2 id="evidence-heading">{m.evidenceHeading}</h2>
        {item.evidenceNote === undefined && item.evidenceKeys.length === 0 ? (
          <p class="muted" id="no-evidence">
            {m.evidenceNone}
          </p>
        ) : (
          <>
            {item.evidenceNote && (
              <p class="case-text" id="item-evidence-note">
                {item.evidenceNote}
              </p>
            )}
            {item.submittedAt && <p class="muted small">{formatDateTime(item.submittedAt)}</p>}
            {detail.attachments && detail.attachments.length > 0 && (
              <>
                <ul id="item-evidence">
                  {detail.attachments.map((a) => (
                    <li key={a.attachmentKey}>
                      <a href={a.url} download={a.fileName} rel="noopener noreferrer">
                        {a.fileName}
                      </a>{' '}
                      <span class="muted small">{sizeOf(a.size)}</span>
                    </li>
                  ))}
                </ul>
                <p class="muted small">{m.evidenceExpire}</p>
              </>
            )}
          </>
        )}
      </section>
    </>
  );
}

function History({ events }: { events: LedgerEvent[] }) {
  const m = messages(ledgerStaff);
  const who = (e: LedgerEvent) => (e.actor.kind === 'staff' ? m.whoStaff({ id: (e.actor.sub ?? '').slice(0, 8) }) : m.whoSystem);
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{m.historyHeading}</h2>
      <ScrollTable id="item-history" class="case-history" captionId="history-caption" caption={m.historyCaption}>
        <thead>
          <tr>
            <th scope="col">{m.colAt}</th>
            <th scope="col">{m.colWho}</th>
            <th scope="col">{m.colStep}</th>
            <th scope="col">{m.colChange}</th>
            <th scope="col">{m.colNote}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq} data-seq={e.seq} data-action={e.action} data-to={e.to}>
              <td>{formatDateTime(e.at)}</td>
              <td>{who(e)}</td>
              <td>{local(LEDGER_ACTION_LABELS[e.action])}</td>
              <td>{e.from && e.from !== e.to ? `${local(LEDGER_STATE_LABELS[e.from])} → ${local(LEDGER_STATE_LABELS[e.to])}` : local(LEDGER_STATE_LABELS[e.to])}</td>
              <td class="case-text">{e.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}

/** The fields one action asks for. */
function ActionFields({ action, draft, set, fields, busy, picked }: { action: LedgerTransitionAction; draft: ActionDraft; set: (path: string, patch: Partial<ActionDraft>) => void; fields: Record<string, string>; busy: boolean; picked: PickedFiles }) {
  const m = messages(ledgerStaff);
  const textArea = (id: string, path: 'measures' | 'text' | 'note' | 'reason', label: string, max: number) => (
    <Field id={id} label={label} error={errorAt(fields, path)}>
      {(describedBy, invalid) => (
        <textarea id={id} rows={4} maxLength={max} value={draft[path]} aria-describedby={describedBy} aria-invalid={invalid} onInput={(e) => set(path, { [path]: (e.currentTarget as HTMLTextAreaElement).value })} />
      )}
    </Field>
  );
  switch (action) {
    case 'ledger': {
      const deadlineError = errorAt(fields, 'deadline');
      return (
        <>
          <TextField id="action-owner" label={m.ownerField} value={draft.owner} maxLength={LEDGER_PERSON_MAX} onInput={(v) => set('owner', { owner: v })} error={errorAt(fields, 'owner')} />
          <TextField id="action-leader" label={m.leaderField} value={draft.responsibleLeader} maxLength={LEDGER_PERSON_MAX} onInput={(v) => set('responsibleLeader', { responsibleLeader: v })} error={errorAt(fields, 'responsibleLeader')} />
          {textArea('action-measures', 'measures', m.measuresField, LEDGER_TEXT_MAX)}
          <RadioGroup
            id="action-deadline-kind"
            legend={m.deadlineLegend}
            options={[
              { value: 'workingDays', label: m.deadlineByDays },
              { value: 'date', label: m.deadlineByDate },
            ]}
            value={draft.deadlineKind}
            onChange={(v) => set('deadline', { deadlineKind: v as ActionDraft['deadlineKind'] })}
            error={undefined}
          />
          {draft.deadlineKind === 'workingDays' ? (
            <TextField id="action-days" label={m.daysField} type="number" inputMode="numeric" value={draft.days} onInput={(v) => set('deadline', { days: v })} error={deadlineError} />
          ) : (
            <Field id="action-date" label={m.dateField} error={deadlineError}>
              {(describedBy, invalid) => (
                <input id="action-date" type="date" value={draft.date} aria-describedby={describedBy} aria-invalid={invalid} onInput={(e) => set('deadline', { date: (e.currentTarget as HTMLInputElement).value })} />
              )}
            </Field>
          )}
        </>
      );
    }
    case 'progress':
      return textArea('action-text', 'text', m.progressField, LEDGER_NOTE_MAX);
    case 'submitEvidence':
      return (
        <>
          {textArea('action-note', 'note', m.evidenceNoteField, LEDGER_NOTE_MAX)}
          <AttachmentPicker id="action-files" listId="evidence-list" label={m.evidenceFilesField} hint={m.evidenceFilesHint} picked={picked} fields={fields} busy={busy} />
        </>
      );
    case 'sendBack':
      return textArea('action-reason', 'reason', m.reasonField, LEDGER_NOTE_MAX);
    case 'accept':
    case 'close':
      return textArea('action-note', 'note', m.noteField, LEDGER_NOTE_MAX);
    case 'markDisclosure':
      return (
        <p class="muted small" id="publish-hint">
          {m.publishHint}
        </p>
      );
    default:
      return null;
  }
}

function ItemView() {
  const m = messages(ledgerStaff);
  const { data: detail, problem, load } = useRecord(() => call(getLedgerItem, { params: { itemId } }), m.itemNotFound);
  const form = useActionForm<LedgerTransitionAction, ActionDraft>(EMPTY_DRAFT, () => {
    picked.files.value = [];
    picked.pickError.value = undefined;
  });
  const { acting, draft, failure, busy, notice, set } = form;
  const picked = usePickedFiles('evidenceKeys', ledgerStaff, () => set('evidenceKeys', {}));

  useEffect(() => {
    loadUnits();
    loadCategories();
    if (itemId) void load();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const action = acting.value;
    const d = detail.value;
    if (!action || !d || busy.value) return;
    busy.value = true;
    failure.value = undefined;
    try {
      const keys = action === 'submitEvidence' ? await picked.uploadAll() : [];
      if (!keys) {
        failure.value = { message: messages(ledgerStaff).uploadsFailed, fields: {} };
        focusFirstInvalid('action-form', 'action-failure');
        return;
      }
      const body = inputOf(action, draft.value, d.item, keys);
      if (!body) return;
      await call(actOnLedgerItem, { params: { itemId }, body });
      acting.value = undefined;
      const label = actionLabel(action, d.item);
      notice.value = { kind: 'success', say: () => messages(ledgerStaff).done({ action: label }) };
      await load();
      focusSoon('item-notice');
    } catch (err) {
      if (isConflict(err, CONFLICT.illegalTransition) || isConflict(err, CONFLICT.staleRevision)) {
        acting.value = undefined;
        notice.value = { kind: 'info', say: () => messages(ledgerStaff).conflict };
        await load();
        focusSoon('item-notice');
      } else {
        failure.value = failureOf(err);
        // An evidence file the API refused is uploaded anew on the next try.
        picked.forgetRefused(failure.value.fields);
        focusFirstInvalid('action-form', 'action-failure');
      }
    } finally {
      busy.value = false;
    }
  };

  if (!itemId) return <Notice kind="error">{m.noItemChosen}</Notice>;
  if (problem.value && !detail.value) {
    return (
      <>
        <Notice kind="error">{problem.value}</Notice>
        <p>
          <a href="ledger.html">{m.backToList}</a>
        </p>
      </>
    );
  }
  const d = detail.value;
  if (!d) return <Loading />;
  const actions = actionsFor(d.item);
  const a = acting.value;
  const fields = failure.value?.fields ?? {};
  return (
    <>
      <p>
        <a href="ledger.html">{m.backToList}</a>
      </p>
      {notice.value && (
        <Notice kind={notice.value.kind} id="item-notice">
          {notice.value.say()}
        </Notice>
      )}
      {problem.value && <Notice kind="error">{problem.value}</Notice>}
      <Facts detail={d} />
      <Texts detail={d} />
      <ActionPanel
        form={form}
        actions={actions}
        labelOf={(action) => actionLabel(action, d.item)}
        texts={m}
        placed={PLACED}
        onSubmit={submit}
        onReload={() => void load()}
        fields={a && <ActionFields action={a} draft={draft.value} set={set} fields={fields} busy={busy.value} picked={picked} />}
      >
        {isSupervisor() && d.item.disclose && d.item.state !== 'PUBLISHED' && (
          <p class="ledger-propose">
            <a id="propose-disclosure" href={`disclosures.html?ledger=${encodeURIComponent(d.item.caseId)}`}>
              {m.proposeDisclosure}
            </a>
            <span class="muted small block">{m.publishHint}</span>
          </p>
        )}
      </ActionPanel>
      <History events={d.events} />
    </>
  );
}

function Page() {
  const m = messages(ledgerStaff);
  return (
    <StaffShell roles={['supervisor', 'admin', 'unitHandler']} title={m.itemTitle}>
      <h1>{m.itemTitle}</h1>
      <ItemView />
    </StaffShell>
  );
}

mount(<Page />);
