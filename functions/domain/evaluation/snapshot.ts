import * as z from 'zod/mini';
import { NotFoundError } from '../errors';
import { ZId } from '../ids';
import { schemaMessage } from '../messages';
import { ZLocalizedText } from '../text';
import { cstParts } from '../time-zone';
import type { Period } from './period';
import { ZUnrankedReason, rankUnits } from './ranking';
import type { Tally, TallyRun } from './tally';

/**
 * Daily snapshots (每日快照) of a period's figures, for trends: whenever a tally run of a period is saved,
 * each unit's figures — N, 满意率 with its 95% interval, the composite score, its rank, and its scores per
 * respondent group and per dimension — are kept as that unit's snapshot of the run's day in China Standard
 * Time, with the run's data-as-of time (computedAt). A day holds one snapshot per unit: a later run of the
 * same day replaces it, so each day keeps what its last run saw. Snapshots are never expired: trends are
 * drawn over a period's days, and across periods from each period's last snapshot.
 *
 * Only the figures a trend or a ranking reads are kept (no counts per level, no exclusions): the tally of
 * the day itself is what the downloads give.
 */

/** A CST calendar day, `2026-06-15`. */
export const ZDay = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/** The CST calendar day an instant falls on: `2026-06-14T16:00:00Z` is already `2026-06-15`. */
export function snapshotDay(iso: string): string {
  const p = cstParts(iso);
  return `${p.year}-${p.month}-${p.day}`;
}

const ZCount = z.int().check(z.minimum(0));
const ZInterval = z.nullable(z.object({ low: z.number(), high: z.number() }));

/** A unit's figures on one day of a period. */
export const ZUnitSnapshot = z
  .object({
    periodId: ZId,
    unitId: ZId,
    day: ZDay,
    /** The data-as-of time of the run that made it: the day's last saved run. */
    computedAt: z.iso.datetime(),
    n: ZCount,
    ballots: ZCount,
    satisfactionRate: z.nullable(z.number()),
    satisfactionInterval: ZInterval,
    badReviews: ZCount,
    compositeScore: z.nullable(z.number()),
    weightCoverage: z.number(),
    insufficientSample: z.boolean(),
    /** Standard competition rank (ranking.ts) among the units the run tallied; null when unranked. */
    rank: z.nullable(z.int().check(z.minimum(1))),
    unranked: z.nullable(ZUnrankedReason),
    /** S_g and its N per respondent group. */
    groupScores: z.record(ZId, z.object({ n: ZCount, score: z.number() })),
    /** Per dimension: N, 满意率 with its interval, S_d. */
    dimensions: z.array(
      z.object({
        dimensionId: z.string(),
        n: ZCount,
        satisfactionRate: z.nullable(z.number()),
        satisfactionInterval: ZInterval,
        score: z.nullable(z.number()),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'UnitSnapshot', description: "A unit's figures as a period's last tally run of one CST day saw them." });
export type UnitSnapshot = z.infer<typeof ZUnitSnapshot>;

/** A day of a period that has snapshots: its last run's data-as-of time and size. */
export const ZSnapshotDay = z
  .object({ periodId: ZId, day: ZDay, computedAt: z.iso.datetime(), units: ZCount, ballots: ZCount })
  .register(z.globalRegistry, { id: 'SnapshotDay' });
export type SnapshotDay = z.infer<typeof ZSnapshotDay>;

/**
 * The snapshots of a run: one per tallied unit, with its rank among the run's tallies (the ranking of the
 * tally report, whose other units have no tally and so no rank), and the day they are for.
 */
export function snapshotsOfRun(run: TallyRun, tallies: readonly Tally[]): { day: SnapshotDay; units: UnitSnapshot[] } {
  const day = snapshotDay(run.computedAt);
  const units = rankUnits(tallies.map((tally) => ({ tally }))).map(({ tally: t, rank, unranked }) => ({
    periodId: run.periodId,
    unitId: t.unitId,
    day,
    computedAt: run.computedAt,
    n: t.n,
    ballots: t.ballots,
    satisfactionRate: t.satisfactionRate,
    satisfactionInterval: t.satisfactionInterval,
    badReviews: t.badReviews,
    compositeScore: t.compositeScore,
    weightCoverage: t.weightCoverage,
    insufficientSample: t.insufficientSample,
    rank,
    unranked,
    groupScores: t.groupScores,
    dimensions: t.dimensions.map((d) => ({
      dimensionId: d.dimensionId,
      n: d.n,
      satisfactionRate: d.satisfactionRate,
      satisfactionInterval: d.satisfactionInterval,
      score: d.score,
    })),
  }));
  return { day: { periodId: run.periodId, day, computedAt: run.computedAt, units: tallies.length, ballots: run.ballots }, units };
}

/** At most this many units a trend request names: each is one Query per period. */
export const MAX_TREND_UNITS = 10;

/** `?units=a,b`: one to ten unit ids, comma-separated. */
export const ZTrendQuery = z.object({
  units: z
    .string()
    .check(
      z.regex(
        new RegExp(`^[a-z0-9][a-z0-9-]{0,62}(,[a-z0-9][a-z0-9-]{0,62}){0,${MAX_TREND_UNITS - 1}}$`),
        schemaMessage({
          'zh-CN': `填写 1 至 ${MAX_TREND_UNITS} 个单位编号，以英文逗号分隔；编号只能用小写字母、数字和“-”。`,
          en: `One to ${MAX_TREND_UNITS} unit ids separated by commas; ids use lowercase letters, digits and "-".`,
        }),
      ),
    ),
});
export type TrendQuery = z.infer<typeof ZTrendQuery>;

/** The unit ids of a trend query, each once, in the order given. */
export const trendUnits = (query: TrendQuery): string[] => [...new Set(query.units.split(','))];

/** A period's days with snapshots, and each asked-for unit's snapshots, oldest first. */
export const ZSnapshotList = z
  .object({
    period: z.object({ periodId: ZId, name: ZLocalizedText }),
    days: z.array(ZSnapshotDay),
    units: z.array(z.object({ unitId: ZId, snapshots: z.array(ZUnitSnapshot) })),
  })
  .register(z.globalRegistry, { id: 'SnapshotList' });
export type SnapshotList = z.infer<typeof ZSnapshotList>;

/** Each period (oldest first) with its last snapshot of each asked-for unit that has one. */
export const ZPeriodTrend = z
  .object({
    periods: z.array(
      z.object({
        period: z.object({ periodId: ZId, name: ZLocalizedText, opensAt: z.string(), closesAt: z.string() }),
        units: z.array(ZUnitSnapshot),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'PeriodTrend' });
export type PeriodTrend = z.infer<typeof ZPeriodTrend>;

/** What the trend use cases need from storage. */
export interface SnapshotDeps {
  getPeriod(periodId: string): Promise<Period | undefined>;
  listPeriods(): Promise<Period[]>;
  listSnapshotDays(periodId: string): Promise<SnapshotDay[]>;
  /** A unit's snapshots in a period, oldest first. */
  listUnitSnapshots(periodId: string, unitId: string): Promise<UnitSnapshot[]>;
  /** A unit's newest snapshot in a period. */
  lastUnitSnapshot(periodId: string, unitId: string): Promise<UnitSnapshot | undefined>;
  now(): Date;
}

/** The trend of units within a period: its snapshot days and each unit's daily snapshots. Throws NotFoundError. */
export async function periodSnapshots(deps: SnapshotDeps, periodId: string, unitIds: readonly string[]): Promise<SnapshotList> {
  const [period, days, units] = await Promise.all([
    deps.getPeriod(periodId),
    deps.listSnapshotDays(periodId),
    Promise.all(unitIds.map(async (unitId) => ({ unitId, snapshots: await deps.listUnitSnapshots(periodId, unitId) }))),
  ]);
  if (!period) throw new NotFoundError('period', periodId);
  return { period: { periodId: period.periodId, name: period.name }, days, units };
}

/**
 * The trend of units across periods: each period that has begun, oldest first, with each unit's last
 * snapshot in it — a closed period's final figures, an open one's latest. Periods where none of the units
 * has a snapshot are left out.
 */
export async function periodTrend(deps: SnapshotDeps, unitIds: readonly string[]): Promise<PeriodTrend> {
  const now = deps.now().getTime();
  const periods = (await deps.listPeriods())
    .filter((p) => Date.parse(p.opensAt) <= now)
    .sort((a, b) => Date.parse(a.opensAt) - Date.parse(b.opensAt) || a.periodId.localeCompare(b.periodId));
  const points = await Promise.all(
    periods.map(async (p) => ({
      period: { periodId: p.periodId, name: p.name, opensAt: p.opensAt, closesAt: p.closesAt },
      units: (await Promise.all(unitIds.map((unitId) => deps.lastUnitSnapshot(p.periodId, unitId)))).filter((s): s is UnitSnapshot => s !== undefined),
    })),
  );
  return { periods: points.filter((p) => p.units.length > 0) };
}
