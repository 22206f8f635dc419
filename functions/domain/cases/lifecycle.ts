import { ConflictError, NotFoundError, NotPermittedError, ValidationError } from '../errors';
import { fill } from '../messages';
import type { LocalizedText } from '../text';
import type { WorkingCalendar } from '../working-days';
import { deadlineDaysOf, type Case, type CaseAction, type CaseCommand, type CaseEvent, type CaseEventActor, type CaseState } from './case';
import { CASE_ACTION_LABELS, CASE_MESSAGES as M } from './messages';

/**
 * The case life cycle of domain.md, as one table and one pure function:
 *
 * RECEIVED → ASSIGNED → IN_PROGRESS (accept) → REPLIED → CLOSED
 * - RECEIVED → REJECTED (out of scope; the reason is shown to the citizen)
 * - ASSIGNED → RETURNED (wrong unit, with a reason) → ASSIGNED again
 * - IN_PROGRESS → EXTENSION_REQUESTED → IN_PROGRESS (approved before the old deadline passes: a new
 *   deadline; or denied)
 * - REPLIED → callback (回访): satisfied → CLOSED; not satisfied → REOPENED (重办) → IN_PROGRESS (accept)
 * - REPLIED → CLOSED by a supervisor without a callback (no contact left, citizen unreachable)
 *
 * Every transition makes one append-only event; anything else is an illegal transition (409).
 */

/** Who may take an action: a supervisor (or admin), a unit handler of the case's unit, the citizen, the sweeper. */
export type CaseRole = 'supervisor' | 'unitHandler' | 'citizen' | 'system';

/** Whoever acts: the citizen (by tracking number + access code), the sweeper, or a signed-in staff member. */
export type CaseActor =
  | { kind: 'citizen' }
  | { kind: 'system' }
  | { kind: 'staff'; sub: string; /** supervisor or admin: sees and acts on every case */ supervisor: boolean; /** the units a unit handler acts for */ unitIds: readonly string[] };

/** The transitions, by action: who may take it, and from which state to which. */
export const TRANSITIONS = {
  assign: { who: ['supervisor'], from: { RECEIVED: 'ASSIGNED', RETURNED: 'ASSIGNED' } },
  reject: { who: ['supervisor'], from: { RECEIVED: 'REJECTED' } },
  return: { who: ['unitHandler'], from: { ASSIGNED: 'RETURNED' } },
  accept: { who: ['unitHandler'], from: { ASSIGNED: 'IN_PROGRESS', REOPENED: 'IN_PROGRESS' } },
  requestExtension: { who: ['unitHandler'], from: { IN_PROGRESS: 'EXTENSION_REQUESTED' } },
  approveExtension: { who: ['supervisor'], from: { EXTENSION_REQUESTED: 'IN_PROGRESS' } },
  denyExtension: { who: ['supervisor'], from: { EXTENSION_REQUESTED: 'IN_PROGRESS' } },
  reply: { who: ['unitHandler'], from: { IN_PROGRESS: 'REPLIED' } },
  // Satisfied → CLOSED; not satisfied → REOPENED (see targetOf). Staff call citizens back by phone too.
  callback: { who: ['citizen', 'supervisor'], from: { REPLIED: 'CLOSED' } },
  close: { who: ['supervisor'], from: { REPLIED: 'CLOSED' } },
  // The sweeper moves an overdue case up the escalation ladder; the state stays.
  escalate: {
    who: ['system'],
    from: { RECEIVED: 'RECEIVED', ASSIGNED: 'ASSIGNED', RETURNED: 'RETURNED', IN_PROGRESS: 'IN_PROGRESS', EXTENSION_REQUESTED: 'EXTENSION_REQUESTED', REOPENED: 'REOPENED' },
  },
} as const satisfies Record<Exclude<CaseAction, 'file'>, { who: readonly CaseRole[]; from: Partial<Record<CaseState, CaseState>> }>;

export type TransitionAction = keyof typeof TRANSITIONS;

/** The state an action leads to from `from`, or undefined when it is not allowed there. */
export function targetOf(command: CaseCommand, from: CaseState): CaseState | undefined {
  const to = (TRANSITIONS[command.action].from as Partial<Record<CaseState, CaseState>>)[from];
  if (to && command.action === 'callback' && !command.satisfied) return 'REOPENED';
  return to;
}

/** The roles a staff member holds for a case or a ledger item of unit `unitId` (null: the supervising office's). */
export function staffRolesOf(actor: Extract<CaseActor, { kind: 'staff' }>, unitId: string | null): ('supervisor' | 'unitHandler')[] {
  const roles: ('supervisor' | 'unitHandler')[] = [];
  if (actor.supervisor) roles.push('supervisor');
  if (unitId !== null && actor.unitIds.includes(unitId)) roles.push('unitHandler');
  return roles;
}

/** The roles an actor holds for a case. */
const rolesOf = (actor: CaseActor, c: Case): CaseRole[] => (actor.kind !== 'staff' ? [actor.kind] : staffRolesOf(actor, c.unitId));

/**
 * Whether a staff member may see a case at all: supervisors see every case, a unit handler their own
 * units' cases only (a case the supervising office holds belongs to no unit).
 */
export function staffSees(actor: Extract<CaseActor, { kind: 'staff' }>, c: Pick<Case, 'unitId'>): boolean {
  return actor.supervisor || (c.unitId !== null && actor.unitIds.includes(c.unitId));
}

/** Who an event records: a staff member by their subject, anyone else by their kind. */
export const eventActor = (actor: CaseActor): CaseEventActor => (actor.kind === 'staff' ? { kind: 'staff', sub: actor.sub } : { kind: actor.kind });

/** The 403 for a role that may not take an action: `template` says so with the action's name (`{action}`) in each language. */
export function notYourAction(template: LocalizedText, action: LocalizedText): NotPermittedError {
  return new NotPermittedError({ 'zh-CN': fill(template, { action: action['zh-CN'] })['zh-CN'], en: fill(template, { action: action.en }).en });
}

/**
 * The event that records a transition of a case or a ledger item from `before` to `after` (its `seq` is the
 * new revision, its time the update's), with the note if there is one.
 */
export function transitionEvent<A extends string, S extends string>(before: { caseId: string; state: S }, after: { state: S; rev: number; updatedAt: string }, actor: CaseActor, action: A, note: string | undefined) {
  return { caseId: before.caseId, seq: after.rev, at: after.updatedAt, actor: eventActor(actor), action, from: before.state, to: after.state, ...(note !== undefined ? { note } : {}) };
}

/**
 * Applies one action to a case: the case as it is after it (revision raised) and the event that records it
 * (`seq` = the new revision). Throws NotFoundError when a unit handler acts on a case not of their units
 * (nothing about it is told), NotPermittedError (403) when the actor's role may not take the action,
 * ConflictError('illegalTransition') when the case's state does not allow it, and
 * ConflictError('deadlinePassed') for an extension approved after the old deadline. Pure: `now` and the
 * working-day calendar are given.
 */
export function applyAction(c: Case, command: CaseCommand, actor: CaseActor, now: Date, calendar: WorkingCalendar): { case: Case; event: CaseEvent } {
  if (actor.kind === 'staff' && !staffSees(actor, c)) throw new NotFoundError('case', c.caseId);
  const rule = TRANSITIONS[command.action];
  if (!rolesOf(actor, c).some((role) => (rule.who as readonly CaseRole[]).includes(role))) throw notYourAction(M.notYourAction, CASE_ACTION_LABELS[command.action]);
  const to = targetOf(command, c.state);
  if (!to) throw new ConflictError('illegalTransition', { from: c.state, action: command.action });

  const at = now.toISOString();
  const next: Case = { ...c, state: to, rev: c.rev + 1, updatedAt: at };
  let note: string | undefined;
  let unitId: string | undefined;
  switch (command.action) {
    case 'assign':
      if (command.unitId === c.unitId) throw new ValidationError([{ path: 'unitId', message: M.sameUnit }]);
      next.unitId = unitId = command.unitId;
      next.assignedAt = c.assignedAt ?? at;
      break;
    case 'reject':
      next.rejectionReason = note = command.reason;
      break;
    case 'return':
      // Back to the supervising office: the unit no longer sees the case.
      next.unitId = null;
      next.returnReason = note = command.reason;
      next.returnCount = c.returnCount + 1;
      break;
    case 'accept':
      next.acceptedAt = c.acceptedAt ?? at;
      break;
    case 'requestExtension':
      next.extension = { days: command.days, reason: command.reason, requestedAt: at };
      note = command.reason;
      break;
    case 'approveExtension': {
      if (now.getTime() > Date.parse(c.dueAt)) throw new ConflictError('deadlinePassed', { dueDate: c.dueDate });
      const days = c.extension?.days ?? 0;
      const due = calendar.addWorkingDays(new Date(c.dueAt), days);
      Object.assign(next, { dueDate: due.dueDate, dueAt: due.dueAt, beyondCalendar: due.beyondCalendar, escalation: 'none' });
      next.extension = { ...c.extension!, decision: 'approved' };
      note = `${c.dueDate} → ${due.dueDate}`;
      break;
    }
    case 'denyExtension':
      next.extension = { ...c.extension!, decision: 'denied', decisionReason: command.reason };
      note = command.reason;
      break;
    case 'reply':
      next.reply = { text: command.text, at };
      note = command.text;
      break;
    case 'callback':
      next.callback = { satisfied: command.satisfied, ...(command.comment ? { comment: command.comment } : {}), at };
      next.callbackCount = c.callbackCount + 1;
      note = command.comment;
      if (to === 'REOPENED') {
        // 重办: the unit gets the case's full time again (the days it was given at filing), counted from the reopening.
        const due = calendar.addWorkingDays(now, c.deadlineDays ?? deadlineDaysOf(c));
        Object.assign(next, { dueDate: due.dueDate, dueAt: due.dueAt, beyondCalendar: due.beyondCalendar, escalation: 'none', reopenCount: c.reopenCount + 1 });
      }
      break;
    case 'close':
      note = command.note;
      break;
    case 'escalate':
      next.escalation = command.step;
      note = command.step;
      break;
  }
  if (to === 'CLOSED') {
    next.closedAt = at;
    next.closedOnTime = c.reply !== undefined && Date.parse(c.reply.at) <= Date.parse(c.dueAt);
  }
  const event: CaseEvent = { ...transitionEvent(c, next, actor, command.action, note), ...(unitId !== undefined ? { unitId } : {}) };
  return { case: next, event };
}
