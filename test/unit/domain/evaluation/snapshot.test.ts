import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../functions/domain/errors';
import {
  ZTrendQuery,
  ZUnitSnapshot,
  periodSnapshots,
  periodTrend,
  snapshotDay,
  snapshotsOfRun,
  trendUnits,
  type SnapshotDeps,
  type UnitSnapshot,
} from '../../../../functions/domain/evaluation/snapshot';
import { aPeriod, aTally, aTallyRun } from '../../../fixtures/catalog';

describe('snapshotDay', () => {
  it('buckets an instant by its China Standard Time calendar day, whatever the UTC date', () => {
    // prepare: the last and first instants around CST midnight of 2026-06-15 (16:00 UTC the day before)
    const lastOfFourteenth = '2026-06-14T15:59:59.999Z';
    const firstOfFifteenth = '2026-06-14T16:00:00.000Z';
    const lateUtcSameCstDay = '2026-06-15T15:59:59.999Z';

    // act & assert
    expect(snapshotDay(lastOfFourteenth)).toBe('2026-06-14');
    expect(snapshotDay(firstOfFifteenth)).toBe('2026-06-15');
    expect(snapshotDay(lateUtcSameCstDay)).toBe('2026-06-15');
    expect(snapshotDay('2026-06-15T00:00:00+08:00')).toBe('2026-06-15');
  });

  it('rolls over the year at CST midnight of 1 January', () => {
    expect(snapshotDay('2026-12-31T15:59:59.999Z')).toBe('2026-12-31');
    expect(snapshotDay('2026-12-31T16:00:00.000Z')).toBe('2027-01-01');
  });
});

describe('snapshotsOfRun', () => {
  it("keeps each unit's figures with its rank among the run's tallies, dated by the run's CST day", () => {
    // prepare: two ranked units tied at the published precision, one below the minimum sample
    const run = aTallyRun({ computedAt: '2026-06-14T16:30:00.000Z', ballots: 40 });
    const tallies = [
      aTally({ unitId: 'b-unit', compositeScore: 80.001, insufficientSample: false }),
      aTally({ unitId: 'a-unit', compositeScore: 90, insufficientSample: false }),
      aTally({ unitId: 'c-unit', compositeScore: 79.999, insufficientSample: false }),
      aTally({ unitId: 'd-unit', compositeScore: 99, insufficientSample: true }),
    ];

    // act
    const { day, units } = snapshotsOfRun(run, tallies);

    // assert
    expect(day).toEqual({ periodId: '2026-annual', day: '2026-06-15', computedAt: run.computedAt, units: 4, ballots: 40 });
    expect(units.map((u) => [u.unitId, u.rank, u.unranked])).toEqual([
      ['a-unit', 1, null],
      ['b-unit', 2, null],
      ['c-unit', 2, null],
      ['d-unit', null, 'insufficientSample'],
    ]);
    const a = units[0]!;
    expect(a).toEqual({
      periodId: '2026-annual',
      unitId: 'a-unit',
      day: '2026-06-15',
      computedAt: run.computedAt,
      n: 2,
      ballots: 4,
      satisfactionRate: 0.5,
      satisfactionInterval: tallies[1]!.satisfactionInterval,
      badReviews: 1,
      compositeScore: 90,
      weightCoverage: 0.5,
      insufficientSample: false,
      rank: 1,
      unranked: null,
      groupScores: { citizen: { n: 2, score: 50 } },
      dimensions: [{ dimensionId: 'overall', n: 2, satisfactionRate: 0.5, satisfactionInterval: tallies[1]!.satisfactionInterval, score: 50 }],
    });
    for (const u of units) expect(ZUnitSnapshot.safeParse(u).success).toBe(true);
  });

  it('makes no snapshot of a run that tallied no unit, but still names its day', () => {
    const { day, units } = snapshotsOfRun(aTallyRun(), []);
    expect(units).toEqual([]);
    expect(day.units).toBe(0);
  });
});

describe('the trend query', () => {
  it('takes one to ten comma-separated unit ids, each once', () => {
    expect(trendUnits(ZTrendQuery.parse({ units: 'tax-bureau,service-centre,tax-bureau' }))).toEqual(['tax-bureau', 'service-centre']);
    expect(ZTrendQuery.safeParse({ units: Array.from({ length: 10 }, (_, i) => `u${i}`).join(',') }).success).toBe(true);
  });

  it('refuses none, eleven, an empty item and an id that is not one', () => {
    for (const units of ['', Array.from({ length: 11 }, (_, i) => `u${i}`).join(','), 'a,,b', 'a,', 'Tax', 'a#b']) {
      expect(ZTrendQuery.safeParse({ units }).success, units).toBe(false);
    }
    expect(ZTrendQuery.safeParse({}).success).toBe(false);
  });
});

/** Snapshot storage in memory: snapshots by period and unit, oldest first. */
function fakeDeps(now: Date, periods = [aPeriod()], stored: UnitSnapshot[] = []): SnapshotDeps {
  const of = (periodId: string, unitId: string) =>
    stored.filter((s) => s.periodId === periodId && s.unitId === unitId).sort((a, b) => a.day.localeCompare(b.day));
  return {
    getPeriod: async (periodId) => periods.find((p) => p.periodId === periodId),
    listPeriods: async () => periods,
    listSnapshotDays: async (periodId) =>
      [...new Set(stored.filter((s) => s.periodId === periodId).map((s) => s.day))].sort().map((day) => ({ periodId, day, computedAt: `${day}T10:00:00.000Z`, units: 1, ballots: 1 })),
    listUnitSnapshots: async (periodId, unitId) => of(periodId, unitId),
    lastUnitSnapshot: async (periodId, unitId) => of(periodId, unitId).at(-1),
    now: () => now,
  };
}

const snap = (periodId: string, unitId: string, day: string, compositeScore: number): UnitSnapshot => ({
  ...snapshotsOfRun(aTallyRun({ periodId, computedAt: `${day}T04:00:00.000Z` }), [aTally({ periodId, unitId, compositeScore, insufficientSample: false })]).units[0]!,
});

describe('periodSnapshots', () => {
  it("gives the period's days and each asked-for unit's snapshots, oldest first; a unit without any has none", async () => {
    // prepare
    const stored = [snap('2026-annual', 'tax-bureau', '2026-06-16', 70), snap('2026-annual', 'tax-bureau', '2026-06-15', 60), snap('2026-annual', 'other', '2026-06-15', 10)];

    // act
    const list = await periodSnapshots(fakeDeps(new Date('2026-06-20T00:00:00Z'), [aPeriod()], stored), '2026-annual', ['tax-bureau', 'quiet-unit']);

    // assert
    expect(list.days.map((d) => d.day)).toEqual(['2026-06-15', '2026-06-16']);
    expect(list.units.map((u) => [u.unitId, u.snapshots.map((s) => [s.day, s.compositeScore])])).toEqual([
      ['tax-bureau', [['2026-06-15', 60], ['2026-06-16', 70]]],
      ['quiet-unit', []],
    ]);
  });

  it('is NotFound for a period that does not exist', async () => {
    await expect(periodSnapshots(fakeDeps(new Date()), 'no-such-period', ['tax-bureau'])).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('periodTrend', () => {
  it("gives each begun period, oldest first, with each unit's last snapshot there, leaving out periods without any", async () => {
    // prepare
    const periods = [
      aPeriod({ periodId: '2026-annual', opensAt: '2026-01-01T00:00:00+08:00', closesAt: '2027-01-01T00:00:00+08:00' }),
      aPeriod({ periodId: '2025-annual', opensAt: '2025-01-01T00:00:00+08:00', closesAt: '2026-01-01T00:00:00+08:00' }),
      aPeriod({ periodId: '2024-annual', opensAt: '2024-01-01T00:00:00+08:00', closesAt: '2025-01-01T00:00:00+08:00' }),
      aPeriod({ periodId: '2027-annual', opensAt: '2027-01-01T00:00:00+08:00', closesAt: '2028-01-01T00:00:00+08:00' }),
    ];
    const stored = [
      snap('2025-annual', 'tax-bureau', '2025-12-30', 61),
      snap('2025-annual', 'tax-bureau', '2025-12-31', 62),
      snap('2026-annual', 'tax-bureau', '2026-06-15', 70),
      snap('2026-annual', 'service-centre', '2026-06-15', 50),
      snap('2027-annual', 'tax-bureau', '2027-01-02', 99),
    ];

    // act
    const trend = await periodTrend(fakeDeps(new Date('2026-06-20T00:00:00Z'), periods, stored), ['tax-bureau', 'service-centre']);

    // assert: 2024 has no snapshot, 2027 has not begun
    expect(trend.periods.map((p) => [p.period.periodId, p.units.map((u) => [u.unitId, u.day, u.compositeScore])])).toEqual([
      ['2025-annual', [['tax-bureau', '2025-12-31', 62]]],
      [
        '2026-annual',
        [
          ['tax-bureau', '2026-06-15', 70],
          ['service-centre', '2026-06-15', 50],
        ],
      ],
    ]);
  });
});
