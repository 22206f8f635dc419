/**
 * The shared kernel of working days (工作日): deadlines counted on the Chinese calendar, where weekends and
 * statutory holidays are off and the make-up working days (调休) are on. Pure: the facts come in as a
 * `CalendarFacts` value (store/calendar/calendar-store.ts reads them from chinese-days and the admin's entries).
 *
 * How the two rules of domain.md combine. "The day of receipt is not counted": counting starts the CST day
 * after receipt, and only working days are counted, so the n-th counted day is itself a working day — "a
 * deadline that lands on a day off moves to the next working day" then never has anything to move. It does
 * with 0 days: the deadline is the day of receipt itself, moved to the next working day when that day is off
 * (received on a Saturday with 0 days: due Monday; received on a Tuesday: due that Tuesday).
 *
 * Coverage: a year is covered when its official schedule is known (the package's data, or a whole year an
 * admin entered). A day in any other year is counted by weekends only (plus local adjustments, which are
 * facts of their own date) and the deadline says `beyondCalendar: true`, so nobody mistakes it for exact.
 */

/** A deadline: the CST day it falls on, the last instant of that day, and whether it was counted beyond the known calendar. */
export interface Deadline {
  /** `YYYY-MM-DD`, a day in China Standard Time. */
  dueDate: string;
  /** The end of that CST day (23:59:59.999+08:00) as a UTC ISO instant. */
  dueAt: string;
  /** Counting passed through a year whose official schedule is unknown: weekends only were off there. */
  beyondCalendar: boolean;
}

export interface WorkingCalendar {
  /** The deadline `days` working days after the CST day of `from` (that day not counted). */
  addWorkingDays(from: Date, days: number): Deadline;
  /** Whether a CST day (`2026-10-08`) is a working day. */
  isWorkingDay(date: string): boolean;
}

/** What a working calendar is made of. Dates are `YYYY-MM-DD`. */
export interface CalendarFacts {
  /** The years whose official schedule the holidays and workdays below hold completely. */
  coveredYears: readonly number[];
  /** Statutory days off (法定节假日, including the weekend days inside a break). */
  holidays: readonly string[];
  /** Make-up working days (调休上班): weekend days that are worked. */
  workdays: readonly string[];
  /** The district's own changes (a day off it declares, an extra working day): they win over everything for their date. */
  adjustments: readonly { date: string; kind: 'dayOff' | 'workday' }[];
}

/** China Standard Time is UTC+8 all year (no daylight saving): see time-zone.ts. */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The CST day of an instant. */
export const cstDate = (instant: Date): string => new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);

/** The calendar day after `date`. */
const nextDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** The last instant of a CST day, as a UTC ISO instant. */
export const endOfCstDay = (date: string): string => new Date(`${date}T23:59:59.999+08:00`).toISOString();

const isWeekend = (date: string): boolean => {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
};

/**
 * How far a count may look before giving up: more days off in a row than any calendar has means the facts
 * are wrong (an admin declared months off), and a loud error beats a deadline years away.
 */
const MAX_DAYS_OFF_IN_A_ROW = 60;

/** A working calendar over these facts. */
export function workingCalendar(facts: CalendarFacts): WorkingCalendar {
  const covered = new Set(facts.coveredYears);
  const holidays = new Set(facts.holidays);
  const workdays = new Set(facts.workdays);
  const adjusted = new Map(facts.adjustments.map((a) => [a.date, a.kind]));
  const isCovered = (date: string) => covered.has(Number(date.slice(0, 4)));

  function isWorkingDay(date: string): boolean {
    const adjustment = adjusted.get(date);
    if (adjustment) return adjustment === 'workday';
    if (isCovered(date)) {
      if (workdays.has(date)) return true;
      if (holidays.has(date)) return false;
    }
    return !isWeekend(date);
  }

  function addWorkingDays(from: Date, days: number): Deadline {
    if (!Number.isInteger(days) || days < 0) throw new RangeError(`working days must be a whole number >= 0, got ${days}`);
    let beyondCalendar = false;
    const working = (date: string) => {
      if (!isCovered(date)) beyondCalendar = true;
      return isWorkingDay(date);
    };
    let day = cstDate(from);
    let offInARow = 0;
    const step = () => {
      day = nextDay(day);
      if (++offInARow > MAX_DAYS_OFF_IN_A_ROW) throw new Error(`no working day within ${MAX_DAYS_OFF_IN_A_ROW} days of ${day}`);
    };
    if (days === 0) {
      while (!working(day)) step();
    } else {
      for (let counted = 0; counted < days; ) {
        step();
        if (working(day)) {
          counted++;
          offInARow = 0;
        }
      }
    }
    return { dueDate: day, dueAt: endOfCstDay(day), beyondCalendar };
  }

  return { addWorkingDays, isWorkingDay };
}
