import { describe, expect, it } from 'vitest';
import { calendarFacts, type OfficialYear } from '../../../functions/domain/calendar/calendar';
import { workingCalendar, type CalendarFacts } from '../../../functions/domain/working-days';
import { packageYears } from '../../../functions/store/calendar/package-calendar';
import { a2027Schedule } from '../../fixtures/calendar';

/**
 * Deadlines on the Chinese calendar, counted on chinese-days' own 2026 schedule (the package's data, not a
 * copy): National Day 1–7 October with make-up days Sunday 20 September and Saturday 10 October; Spring
 * Festival 15–23 February with make-up Saturdays 14 and 28 February.
 */

const PACKAGE = packageYears();
const calendarOf = (adminYears: OfficialYear[] = [], adjustments: CalendarFacts['adjustments'] = []) =>
  workingCalendar(calendarFacts(PACKAGE, adminYears, adjustments));
/** An instant given as China Standard Time wall-clock time. */
const cst = (local: string) => new Date(`${local}+08:00`);
const year2027 = (): OfficialYear => ({ year: 2027, ...a2027Schedule() });

describe('addWorkingDays', () => {
  describe('across the 2026 National Day golden week', () => {
    it('skips 1–7 October and counts the make-up Saturday 10 October', () => {
      // prepare: received Wednesday 30 September
      const calendar = calendarOf();

      // act
      const due = calendar.addWorkingDays(cst('2026-09-30T10:00:00'), 3);

      // assert: Thu 8 Oct (1), Fri 9 Oct (2), Sat 10 Oct, a 调休 working day (3)
      expect(due).toEqual({ dueDate: '2026-10-10', dueAt: '2026-10-10T15:59:59.999Z', beyondCalendar: false });
    });

    it('gives a complaint received before the break 15 working days that end well after it', () => {
      // prepare: received Monday 28 September
      const calendar = calendarOf();

      // act
      const due = calendar.addWorkingDays(cst('2026-09-28T09:00:00'), 15);

      // assert: 29–30 Sep (2), 8–10 Oct (5), 12–16 Oct (10), 19–23 Oct (15); weekends alone would give 19 October
      expect(due.dueDate).toBe('2026-10-23');
      expect(due.beyondCalendar).toBe(false);
    });
  });

  describe('across the 2026 Spring Festival', () => {
    it('counts the make-up Saturday before the break, skips the nine days off', () => {
      // prepare: received Friday 13 February, a consultation (2 working days)
      const calendar = calendarOf();

      // act
      const due = calendar.addWorkingDays(cst('2026-02-13T16:00:00'), 2);

      // assert: Sat 14 Feb is worked (1); 15–23 Feb off; Tue 24 Feb (2)
      expect(due.dueDate).toBe('2026-02-24');
    });

    it('counts both make-up Saturdays of a request received before the break', () => {
      // prepare: received Thursday 12 February, a request (10 working days)
      const calendar = calendarOf();

      // act
      const due = calendar.addWorkingDays(cst('2026-02-12T11:00:00'), 10);

      // assert: 13, 14 (2), 24–27 (6), Sat 28 (7), 2–4 March (10)
      expect(due.dueDate).toBe('2026-03-04');
    });
  });

  it('lands on a 调休 Sunday, which is a working day', () => {
    // prepare: received Saturday 19 September 2026
    const calendar = calendarOf();

    // act
    const due = calendar.addWorkingDays(cst('2026-09-19T10:00:00'), 1);

    // assert
    expect(due.dueDate).toBe('2026-09-20');
  });

  describe('the day of receipt, read in China Standard Time, is not counted', () => {
    it('takes a complaint sent late at night UTC as received the next CST day', () => {
      // prepare: Monday 15 June 2026 17:30 UTC is Tuesday 16 June 01:30 in China
      const calendar = calendarOf();

      // act
      const due = calendar.addWorkingDays(new Date('2026-06-15T17:30:00Z'), 1);

      // assert: Tuesday not counted; Wednesday is the first working day
      expect(due.dueDate).toBe('2026-06-17');
    });

    it('keeps a complaint sent one millisecond before CST midnight on that day', () => {
      // prepare: Monday 15 June 23:59:59.999 CST
      const calendar = calendarOf();

      // act
      const due = calendar.addWorkingDays(new Date('2026-06-15T15:59:59.999Z'), 1);

      // assert
      expect(due.dueDate).toBe('2026-06-16');
      expect(due.dueAt).toBe('2026-06-16T15:59:59.999Z');
    });
  });

  describe('with 0 days', () => {
    it('is due on the day of receipt when that is a working day', () => {
      // act
      const due = calendarOf().addWorkingDays(cst('2026-06-16T09:00:00'), 0);

      // assert
      expect(due.dueDate).toBe('2026-06-16');
    });

    it('moves to the next working day when received on a day off', () => {
      // act: received on National Day
      const due = calendarOf().addWorkingDays(cst('2026-10-01T09:00:00'), 0);

      // assert
      expect(due.dueDate).toBe('2026-10-08');
    });
  });

  describe('past the years the calendar covers', () => {
    it('flags a deadline that walks into 2027, which chinese-days 1.5.7 does not know, and counts it by weekends only', () => {
      // prepare: received Thursday 24 December 2026, a complaint (15 working days)
      const calendar = calendarOf();

      // act
      const due = calendar.addWorkingDays(cst('2026-12-24T10:00:00'), 15);

      // assert: 25 Dec (1), 28–31 Dec (5), Fri 1 Jan 2027 counted as a weekday (6), 4–8 Jan (11), 11–14 Jan (15)
      expect(due).toEqual({ dueDate: '2027-01-14', dueAt: '2027-01-14T15:59:59.999Z', beyondCalendar: true });
    });

    it("honours 2027's holidays and is no longer flagged once an admin entered the year's schedule", () => {
      // prepare
      const calendar = calendarOf([year2027()]);

      // act
      const due = calendar.addWorkingDays(cst('2026-12-24T10:00:00'), 15);

      // assert: 1–3 January off, so 4–8 Jan (10), 11–15 Jan (15)
      expect(due).toEqual({ dueDate: '2027-01-15', dueAt: '2027-01-15T15:59:59.999Z', beyondCalendar: false });
    });

    it('does not flag a deadline that stays inside 2026 although 2027 is near', () => {
      // act
      const due = calendarOf().addWorkingDays(cst('2026-12-28T10:00:00'), 3);

      // assert
      expect(due).toEqual({ dueDate: '2026-12-31', dueAt: '2026-12-31T15:59:59.999Z', beyondCalendar: false });
    });

    it('counts the 2027 make-up Saturday of an entered schedule', () => {
      // prepare: received Friday 29 January 2027
      const calendar = calendarOf([year2027()]);

      // act
      const due = calendar.addWorkingDays(cst('2027-01-29T10:00:00'), 1);

      // assert
      expect(due).toMatchObject({ dueDate: '2027-01-30', beyondCalendar: false });
    });
  });

  describe('local adjustments', () => {
    it('skips a day off the district declared', () => {
      // prepare: Friday 9 October 2026 declared off
      const calendar = calendarOf([], [{ date: '2026-10-09', kind: 'dayOff' }]);

      // act
      const due = calendar.addWorkingDays(cst('2026-09-30T10:00:00'), 3);

      // assert: 8 Oct (1), Sat 10 Oct (2), Mon 12 Oct (3)
      expect(due.dueDate).toBe('2026-10-12');
    });

    it('counts an extra working day, even on a holiday of the official schedule', () => {
      // prepare: 7 October 2026 worked in the district
      const calendar = calendarOf([], [{ date: '2026-10-07', kind: 'workday' }]);

      // act
      const due = calendar.addWorkingDays(cst('2026-09-30T10:00:00'), 1);

      // assert
      expect(due.dueDate).toBe('2026-10-07');
    });

    it('applies in a year the calendar does not cover, and the deadline stays flagged', () => {
      // prepare: Monday 4 January 2027 declared off
      const calendar = calendarOf([], [{ date: '2027-01-04', kind: 'dayOff' }]);

      // act
      const due = calendar.addWorkingDays(cst('2026-12-31T10:00:00'), 2);

      // assert: Fri 1 Jan (1), Tue 5 Jan (2)
      expect(due).toMatchObject({ dueDate: '2027-01-05', beyondCalendar: true });
    });
  });

  it('refuses a negative or fractional number of days', () => {
    // prepare
    const calendar = calendarOf();

    // act / assert
    expect(() => calendar.addWorkingDays(cst('2026-06-16T09:00:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(cst('2026-06-16T09:00:00'), 1.5)).toThrow(RangeError);
  });

  it('fails loudly rather than run for ever when the facts declare months off', () => {
    // prepare: every day of 2026 from 1 July declared off
    const off = Array.from({ length: 184 }, (_, i) => ({ date: new Date(Date.UTC(2026, 6, 1 + i)).toISOString().slice(0, 10), kind: 'dayOff' as const }));
    const calendar = calendarOf([], off);

    // act / assert
    expect(() => calendar.addWorkingDays(cst('2026-06-30T09:00:00'), 1)).toThrow(/no working day/);
  });
});

describe('isWorkingDay', () => {
  it.each([
    ['2026-10-07', false, 'National Day break'],
    ['2026-10-08', true, 'Thursday after the break'],
    ['2026-10-10', true, '调休 Saturday'],
    ['2026-10-11', false, 'ordinary Sunday'],
    ['2026-09-20', true, '调休 Sunday'],
    ['2026-02-14', true, 'make-up Saturday before the Spring Festival'],
    ['2026-02-17', false, 'Spring Festival'],
    ['2026-02-23', false, 'last day of the Spring Festival break (a Monday)'],
    ['2026-06-16', true, 'ordinary Tuesday'],
    ['2027-01-01', true, 'New Year 2027, unknown to the package: a Friday counted by weekends only'],
  ])('%s is %s (%s)', (date, working) => {
    expect(calendarOf().isWorkingDay(date)).toBe(working);
  });

  it("reads 2027-01-01 as a day off once the admin's 2027 schedule is entered", () => {
    expect(calendarOf([year2027()]).isWorkingDay('2027-01-01')).toBe(false);
  });
});

describe('packageYears (the coverage of chinese-days)', () => {
  it('covers 2026 with its National Day break and make-up days, and stops before 2027', () => {
    // act
    const years = packageYears();
    const y2026 = years.find((y) => y.year === 2026)!;

    // assert
    expect(years.map((y) => y.year)).toContain(2026);
    expect(years.map((y) => y.year)).not.toContain(2027);
    expect(y2026.holidays.filter((d) => d.date.startsWith('2026-10')).map((d) => d.date)).toEqual([
      '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
    ]);
    expect(y2026.workdays.map((d) => d.date)).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(y2026.holidays[0]).toEqual({ date: '2026-01-01', name: { 'zh-CN': '元旦', en: "New Year's Day" } });
  });

  it('derives the covered years from the data: a newer data file with 2027 covers 2027', () => {
    // prepare
    const source = { holidays: { '2027-01-01': "New Year's Day,元旦,1", '2026-10-01': 'National Day,国庆节,3' }, workdays: { '2027-02-20': 'Spring Festival,春节,4' } };

    // act
    const years = packageYears(source);

    // assert
    expect(years.map((y) => y.year)).toEqual([2026, 2027]);
    expect(years[1]!.workdays).toEqual([{ date: '2027-02-20', name: { 'zh-CN': '春节', en: 'Spring Festival' } }]);
  });

  it('does not take a stray make-up day as coverage of its year', () => {
    // act
    const years = packageYears({ holidays: { '2026-10-01': 'National Day,国庆节,3' }, workdays: { '2028-01-08': 'x,元旦,1' } });

    // assert
    expect(years.map((y) => y.year)).toEqual([2026]);
  });
});
