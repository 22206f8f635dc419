import * as z from 'zod/mini';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors';
import { fill, schemaMessage } from '../messages';
import { ZLocalizedText } from '../text';
import type { CalendarFacts } from '../working-days';
import { CALENDAR_MESSAGES as M } from './messages';

/**
 * The working-day calendar an admin keeps (工作日历): the official schedules (放假安排) the package knows,
 * the whole years an admin enters when the package lags (chinese-days 1.5.7 stops at 2026), and the
 * district's local adjustments (a day off it declares, an extra working day). domain/working-days.ts
 * counts deadlines on what this context assembles (`calendarFacts`).
 */

/** The years an admin may enter: a schedule is published for the coming year, so nothing far out. */
export const CALENDAR_YEARS = { min: 2000, max: 2100 } as const;

/** A day, `YYYY-MM-DD` (read as a China Standard Time day). */
export const ZCalendarDate = z.iso.date(schemaMessage(M.badDate));
const ZRev = z.int().check(z.minimum(1));

export const ADJUSTMENT_KINDS = ['dayOff', 'workday'] as const;
export const ZAdjustmentKind = z.enum(ADJUSTMENT_KINDS);
export type AdjustmentKind = z.infer<typeof ZAdjustmentKind>;

/** What an admin enters for one date; `rev` is the revision being replaced (none for a new adjustment). */
export const ZAdjustmentInput = z
  .object({ kind: ZAdjustmentKind, name: ZLocalizedText, rev: z.optional(ZRev) })
  .register(z.globalRegistry, { id: 'CalendarAdjustmentInput' });
export type AdjustmentInput = z.infer<typeof ZAdjustmentInput>;

export const ZAdjustment = z
  .object({ date: ZCalendarDate, kind: ZAdjustmentKind, name: ZLocalizedText, rev: ZRev, updatedAt: z.iso.datetime() })
  .register(z.globalRegistry, {
    id: 'CalendarAdjustment',
    description: "A local change to one date (a day off the district declares, or an extra working day); it wins over the official schedule.",
  });
export type Adjustment = z.infer<typeof ZAdjustment>;

/** A date of an official schedule with its name (春节 / Spring Festival). */
export const ZNamedDay = z.object({ date: ZCalendarDate, name: ZLocalizedText });
export type NamedDay = z.infer<typeof ZNamedDay>;

/** A whole year's official schedule as an admin enters it from the State Council's notice. */
export const ZYearScheduleInput = z
  .object({
    /** Every day off of the statutory breaks, weekend days inside a break included. */
    holidays: z.array(ZNamedDay).check(z.minLength(1, schemaMessage(M.required)), z.maxLength(60)),
    /** The make-up working days (调休上班), all Saturdays or Sundays. */
    workdays: z.array(ZNamedDay).check(z.maxLength(30)),
    rev: z.optional(ZRev),
  })
  .register(z.globalRegistry, { id: 'YearScheduleInput' });
export type YearScheduleInput = z.infer<typeof ZYearScheduleInput>;

export const ZYearSchedule = z
  .object({ year: z.int(), holidays: z.array(ZNamedDay), workdays: z.array(ZNamedDay), rev: ZRev, updatedAt: z.iso.datetime() })
  .register(z.globalRegistry, { id: 'YearSchedule', description: "A year's official schedule entered by an admin; it replaces the package's data for that year." });
export type YearSchedule = z.infer<typeof ZYearSchedule>;

/** Where a covered year's schedule comes from. */
export const ZCoverageSource = z.enum(['package', 'admin']);
export const ZCalendarView = z
  .object({
    /** The years deadlines are counted exactly in; any other year is counted by weekends only, and flagged. */
    coveredYears: z.array(z.object({ year: z.int(), source: ZCoverageSource })),
    adjustments: z.array(ZAdjustment),
    years: z.array(ZYearSchedule),
  })
  .register(z.globalRegistry, { id: 'CalendarView' });
export type CalendarView = z.infer<typeof ZCalendarView>;

/** The path parameters naming one date or one year, and the revision a deletion names. */
export const ZDateParams = z.object({ date: ZCalendarDate });
export const ZYearParams = z.object({ year: z.string().check(z.regex(/^\d{4}$/, schemaMessage(fill(M.badYear, CALENDAR_YEARS)))) });
export const ZRevQuery = z.object({ rev: z.string().check(z.regex(/^[1-9]\d{0,8}$/, schemaMessage(M.badRev))) });

/** One year's official schedule: the package's (store/calendar/package-calendar.ts) or an admin's. */
export interface OfficialYear {
  year: number;
  holidays: readonly NamedDay[];
  workdays: readonly NamedDay[];
}

/**
 * The facts a working calendar counts on: the package's years, each replaced by the admin's schedule where
 * one was entered (the admin's entry is the deliberate local truth, also when it corrects the package), and
 * the local adjustments. Covered are exactly the years with a schedule from either source.
 */
export function calendarFacts(packageYears: readonly OfficialYear[], adminYears: readonly OfficialYear[], adjustments: readonly Pick<Adjustment, 'date' | 'kind'>[]): CalendarFacts {
  const byYear = new Map<number, OfficialYear>();
  for (const year of packageYears) byYear.set(year.year, year);
  for (const year of adminYears) byYear.set(year.year, year);
  const years = [...byYear.values()];
  return {
    coveredYears: [...byYear.keys()].sort((a, b) => a - b),
    holidays: years.flatMap((y) => y.holidays.map((d) => d.date)),
    workdays: years.flatMap((y) => y.workdays.map((d) => d.date)),
    adjustments: adjustments.map(({ date, kind }) => ({ date, kind })),
  };
}

/** What the calendar use cases need from storage. */
export interface CalendarDeps {
  /** The years the package's data covers, with their schedules. */
  packageYears: readonly OfficialYear[];
  /** Every adjustment and every admin-entered year, read together. */
  listCalendar(): Promise<{ adjustments: Adjustment[]; years: YearSchedule[] }>;
  getAdjustment(date: string): Promise<Adjustment | undefined>;
  /** Stores a new adjustment; throws ConflictError('alreadyExists') when the date has one. */
  createAdjustment(adjustment: Adjustment): Promise<void>;
  /** Replaces an adjustment still at `expectedRev`; throws ConflictError('staleRevision') otherwise. */
  replaceAdjustment(adjustment: Adjustment, expectedRev: number): Promise<void>;
  /** Deletes an adjustment still at `expectedRev`; throws ConflictError('staleRevision') otherwise. */
  deleteAdjustment(date: string, expectedRev: number): Promise<void>;
  getYear(year: number): Promise<YearSchedule | undefined>;
  createYear(schedule: YearSchedule): Promise<void>;
  replaceYear(schedule: YearSchedule, expectedRev: number): Promise<void>;
  now(): Date;
}

/** The calendar as the admin page shows it: covered years (and from where), adjustments by date, entered years. */
export async function getCalendar(deps: Pick<CalendarDeps, 'packageYears' | 'listCalendar'>): Promise<CalendarView> {
  const { adjustments, years } = await deps.listCalendar();
  const sources = new Map<number, 'package' | 'admin'>(deps.packageYears.map((y) => [y.year, 'package']));
  for (const y of years) sources.set(y.year, 'admin');
  return {
    coveredYears: [...sources].map(([year, source]) => ({ year, source })).sort((a, b) => a.year - b.year),
    adjustments: [...adjustments].sort((a, b) => a.date.localeCompare(b.date)),
    years: [...years].sort((a, b) => a.year - b.year),
  };
}

/**
 * Sets the local adjustment of one date: a new one without `rev`, or a change of the one at `rev`. Throws
 * ConflictError when a new one's date has one already or someone saved since `rev`, NotFoundError when
 * `rev` names an adjustment that does not exist.
 */
export async function setAdjustment(deps: CalendarDeps, date: string, input: AdjustmentInput): Promise<Adjustment> {
  const current = await deps.getAdjustment(date);
  const updatedAt = deps.now().toISOString();
  if (input.rev === undefined) {
    if (current) throw new ConflictError('alreadyExists', { id: date });
    const adjustment: Adjustment = { date, kind: input.kind, name: input.name, rev: 1, updatedAt };
    await deps.createAdjustment(adjustment);
    return adjustment;
  }
  if (!current) throw new NotFoundError('calendarAdjustment', date);
  if (current.rev !== input.rev) throw new ConflictError('staleRevision', { rev: current.rev });
  const adjustment: Adjustment = { date, kind: input.kind, name: input.name, rev: current.rev + 1, updatedAt };
  await deps.replaceAdjustment(adjustment, current.rev);
  return adjustment;
}

/** Removes the adjustment of a date, if nobody saved it since `rev`: the official schedule applies again. */
export async function deleteAdjustment(deps: CalendarDeps, date: string, rev: number): Promise<void> {
  const current = await deps.getAdjustment(date);
  if (!current) throw new NotFoundError('calendarAdjustment', date);
  if (current.rev !== rev) throw new ConflictError('staleRevision', { rev: current.rev });
  await deps.deleteAdjustment(date, rev);
}

const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

/** Every rule a year's schedule breaks, each naming its field (`holidays.3.date`). */
export function yearScheduleIssues(year: number, input: Pick<YearScheduleInput, 'holidays' | 'workdays'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!Number.isInteger(year) || year < CALENDAR_YEARS.min || year > CALENDAR_YEARS.max) {
    return [{ path: 'year', message: fill(M.badYear, CALENDAR_YEARS) }];
  }
  const holidayDates = new Set(input.holidays.map((d) => d.date));
  for (const list of ['holidays', 'workdays'] as const) {
    const seen = new Set<string>();
    input[list].forEach(({ date }, i) => {
      const path = `${list}.${i}.date`;
      if (!date.startsWith(`${year}-`)) issues.push({ path, message: fill(M.outsideYear, { date, year }) });
      else if (seen.has(date)) issues.push({ path, message: fill(M.duplicateDate, { date }) });
      else if (list === 'workdays' && holidayDates.has(date)) issues.push({ path, message: fill(M.inBothLists, { date }) });
      else if (list === 'workdays' && !isWeekend(date)) issues.push({ path, message: fill(M.workdayNotWeekend, { date }) });
      seen.add(date);
    });
  }
  return issues;
}

/**
 * Enters (or replaces, at `rev`) a whole year's official schedule: from then on the year is covered, its
 * holidays off and its make-up days on, whatever the package says about it. Throws ValidationError naming
 * every bad date, ConflictError/NotFoundError like `setAdjustment`.
 */
export async function setYearSchedule(deps: CalendarDeps, year: number, input: YearScheduleInput): Promise<YearSchedule> {
  const issues = yearScheduleIssues(year, input);
  if (issues.length > 0) throw new ValidationError(issues);
  const current = await deps.getYear(year);
  const sorted = (days: readonly NamedDay[]) => [...days].sort((a, b) => a.date.localeCompare(b.date));
  const fields = { year, holidays: sorted(input.holidays), workdays: sorted(input.workdays), updatedAt: deps.now().toISOString() };
  if (input.rev === undefined) {
    if (current) throw new ConflictError('alreadyExists', { id: String(year) });
    const schedule: YearSchedule = { ...fields, rev: 1 };
    await deps.createYear(schedule);
    return schedule;
  }
  if (!current) throw new NotFoundError('calendarYear', String(year));
  if (current.rev !== input.rev) throw new ConflictError('staleRevision', { rev: current.rev });
  const schedule: YearSchedule = { ...fields, rev: current.rev + 1 };
  await deps.replaceYear(schedule, current.rev);
  return schedule;
}
