import type { Case, CaseState, EscalationStep } from './case';

/**
 * The escalation ladder of a case that is late (domain.md "Cases"): reminder (提醒) → chase (催办) →
 * supervision (督办) → public notice (通报), each step falling due a set number of working days from the
 * case's deadline. The sweeper (domain/notifications/sweep.ts) asks which steps are due; the case keeps
 * the step reached (`Case.escalation`), and a new deadline (an approved extension, a reopening) starts the
 * ladder again from `none` (lifecycle.ts).
 */

/** The steps a case climbs, in order; `none` (not on the ladder yet) is not one of them. */
export type LadderStep = Exclude<EscalationStep, 'none'>;

/** One rung: when it falls due, counted in working days from the deadline's day, and who hears of it. */
export interface LadderRung {
  readonly step: LadderStep;
  /**
   * Working days from the due date (a CST day): -1 is the last working day before it, 1 the first working
   * day after it (the case is then a whole working day late).
   */
  readonly workingDaysFromDue: number;
  /** Whether the supervising office (作风办) hears of it besides the unit. */
  readonly toSupervisors: boolean;
}

/**
 * THE ladder, one table. The reminder comes on the last working day before the deadline, so the unit has
 * that day and the deadline's day to finish; the chase on the first working day after it (a chase on a
 * Saturday reaches nobody); supervision 5 working days late; the public notice 10 working days late, two
 * working weeks, long enough for the supervising office's 督办 to have been answered. The supervising
 * office is told from the chase on: a reminder is the unit's own business.
 */
export const ESCALATION_LADDER = [
  { step: 'reminder', workingDaysFromDue: -1, toSupervisors: false },
  { step: 'chase', workingDaysFromDue: 1, toSupervisors: true },
  { step: 'supervision', workingDaysFromDue: 5, toSupervisors: true },
  { step: 'publicNotice', workingDaysFromDue: 10, toSupervisors: true },
] as const satisfies readonly LadderRung[];

/**
 * The clock time (China Standard Time) at which a step falls due on its day: the start of office hours,
 * so that a message arrives when someone reads it, never at midnight.
 */
export const ESCALATION_TIME_CST = '09:00';

/**
 * The states in which a case climbs the ladder: every state where someone still owes an answer — a unit
 * (assigned, in progress, extension asked, reopened) or the supervising office (received but not yet
 * assigned, returned by a unit). A replied case waits for the citizen, and a closed or rejected one is done.
 * The same rule as `isOverdue` in case.ts.
 */
export const ESCALATING_STATES = [
  'RECEIVED',
  'ASSIGNED',
  'RETURNED',
  'IN_PROGRESS',
  'EXTENSION_REQUESTED',
  'REOPENED',
] as const satisfies readonly CaseState[];

/** Whether a case in this state climbs the ladder. */
export const isEscalating = (state: CaseState): boolean => (ESCALATING_STATES as readonly CaseState[]).includes(state);

/** The working-day calendar the ladder is counted on (domain/working-days.ts `WorkingCalendar` is one). */
export interface EscalationCalendar {
  /** The day `days` working days after the CST day of `from` (that day not counted). */
  addWorkingDays(from: Date, days: number): { dueDate: string };
  /** Whether a CST day (`2026-10-08`) is a working day. */
  isWorkingDay(date: string): boolean;
}

/** The instant a CST day's office hours start: the moment a step of that day falls due. */
export const stepInstant = (date: string): string => `${date}T${ESCALATION_TIME_CST}:00+08:00`;

/** The CST day before `date` (calendar days). */
const dayBefore = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** No run of days off is longer than this (the Spring Festival and National Day breaks are 8 or 9 days). */
const LONGEST_BREAK_DAYS = 31;

/** The day `days` working days from `date`: before it when negative, after it when positive. */
export function workingDayFrom(date: string, days: number, calendar: EscalationCalendar): string {
  if (days > 0) return calendar.addWorkingDays(new Date(`${date}T12:00:00+08:00`), days).dueDate;
  let day = date;
  for (let left = -days; left > 0; left--) {
    let tries = 0;
    do {
      day = dayBefore(day);
      if (++tries > LONGEST_BREAK_DAYS) throw new Error(`no working day within ${LONGEST_BREAK_DAYS} days before ${date}`);
    } while (!calendar.isWorkingDay(day));
  }
  return day;
}

/** When each step of the ladder falls due for a deadline: its CST day and the instant. */
export interface ScheduledStep {
  readonly step: LadderStep;
  readonly toSupervisors: boolean;
  /** The CST day. */
  readonly on: string;
  /** The instant (ESCALATION_TIME_CST on that day). */
  readonly at: string;
}

/** The ladder laid on a deadline: when each step falls due, in order. */
export function escalationSchedule(dueDate: string, calendar: EscalationCalendar): ScheduledStep[] {
  return ESCALATION_LADDER.map((rung) => {
    const on = workingDayFrom(dueDate, rung.workingDaysFromDue, calendar);
    return { step: rung.step, toSupervisors: rung.toSupervisors, on, at: stepInstant(on) };
  });
}

/** The index of a step on the ladder; -1 for `none`. */
export const ladderIndex = (step: EscalationStep): number => ESCALATION_LADDER.findIndex((rung) => rung.step === step);

/**
 * The steps a case should take now, in ladder order: every step past the one it has reached whose time has
 * come — several when a case is found late for the first time (a sweep that did not run, a case filed
 * with a deadline already near). None for a case that does not climb (replied, closed, rejected). The
 * sweeper records each of them; which of them are sent is the notifications' rule (only the highest).
 */
export function dueSteps(c: Pick<Case, 'state' | 'dueDate' | 'escalation'>, now: Date, calendar: EscalationCalendar): ScheduledStep[] {
  if (!isEscalating(c.state)) return [];
  const reached = ladderIndex(c.escalation);
  return escalationSchedule(c.dueDate, calendar).filter((s, index) => index > reached && Date.parse(s.at) <= now.getTime());
}

/**
 * The latest CST day whose deadline could have a step due at `now`: a deadline after it has not even its
 * reminder due. What the sweeper's query of open cases is bounded by (a reminder falls at most one break
 * of days off before the deadline).
 */
export function sweepHorizon(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000 + (LONGEST_BREAK_DAYS + 1) * 86_400_000).toISOString().slice(0, 10);
}

/** Who hears of a step: the unit's handlers when a unit holds the case, the supervising office as the ladder says (always, when it holds the case itself). */
export function recipientRoles(step: LadderStep, unitId: string | null): ('unitHandlers' | 'supervisors')[] {
  const rung = ESCALATION_LADDER.find((r) => r.step === step)!;
  if (unitId === null) return ['supervisors'];
  return rung.toSupervisors ? ['unitHandlers', 'supervisors'] : ['unitHandlers'];
}
