import { describe, expect, it } from 'vitest';
import {
  calendarFacts,
  deleteAdjustment,
  getCalendar,
  setAdjustment,
  setYearSchedule,
  yearScheduleIssues,
  ZYearScheduleInput,
  type Adjustment,
  type CalendarDeps,
  type YearSchedule,
} from '../../../../functions/domain/calendar/calendar';
import { ConflictError, NotFoundError, ValidationError } from '../../../../functions/domain/errors';
import { a2027Schedule, anAdjustment } from '../../../fixtures/calendar';

const NOW = new Date('2026-11-29T02:00:00Z');
const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** Calendar deps over maps, with the package covering 2025 and 2026 (no days needed here). */
function memoryDeps(adjustments: Adjustment[] = [], years: YearSchedule[] = []) {
  const adj = new Map(adjustments.map((a) => [a.date, a]));
  const yrs = new Map(years.map((y) => [y.year, y]));
  const checkRev = (current: { rev: number } | undefined, rev: number) => {
    if (current?.rev !== rev) throw new ConflictError('staleRevision', { rev });
  };
  const deps: CalendarDeps = {
    packageYears: [2025, 2026].map((year) => ({ year, holidays: [], workdays: [] })),
    listCalendar: async () => ({ adjustments: [...adj.values()], years: [...yrs.values()] }),
    getAdjustment: async (date) => adj.get(date),
    createAdjustment: async (a) => void adj.set(a.date, a),
    replaceAdjustment: async (a, rev) => {
      checkRev(adj.get(a.date), rev);
      adj.set(a.date, a);
    },
    deleteAdjustment: async (date, rev) => {
      checkRev(adj.get(date), rev);
      adj.delete(date);
    },
    getYear: async (year) => yrs.get(year),
    createYear: async (y) => void yrs.set(y.year, y),
    replaceYear: async (y, rev) => {
      checkRev(yrs.get(y.year), rev);
      yrs.set(y.year, y);
    },
    now: () => NOW,
  };
  return { deps, adj, yrs };
}

describe('setAdjustment', () => {
  it('stores a new adjustment at revision 1', async () => {
    // prepare
    const { deps, adj } = memoryDeps();

    // act
    const saved = await setAdjustment(deps, '2026-12-31', { kind: 'dayOff', name: text('区庆', 'District day') });

    // assert
    expect(saved).toEqual({ date: '2026-12-31', kind: 'dayOff', name: text('区庆', 'District day'), rev: 1, updatedAt: NOW.toISOString() });
    expect(adj.get('2026-12-31')).toEqual(saved);
  });

  it('refuses a new adjustment for a date that has one (409)', async () => {
    // prepare
    const { deps } = memoryDeps([anAdjustment()]);

    // act / assert
    await expect(setAdjustment(deps, '2026-10-09', { kind: 'workday', name: text('补班', 'Make-up day') })).rejects.toMatchObject({ reason: 'alreadyExists' });
  });

  it('changes the adjustment at the revision given and raises it', async () => {
    // prepare
    const { deps } = memoryDeps([anAdjustment({ rev: 2 })]);

    // act
    const saved = await setAdjustment(deps, '2026-10-09', { kind: 'workday', name: text('补班', 'Make-up day'), rev: 2 });

    // assert
    expect(saved).toMatchObject({ kind: 'workday', rev: 3 });
  });

  it('refuses a change made from an old revision (409) and one of a date without adjustment (404)', async () => {
    // prepare
    const { deps, adj } = memoryDeps([anAdjustment({ rev: 2 })]);
    const input = { kind: 'workday' as const, name: text('补班', 'Make-up day'), rev: 1 };

    // act / assert
    await expect(setAdjustment(deps, '2026-10-09', input)).rejects.toMatchObject({ reason: 'staleRevision', params: { rev: 2 } });
    await expect(setAdjustment(deps, '2026-10-12', input)).rejects.toBeInstanceOf(NotFoundError);
    expect(adj.get('2026-10-09')?.rev).toBe(2);
  });
});

describe('deleteAdjustment', () => {
  it('removes the adjustment at its revision, and refuses an old one', async () => {
    // prepare
    const { deps, adj } = memoryDeps([anAdjustment({ rev: 2 })]);

    // act / assert
    await expect(deleteAdjustment(deps, '2026-10-09', 1)).rejects.toBeInstanceOf(ConflictError);
    expect(adj.has('2026-10-09')).toBe(true);
    await deleteAdjustment(deps, '2026-10-09', 2);
    expect(adj.has('2026-10-09')).toBe(false);
    await expect(deleteAdjustment(deps, '2026-10-09', 2)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('yearScheduleIssues', () => {
  it('accepts a plausible 2027 schedule', () => {
    expect(yearScheduleIssues(2027, a2027Schedule())).toEqual([]);
  });

  it('names every bad date: outside the year, repeated, in both lists, a make-up day that is a weekday', () => {
    // prepare
    const schedule = a2027Schedule({
      holidays: [
        { date: '2027-01-01', name: text('元旦', "New Year's Day") },
        { date: '2026-12-31', name: text('元旦', "New Year's Day") },
        { date: '2027-01-01', name: text('元旦', "New Year's Day") },
      ],
      workdays: [
        { date: '2027-01-01', name: text('元旦', "New Year's Day") },
        { date: '2027-01-05', name: text('元旦', "New Year's Day") },
        { date: '2028-01-08', name: text('元旦', "New Year's Day") },
        { date: '2027-01-09', name: text('元旦', "New Year's Day") },
      ],
    });

    // act
    const issues = yearScheduleIssues(2027, schedule);

    // assert
    expect(issues.map((i) => i.path)).toEqual(['holidays.1.date', 'holidays.2.date', 'workdays.0.date', 'workdays.1.date', 'workdays.2.date']);
    expect(issues[0]!.message).toEqual({ 'zh-CN': '日期 2026-12-31 不在 2027 年内。', en: 'The date 2026-12-31 is not in 2027.' });
    expect(issues[2]!.message.en).toMatch(/both a holiday and a make-up working day/);
    expect(issues[3]!.message['zh-CN']).toMatch(/应为周六或周日/);
  });

  it('refuses a year out of range', () => {
    expect(yearScheduleIssues(1999, a2027Schedule()).map((i) => i.path)).toEqual(['year']);
  });

  it('rejects, by schema, a malformed date and an empty name with their paths', () => {
    // act
    const parsed = ZYearScheduleInput.safeParse({ holidays: [{ date: '2027-02-30', name: text('', 'x') }], workdays: [] });

    // assert
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['holidays.0.date', "holidays.0.name.zh-CN"]);
  });
});

describe('setYearSchedule', () => {
  it('stores a valid year at revision 1, its days in date order', async () => {
    // prepare
    const { deps, yrs } = memoryDeps();
    const input = a2027Schedule();

    // act
    const saved = await setYearSchedule(deps, 2027, { ...input, holidays: [...input.holidays].reverse() });

    // assert
    expect(saved.rev).toBe(1);
    expect(saved.holidays[0]!.date).toBe('2027-01-01');
    expect(yrs.get(2027)).toEqual(saved);
  });

  it('writes nothing for a schedule with a bad date (ValidationError)', async () => {
    // prepare
    const { deps, yrs } = memoryDeps();

    // act / assert
    await expect(setYearSchedule(deps, 2027, a2027Schedule({ workdays: [{ date: '2027-01-01', name: text('元旦', 'x') }] }))).rejects.toBeInstanceOf(ValidationError);
    expect(yrs.size).toBe(0);
  });

  it('replaces a year at its revision and refuses a second new entry (409)', async () => {
    // prepare
    const { deps } = memoryDeps();
    await setYearSchedule(deps, 2027, a2027Schedule());

    // act / assert
    await expect(setYearSchedule(deps, 2027, a2027Schedule())).rejects.toMatchObject({ reason: 'alreadyExists' });
    expect((await setYearSchedule(deps, 2027, { ...a2027Schedule(), rev: 1 })).rev).toBe(2);
    await expect(setYearSchedule(deps, 2028, { holidays: [{ date: '2028-01-01', name: text('元旦', 'x') }], workdays: [], rev: 1 })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('getCalendar', () => {
  it("lists the package's years and the admin's, the admin's winning where both have one", async () => {
    // prepare
    const { deps } = memoryDeps([anAdjustment({ date: '2026-12-31' }), anAdjustment()]);
    await setYearSchedule(deps, 2027, a2027Schedule());
    await setYearSchedule(deps, 2026, { holidays: [{ date: '2026-10-01', name: text('国庆节', 'National Day') }], workdays: [] });

    // act
    const view = await getCalendar(deps);

    // assert
    expect(view.coveredYears).toEqual([
      { year: 2025, source: 'package' },
      { year: 2026, source: 'admin' },
      { year: 2027, source: 'admin' },
    ]);
    expect(view.adjustments.map((a) => a.date)).toEqual(['2026-10-09', '2026-12-31']);
    expect(view.years.map((y) => y.year)).toEqual([2026, 2027]);
  });
});

describe('calendarFacts', () => {
  it("replaces a package year by the admin's and covers exactly the years of both", () => {
    // prepare
    const pkg = [{ year: 2026, holidays: [{ date: '2026-10-01', name: text('国庆节', 'National Day') }], workdays: [{ date: '2026-10-10', name: text('国庆节', 'National Day') }] }];
    const admin = [{ year: 2026, holidays: [{ date: '2026-10-02', name: text('国庆节', 'National Day') }], workdays: [] }];

    // act
    const facts = calendarFacts(pkg, admin, [{ date: '2026-10-03', kind: 'dayOff' }]);

    // assert
    expect(facts).toEqual({ coveredYears: [2026], holidays: ['2026-10-02'], workdays: [], adjustments: [{ date: '2026-10-03', kind: 'dayOff' }] });
  });
});
