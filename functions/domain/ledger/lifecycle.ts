import { eventActor, notYourAction, staffRolesOf, transitionEvent, type CaseActor } from '../cases/lifecycle';
import { ConflictError, NotFoundError, NotPermittedError, ValidationError } from '../errors';
import { fill } from '../messages';
import { cstDate, endOfCstDay, type Deadline, type WorkingCalendar } from '../working-days';
import {
  LEDGER_TRANSITIONS,
  type LedgerCommand,
  type LedgerDeadline,
  type LedgerEvent,
  type LedgerItem,
  type LedgerItemInput,
  type LedgerRole,
  type LedgerState,
} from './ledger';
import { LEDGER_ACTION_LABELS, LEDGER_MESSAGES as M } from './messages';

/**
 * The ledger life cycle (ledger.ts LEDGER_TRANSITIONS) as pure functions: a new item, and one action applied
 * to an item, each giving the item as it is after and the append-only event(s) that record it.
 */

/** Whoever acts on a ledger item: a signed-in staff member, or the sweeper (the cases' actor, one kind less). */
export type LedgerActor = Exclude<CaseActor, { kind: 'citizen' }>;
export type LedgerStaff = Extract<CaseActor, { kind: 'staff' }>;

/** Whether a staff member may see an item: supervisors every item, a unit handler their own units' only. */
export const staffSeesItem = (actor: LedgerStaff, item: Pick<LedgerItem, 'unitId'>): boolean => actor.supervisor || actor.unitIds.includes(item.unitId);

const rolesOf = (actor: LedgerActor, item: LedgerItem): LedgerRole[] => (actor.kind === 'system' ? ['system'] : staffRolesOf(actor, item.unitId));

/** The state an action leads to from `from`, or undefined when it is not allowed there. */
export function ledgerTargetOf(action: keyof typeof LEDGER_TRANSITIONS, from: LedgerState): LedgerState | undefined {
  return (LEDGER_TRANSITIONS[action].from as Partial<Record<LedgerState, LedgerState>>)[from];
}

/**
 * The due day of a deadline set at `now`: working days counted on the calendar (the day it is set not
 * counted), or the day given (kept as given: the office chose it). A day before today is refused when
 * `notBefore` is set (a deadline entered by hand; an imported ledger may hold overdue items).
 */
export function resolveDeadline(deadline: LedgerDeadline, now: Date, calendar: WorkingCalendar, notBefore = false): Deadline {
  if ('workingDays' in deadline) return calendar.addWorkingDays(now, deadline.workingDays);
  if (notBefore && deadline.date < cstDate(now)) throw new ValidationError([{ path: 'deadline.date', message: M.pastDeadline }]);
  return { dueDate: deadline.date, dueAt: endOfCstDay(deadline.date), beyondCalendar: false };
}

/**
 * A new item from a staff member's input: IDENTIFIED with an `identify` event, or, when owner, responsible
 * leader, measures and deadline are all given, LEDGERED at once with a `ledger` event after it. A unit
 * handler may enter only self-inspection findings of their own units (403 otherwise; 400 for another unit).
 */
export function newLedgerItem(input: LedgerItemInput, actor: LedgerStaff, caseId: string, now: Date, calendar: WorkingCalendar): { item: LedgerItem; events: LedgerEvent[] } {
  if (!actor.supervisor) {
    if (!actor.unitIds.includes(input.unitId)) throw new ValidationError([{ path: 'unitId', message: fill(M.notYourUnit, { id: input.unitId }) }]);
    if (input.source !== 'selfInspection') throw new NotPermittedError(M.selfInspectionOnly);
  }
  const at = now.toISOString();
  const item: LedgerItem = {
    caseId,
    source: input.source,
    ...(input.linkedCaseId ? { linkedCaseId: input.linkedCaseId } : {}),
    level: input.level,
    category: input.category,
    problem: input.problem,
    unitId: input.unitId,
    state: 'IDENTIFIED',
    progress: [],
    evidenceKeys: [],
    sendBackCount: 0,
    disclose: false,
    identifiedAt: at,
    escalation: 'none',
    rev: 1,
    updatedAt: at,
  };
  const events: LedgerEvent[] = [{ caseId, record: 'ledger', seq: 1, at, actor: eventActor(actor), action: 'identify', from: null, to: 'IDENTIFIED' }];
  const { owner, responsibleLeader, measures, deadline } = input;
  if (owner === undefined || responsibleLeader === undefined || measures === undefined || deadline === undefined) return { item, events };
  const ledgered = applyLedgerAction(item, { action: 'ledger', owner, responsibleLeader, measures, deadline }, { ...actor, supervisor: true }, now, calendar);
  return { item: ledgered.item, events: [...events, { ...ledgered.event, actor: eventActor(actor) }] };
}

/**
 * Applies one action to an item: the item after it (revision raised) and its event (`seq` = the new
 * revision). Throws NotFoundError when a unit handler acts on an item not of their units (nothing about it is
 * told), NotPermittedError (403) when the actor's role may not take the action, ConflictError
 * ('illegalTransition') when the item's state does not allow it, and a ValidationError for a publication of
 * an item not marked for it or a deadline before today. Pure: `now` and the calendar are given.
 */
export function applyLedgerAction(item: LedgerItem, command: LedgerCommand, actor: LedgerActor, now: Date, calendar: WorkingCalendar): { item: LedgerItem; event: LedgerEvent } {
  if (actor.kind === 'staff' && !staffSeesItem(actor, item)) throw new NotFoundError('ledgerItem', item.caseId);
  const rule = LEDGER_TRANSITIONS[command.action];
  if (!rolesOf(actor, item).some((role) => (rule.who as readonly LedgerRole[]).includes(role))) throw notYourAction(M.notYourAction, LEDGER_ACTION_LABELS[command.action]);
  const to = ledgerTargetOf(command.action, item.state);
  if (!to) throw new ConflictError('illegalTransition', { from: item.state, action: command.action });

  const at = now.toISOString();
  const next: LedgerItem = { ...item, state: to, rev: item.rev + 1, updatedAt: at };
  let note: string | undefined;
  let evidenceKeys: string[] | undefined;
  switch (command.action) {
    case 'ledger': {
      const due = resolveDeadline(command.deadline, now, calendar, true);
      Object.assign(next, {
        owner: command.owner,
        responsibleLeader: command.responsibleLeader,
        measures: command.measures,
        deadline: command.deadline,
        dueDate: due.dueDate,
        dueAt: due.dueAt,
        beyondCalendar: due.beyondCalendar,
        ledgeredAt: at,
        escalation: 'none',
      });
      note = `${command.measures} (${due.dueDate})`;
      break;
    }
    case 'start':
      break;
    case 'progress':
      next.progress = [...item.progress, { text: command.text, at }];
      note = command.text;
      break;
    case 'submitEvidence':
      next.evidenceKeys = evidenceKeys = [...command.evidenceKeys];
      next.evidenceNote = note = command.note;
      next.submittedAt = at;
      break;
    case 'sendBack':
      next.review = { decision: 'sentBack', reason: command.reason, at };
      next.sendBackCount = item.sendBackCount + 1;
      note = command.reason;
      break;
    case 'accept':
      next.review = { decision: 'accepted', ...(command.note ? { reason: command.note } : {}), at };
      note = command.note;
      break;
    case 'close':
      next.closedAt = at;
      next.closedOnTime = item.submittedAt !== undefined && item.dueAt !== undefined && Date.parse(item.submittedAt) <= Date.parse(item.dueAt);
      note = command.note;
      break;
    case 'markDisclosure':
      next.disclose = command.disclose;
      note = command.disclose ? '公示' : '不公示';
      break;
    case 'publish':
      if (!item.disclose) throw new ValidationError([{ path: 'action', message: M.notDisclosed }]);
      next.publishedAt = at;
      note = command.note;
      break;
    case 'escalate':
      next.escalation = command.step;
      note = command.step;
      break;
  }
  const event: LedgerEvent = { ...transitionEvent(item, next, actor, command.action, note), record: 'ledger', ...(evidenceKeys !== undefined ? { evidenceKeys } : {}) };
  return { item: next, event };
}
