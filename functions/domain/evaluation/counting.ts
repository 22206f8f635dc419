import type { PeriodCounters } from './counters';
import type { FormVersion } from './form';
import type { Period } from './period';
import type { RespondentGroup } from './respondent-group';
import { PeriodTally, ballotDay, dayEnd, unitDay, type StoredBallot } from './tally';

/**
 * Counting (计数): each ballot's contribution added to its period's counters (counters.ts) once, as the
 * responses table's stream delivers it — at least once, in batches that may fail and come again. The
 * contribution is what PeriodTally counts for the ballot alone, without reading open ballots against the
 * limits; the tally (tally.ts periodFromCounters) reads the ballots of the units where a limit was passed.
 *
 * Exactly once: the counters and a marker for the ballot and each of its parts are written in one
 * conditional transaction (store/evaluation/counter-store.ts), so a ballot delivered again finds its markers
 * and adds nothing. Arrivals of open ballots (tally.ts arrivalKeys) are sets of ballot references, so
 * adding one again changes nothing either; they are added before the counters, so a ballot is never
 * counted while its unit's passed limit goes unmarked.
 *
 * Late ballots: a ballot counted LATE_AFTER_MS or more after its CST day ended (ballotDay(), dayEnd()) — the
 * stream lagging, a batch given up and adopted by the recount — is counted as late: its units' late counts
 * (counter-store.ts, beside their counters, in the same write) grow by one. The tally settles a hot day
 * once it ended SETTLE_AFTER_MS ago (tally.ts SettledDay): a ballot of that day counted after the settling is
 * late, and its late count tells the tally that the settled day must be read again.
 */

/** How long after its day ended a ballot counts as late (counting's own write must finish within SETTLE_AFTER_MS − this). */
export const LATE_AFTER_MS = 10 * 60_000;

/** Whether a ballot of `day` (ballotDay(); '' for an unreadable one, never late) counted at `now` is late. */
export const isLate = (day: string, now: Date): boolean => day !== '' && now.getTime() >= dayEnd(day) + LATE_AFTER_MS;

/** A ballot as the stream delivers it: the period and reference come from its key. */
export interface StreamedBallot {
  periodId: string;
  ballotRef: string;
  ballot: StoredBallot;
}

export interface CountingDeps {
  getPeriod(periodId: string): Promise<Period | undefined>;
  listGroups(): Promise<RespondentGroup[]>;
  getFormVersion(formId: string, version: number): Promise<FormVersion | undefined>;
  /** The days of units (tally.ts unitDay()) marked as having passed a limit. */
  hotDays(periodId: string): Promise<ReadonlySet<string>>;
  /** Adds the ballot to those arrived at the unit under `key` (again: no change) and tells how many have arrived. */
  arrive(periodId: string, unitId: string, key: string, ballotRef: string): Promise<number>;
  /** Marks the unit's day as having passed a limit (again: no change). */
  markHot(periodId: string, unitId: string, day: string): Promise<void>;
  /**
   * Adds a ballot's contribution and its markers, unless they are there: whether anything was added. The
   * period's revision it was counted by is kept too (the recount knows so whether rules changed since). A
   * late ballot (isLate) adds one to the late count of each of its units, in the same write.
   */
  addOnce(periodId: string, ballotRef: string, contribution: PeriodCounters, periodRev: number, day: string, late: boolean): Promise<boolean>;
  /** The counting function's clock: whether a ballot is late. */
  now(): Date;
}

export type CountOutcome = 'counted' | 'countedBefore' | 'noSuchPeriod';

/**
 * Counts the ballots of one delivery. What it reads (periods, groups, form versions, hot days) is read
 * once per delivery: a period edited meanwhile is counted by its new rules from the next delivery on, and
 * the recount (recount.ts) settles the ballots counted before.
 */
export function counting(deps: CountingDeps) {
  const periods = new Map<string, Promise<Period | undefined>>();
  const versions = new Map<string, Promise<FormVersion | undefined>>();
  const hot = new Map<string, Promise<Set<string>>>();
  let groups: Promise<RespondentGroup[]> | undefined;

  const once = <T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> => {
    let value = cache.get(key);
    if (!value) {
      value = read();
      // A failed read is not kept: the delivery that comes again reads again.
      value.catch(() => cache.delete(key));
      cache.set(key, value);
    }
    return value;
  };

  async function versionOf(periodId: string, ballot: StoredBallot): Promise<FormVersion | undefined> {
    if (!ballot.ok) return undefined;
    const { formId, version } = ballot.response;
    const found = await once(versions, `${formId}@${version}`, () => deps.getFormVersion(formId, version));
    return found && found.periodId === periodId ? found : undefined;
  }

  return {
    async count({ periodId, ballotRef, ballot }: StreamedBallot): Promise<CountOutcome> {
      const period = await once(periods, periodId, () => deps.getPeriod(periodId));
      // The tally counts the ballots of the periods there are; a ballot of no period is counted by none.
      if (!period) return 'noSuchPeriod';
      groups ??= deps.listGroups();
      groups.catch(() => (groups = undefined));
      const tally = new PeriodTally(period, { groups: await groups, appeals: [], batchReviews: [] }, { flag: false });
      tally.add(ballot, await versionOf(periodId, ballot));

      const hotDays = await once(hot, periodId, async () => new Set(await deps.hotDays(periodId)));
      for (const arrival of tally.arrivals()) {
        const key = unitDay(arrival.unitId, arrival.day);
        if (hotDays.has(key)) continue;
        const arrived = await deps.arrive(periodId, arrival.unitId, arrival.key, ballotRef);
        if (arrived > arrival.limit) {
          await deps.markHot(periodId, arrival.unitId, arrival.day);
          hotDays.add(key);
        }
      }
      const day = ballotDay(ballot);
      // The clock is read right before the write: a ballot not late is written well before its day can be settled.
      const late = isLate(day, deps.now());
      return (await deps.addOnce(periodId, ballotRef, tally.counters(), period.rev, day, late)) ? 'counted' : 'countedBefore';
    },
  };
}

export type DeliveryOutcomes = Record<CountOutcome | 'notABallot', number>;

/** How many ballots of a delivery are counted side by side. */
export const COUNTING_CONCURRENCY = 4;

/**
 * Counts a delivery's ballots (undefined: a record that is no new ballot), `concurrency` at a time, none
 * started after one has failed. `failedAt` is the place of the first that failed: it and all after it must
 * be delivered again — those after it that were counted add nothing the second time.
 */
export async function countDelivery(
  counter: ReturnType<typeof counting>,
  ballots: readonly (StreamedBallot | undefined)[],
  concurrency = COUNTING_CONCURRENCY,
): Promise<{ outcomes: DeliveryOutcomes; failedAt?: number; error?: unknown }> {
  const outcomes: DeliveryOutcomes = { counted: 0, countedBefore: 0, noSuchPeriod: 0, notABallot: 0 };
  let next = 0;
  const failures: { at: number; error: unknown }[] = [];
  const worker = async () => {
    while (failures.length === 0 && next < ballots.length) {
      const i = next++;
      const ballot = ballots[i];
      try {
        outcomes[ballot ? await counter.count(ballot) : 'notABallot'] += 1;
      } catch (error) {
        failures.push({ at: i, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ballots.length) }, worker));
  const first = failures.sort((a, b) => a.at - b.at)[0];
  return first ? { outcomes, failedAt: first.at, error: first.error } : { outcomes };
}
