import * as z from 'zod/mini';
import { ZId } from '../ids';
import { counterDifference, isEmptyDifference, type PeriodCounters } from './counters';
import type { FormVersion } from './form';
import { periodState, type Period } from './period';
import type { RespondentGroup } from './respondent-group';
import { counting, type CountingDeps } from './counting';
import { recountBallots, unitDay, type StoredBallot } from './tally';

/**
 * The recount (复核重算): a period's counters recomputed from its raw ballots and compared with those the
 * counting function added up (counting.ts). A difference — a counter changed by hand, a bug, a ballot
 * counted by a rule since edited — is logged, counted in a metric and repaired: the recount wins, by
 * adding the difference to the counters (ADD, so ballots counted meanwhile still count).
 *
 * Ballots the stream never counted (given up after the counting function's retries, stored before the stream
 * was on) are counted first, through the counting function's own path, once (late, if their day ended: a hot
 * day the tally settled is read again, tally.ts SettledDay). Then it compares like with
 * like: the ballots counted (their markers) at a moment when no counting happened
 * while it read — the counters read before and after it are the same; otherwise it reports `busy` and
 * changes nothing, and the next recount tries again. It also marks the units whose open ballots pass a
 * limit, as read from the raw ballots (the counting function marks them as ballots come). When ballots were
 * counted by another revision of the period than the current one and no recount has run on this one, the
 * arrivals were counted under the old limits: the recount adds every counted open ballot under its keys by
 * the current limits (sets of references: adding again changes nothing), so later ballots are read against
 * all that came before them.
 */

export const ZRecountRecord = z
  .object({
    periodId: ZId,
    /** When it ran (UTC ISO; shown in CST). */
    at: z.iso.datetime(),
    /** The revision of the period it counted by. */
    periodRev: z.int(),
    status: z.enum(['match', 'repaired', 'busy']),
    /** Ballots recounted (counted ones only). */
    ballots: z.int(),
    /**
     * Ballots the stream had not counted — given up after the counting function's retries, stored before the
     * stream was on, or not delivered yet — that the recount counted itself, the same way and once.
     */
    adopted: z.int(),
    /** Units whose counters differed, and counters (names) that differed in all. */
    unitsDiffering: z.array(ZId),
    countersDiffering: z.int(),
  })
  .register(z.globalRegistry, { id: 'RecountRecord' });
export type RecountRecord = z.infer<typeof ZRecountRecord>;

export interface RecountDeps {
  listGroups(): Promise<RespondentGroup[]>;
  getFormVersion(formId: string, version: number): Promise<FormVersion | undefined>;
  readCounters(periodId: string): Promise<PeriodCounters>;
  /** The references of every counted ballot of the period. */
  countedBallots(periodId: string): Promise<Set<string>>;
  /** Every stored ballot of the period, with its reference, read strongly consistent. */
  periodBallots(periodId: string): AsyncIterable<{ ballotRef: string; ballot: StoredBallot }>;
  addDifference(periodId: string, difference: PeriodCounters, repairId: string): Promise<void>;
  hotDays(periodId: string): Promise<ReadonlySet<string>>;
  /** The period revisions its counted ballots were counted by. */
  countedRevs(periodId: string): Promise<Set<number>>;
  /** Adds ballots to those arrived at a unit under a key (again: no change); how many have arrived. */
  arriveAll(periodId: string, unitId: string, key: string, ballotRefs: readonly string[]): Promise<number>;
  markHot(periodId: string, unitId: string, day: string): Promise<void>;
  getRecount(periodId: string): Promise<RecountRecord | undefined>;
  /** What the counting function counts with (counting.ts): a ballot nobody counted is counted the same way, once. */
  counting: CountingDeps;
  saveRecount(record: RecountRecord): Promise<void>;
  now(): Date;
}

const sameCounters = (a: PeriodCounters, b: PeriodCounters) => isEmptyDifference(counterDifference(a, b));

/** Recounts one period (see above) and records the outcome. */
export async function recountPeriod(deps: RecountDeps, period: Period): Promise<RecountRecord> {
  const periodId = period.periodId;
  const at = deps.now().toISOString();
  // First the ballots nobody counted: counted now through the counting function's own path (its markers make
  // a later delivery by the stream add nothing), so a ballot the stream gave up on is not lost.
  const known = await deps.countedBallots(periodId);
  const counter = counting(deps.counting);
  let adopted = 0;
  for await (const { ballotRef, ballot } of deps.periodBallots(periodId)) {
    if (!known.has(ballotRef) && (await counter.count({ periodId, ballotRef, ballot })) === 'counted') adopted += 1;
  }

  const [before, counted, last, groups] = await Promise.all([
    deps.readCounters(periodId),
    deps.countedBallots(periodId),
    deps.getRecount(periodId),
    deps.listGroups(),
  ]);
  async function* countedOnly() {
    for await (const { ballotRef, ballot } of deps.periodBallots(periodId)) if (counted.has(ballotRef)) yield ballot;
  }
  const tally = await recountBallots(period, { groups, appeals: [], batchReviews: [] }, countedOnly(), deps.getFormVersion, { flag: false });
  const arrivals = tally.arrivals();
  const expected = tally.counters();
  const after = await deps.readCounters(periodId);
  const record = { periodId, at, periodRev: period.rev, ballots: expected.period.b ?? 0, adopted };
  if (!sameCounters(before, after)) {
    const busy: RecountRecord = { ...record, status: 'busy', unitsDiffering: [], countersDiffering: 0 };
    await deps.saveRecount(busy);
    return busy;
  }

  // Units past a limit, from the raw ballots; the arrivals refreshed if the rules changed since they were counted.
  const [hot, revs] = await Promise.all([deps.hotDays(periodId), deps.countedRevs(periodId)]);
  const rulesChanged = [...revs].some((rev) => rev !== period.rev) && last?.periodRev !== period.rev;
  const arrived = new Map<string, { unitId: string; day: string; key: string; limit: number; refs: string[] }>();
  for (const a of arrivals) {
    if (hot.has(unitDay(a.unitId, a.day))) continue;
    const at = `${a.unitId}\n${a.key}`;
    const entry = arrived.get(at) ?? { unitId: a.unitId, day: a.day, key: a.key, limit: a.limit, refs: [] };
    entry.refs.push(a.ballotRef);
    arrived.set(at, entry);
  }
  const toMark = new Map<string, { unitId: string; day: string }>();
  for (const { unitId, day, key, limit, refs } of arrived.values()) {
    const n = rulesChanged ? await deps.arriveAll(periodId, unitId, key, refs) : refs.length;
    if (n > limit) toMark.set(unitDay(unitId, day), { unitId, day });
  }
  for (const [, { unitId, day }] of [...toMark].sort(([a], [b]) => (a < b ? -1 : 1))) await deps.markHot(periodId, unitId, day);

  const difference = counterDifference(expected, after);
  const countersDiffering = Object.keys(difference.period).length + [...difference.units.values()].reduce((n, c) => n + Object.keys(c).length, 0);
  if (countersDiffering > 0) await deps.addDifference(periodId, difference, `${periodId}\n${at}`);
  const done: RecountRecord = {
    ...record,
    status: countersDiffering > 0 ? 'repaired' : 'match',
    unitsDiffering: [...difference.units.keys()].sort(),
    countersDiffering,
  };
  await deps.saveRecount(done);
  return done;
}

/**
 * Whether the nightly recount covers a period: while it is open, and once after it ends (the recount that
 * makes its final figures checked). A period that has not opened has nothing counted.
 */
export function needsRecount(period: Period, last: RecountRecord | undefined, now: Date): boolean {
  const state = periodState(period, now);
  if (state === 'notYetOpen') return false;
  if (state === 'open') return true;
  return !last || last.status === 'busy' || Date.parse(last.at) < Date.parse(period.closesAt);
}

/** The nightly recount and the recount on demand: each period recounted, and its figures derived again if repaired. */
export async function runRecount(
  deps: RecountDeps & { listPeriods(): Promise<Period[]> },
  tally: (period: Period) => Promise<unknown>,
  only?: Period,
): Promise<RecountRecord[]> {
  const now = deps.now();
  const records: RecountRecord[] = [];
  for (const period of only ? [only] : await deps.listPeriods()) {
    if (!only && !needsRecount(period, await deps.getRecount(period.periodId), now)) continue;
    const record = await recountPeriod(deps, period);
    if (record.status === 'repaired') await tally(period);
    records.push(record);
  }
  return records;
}
