import { describe, expect, it } from 'vitest';
import { endedWindows, windowOf, windowOfId } from '../../../../functions/domain/briefings/briefing';
import { briefingFigures } from '../../../../functions/domain/briefings/figures';
import { WEEK_END, goldenInputs } from '../../../fixtures/briefings';

describe('briefing windows', () => {
  it('takes the CST week from Monday to Sunday and names it by its Monday', () => {
    // act
    const fromSunday = windowOf('weekly', '2026-11-29');
    const fromMonday = windowOf('weekly', '2026-11-23');

    // assert
    expect(fromSunday).toEqual({
      kind: 'weekly',
      briefingId: 'weekly-2026-11-23',
      from: '2026-11-23',
      to: '2026-11-29',
      startsAt: '2026-11-22T16:00:00.000Z',
      endsAt: '2026-11-29T16:00:00.000Z',
    });
    expect(fromMonday).toEqual(fromSunday);
  });

  it('takes the calendar month, December and February included', () => {
    // act / assert
    expect(windowOf('monthly', '2026-12-31')).toMatchObject({ briefingId: 'monthly-2026-12', from: '2026-12-01', to: '2026-12-31', endsAt: '2026-12-31T16:00:00.000Z' });
    expect(windowOf('monthly', '2028-02-10')).toMatchObject({ from: '2028-02-01', to: '2028-02-29' });
  });

  it('reads a window back from its id, and no window from an id of a day that is not a Monday', () => {
    // act / assert
    expect(windowOfId('weekly-2026-11-23')).toEqual(windowOf('weekly', '2026-11-23'));
    expect(windowOfId('monthly-2026-02')).toEqual(windowOf('monthly', '2026-02-01'));
    expect(windowOfId('weekly-2026-11-24')).toBeUndefined();
    expect(windowOfId('weekly-2026-02-30')).toBeUndefined();
  });

  it('gives the job last week and last month, by the CST calendar', () => {
    // act: Tuesday 1 December 2026, 00:30 CST (still 30 November in UTC)
    const windows = endedWindows(new Date('2026-11-30T16:30:00Z'));

    // assert
    expect(windows.map((w) => w.briefingId)).toEqual(['weekly-2026-11-23', 'monthly-2026-11']);
  });
});

describe('briefingFigures', () => {
  const figures = briefingFigures(goldenInputs());

  it('counts the new ratings of the week per period from the snapshots before and at its end', () => {
    // assert: 30 + 60 + 12 + 8; the snapshot of 30 November is after the week
    expect(figures.asOf).toBe(WEEK_END.toISOString());
    expect(figures.ratings.periods).toEqual([
      { periodId: '2026-annual', name: { 'zh-CN': '2026年度社会评议', en: '2026 annual appraisal' }, newRatings: 110, n: 460, unitsRated: 4 },
    ]);
    expect(figures.ratings.newRatings).toBe(110);
  });

  it('names the rises and falls of the composite score, biggest first', () => {
    // assert
    expect(figures.ratings.risers.map((u) => [u.unitId, u.previousScore, u.compositeScore, u.change])).toEqual([['tax-bureau', 85, 88.5, 3.5]]);
    expect(figures.ratings.fallers.map((u) => [u.unitId, u.change])).toEqual([
      ['service-centre', -3.75],
      ['housing', expect.closeTo(-3.6, 9)],
    ]);
  });

  it('reports the units below the thresholds, and does not judge a unit with too small a sample', () => {
    // assert
    expect(figures.ratings.belowThresholdCount).toBe(1);
    expect(figures.ratings.belowThreshold).toEqual([expect.objectContaining({ unitId: 'housing', compositeScore: 78.4, satisfactionRate: 0.88, below: ['compositeScore', 'satisfactionRate'] })]);
  });

  it('applies thresholds set higher to more units', () => {
    // act
    const strict = briefingFigures({ ...goldenInputs(), thresholds: { compositeScore: 87, satisfactionRate: 0.9 } });

    // assert
    expect(strict.ratings.belowThreshold.map((u) => u.unitId)).toEqual(['housing', 'service-centre']);
  });

  it('counts the cases received and closed in the week, those overdue at its end, and the KPIs of the year to date', () => {
    // assert
    expect(figures.cases).toMatchObject({ received: 3, closed: 2, overdue: 1, kpiFrom: '2026-01-01', kpiTo: '2026-11-29' });
    expect(Object.fromEntries(figures.cases.kpis.map((k) => [k.key, [k.numerator, k.denominator]]))).toEqual({
      closureRate: [2, 4],
      onTimeClosureRate: [1, 2],
      satisfactionRate: [1, 1],
      callbackRate: [1, 2],
      reopenRate: [1, 2],
      returnRate: [0, 4],
      badReviewRectificationRate: [1, 1],
    });
  });

  it('lists two complaints of one kind about one unit as a repeat complaint', () => {
    // assert
    expect(figures.repeatComplaints).toEqual([{ unitId: 'housing', unitName: { 'zh-CN': '住房和城乡建设局', en: 'Housing Bureau' }, kind: 'complaint', count: 2 }]);
  });

  it("counts the ledger's progress as the ledger does, and what was added and closed in the week", () => {
    // assert
    expect(figures.ledger).toEqual({
      total: 6,
      ledgered: 5,
      completed: 3,
      overdue: 1,
      newInWindow: 2,
      closedInWindow: 1,
      completionRate: { numerator: 3, denominator: 5, rate: 0.6 },
    });
  });

  it('drafted during the week, counts only what happened until then', () => {
    // act: Wednesday 25 November, 12:00 CST
    const midweek = briefingFigures({ ...goldenInputs(), asOf: new Date('2026-11-25T04:00:00Z'), openPastDue: [] });

    // assert
    expect(midweek.cases.received).toBe(2);
    expect(midweek.cases.closed).toBe(1);
    expect(midweek.ratings.periods[0]).toMatchObject({ unitsRated: 4 });
    expect(midweek.ratings.risers).toEqual([]);
    // the item identified on Saturday 28 November is not yet there
    expect(midweek.ledger.total).toBe(5);
  });
});
