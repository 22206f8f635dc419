import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countDelivery, counting, type StreamedBallot } from '../../../../functions/domain/evaluation/counting';
import type { Period } from '../../../../functions/domain/evaluation/period';
import { recountPeriod } from '../../../../functions/domain/evaluation/recount';
import type { BatchReview } from '../../../../functions/domain/evaluation/review';
import { CountingInProgressError, PeriodTally, runTally, type RunTallyDeps, type StoredBallot, type Tally, type TallyInputs } from '../../../../functions/domain/evaluation/tally';
import { NOW, VERSIONS, scenario, stored, tallyAll, versionOf, type Spec } from '../../../fixtures/ballot-arbitraries';
import { aPeriodAdmitting, tallyInputs } from '../../../fixtures/ballots';
import { memoryCounters, refOf } from '../../../fixtures/counters';

/**
 * The counters against a full recount (PeriodTally over every stored ballot at once), over the random
 * ballots of tally-review-properties.test.ts, delivered as the stream delivers them: in random batches, a
 * batch failing part way through (the counters' write failing before or after it took effect, an arrival or
 * a hot mark failing), the rest redelivered from the failed record on, whole batches delivered again, and
 * the tally run between deliveries. When everything has been delivered, the figures derived from the
 * counters are the recount's, to the last flagged batch, and the recount finds nothing to repair.
 *
 * Hot days settled: with a clock that moves on between deliveries, days end and the tally settles their hot
 * units' reading (tally.ts SettledDay); ballots of a settled day still come (late: the stream's order, or the
 * recount adopting what the stream lost), appeals are upheld and batches reviewed decision by decision after
 * it was settled, and recounts run in between — the figures are still the recount's at every step's end.
 */

type Fault = { op: 'addOnce' | 'arrive' | 'markHot' | 'hotDays'; when: 'before' | 'after' };
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ op: fc.constant('addOnce' as const), when: fc.constantFrom('before' as const, 'after' as const) }),
  fc.record({ op: fc.constantFrom('arrive' as const, 'markHot' as const, 'hotDays' as const), when: fc.constant('before' as const) }),
);
/** One delivery: how many records, whether a call fails (after how many of its kind), whether it comes twice, whether the tally runs after. */
const delivery = fc.record({
  size: fc.integer({ min: 1, max: 12 }),
  fault: fc.option(fc.tuple(fault, fc.nat({ max: 11 })), { nil: undefined, freq: 3 }),
  again: fc.boolean(),
  tallyAfter: fc.boolean(),
});

function harness(period: Period, ballots: readonly StoredBallot[], inputs: TallyInputs, clock?: () => Date) {
  const counters = memoryCounters();
  const now = clock ?? (() => NOW);
  const catalog = {
    getPeriod: async (id: string) => (id === period.periodId ? period : undefined),
    listGroups: async () => [...inputs.groups] as never,
    getFormVersion: async (formId: string, version: number) => VERSIONS.find((v) => v.formId === formId && v.version === version),
  };
  const streamed: StreamedBallot[] = ballots.map((ballot, i) => ({ periodId: period.periodId, ballotRef: refOf(ballot, `u.ballot${i}`), ballot }));
  const byRef = new Map(streamed.map((s) => [s.ballotRef, s.ballot]));
  const saved: { tallies: Tally[]; batches: unknown[]; run: unknown }[] = [];
  /** How many ballots each getBallots call read. */
  const ballotsRead: number[] = [];
  const tallyDeps: RunTallyDeps = {
    ...catalog,
    ...counters.ports,
    listPeriods: async () => [period],
    getTallyRun: async () => undefined,
    listAppeals: async () => [...inputs.appeals],
    listBatchReviews: async () => [...inputs.batchReviews],
    getBallots: async (_periodId, refs) => {
      ballotsRead.push(refs.length);
      return refs.flatMap((ref) => byRef.get(ref) ?? []);
    },
    saveTallies: async (run, tallies, batches) => void saved.push({ run, tallies, batches }),
    now,
  };
  const recountDeps = {
    ...catalog,
    ...counters.ports,
    counting: { ...catalog, ...counters.ports },
    async *periodBallots() {
      yield* streamed;
    },
    now,
  };
  return { counters, catalog, streamed, tallyDeps, recountDeps, saved, ballotsRead };
}

/** The clock of the settled-days property: from the first burst's morning to well after the last day. */
const START = new Date('2026-06-15T09:00:00+08:00');
const END = new Date('2026-06-24T09:00:00+08:00');
/** A step of the settled-days property: the clock moves on, a delivery comes, decisions are made, maybe a recount runs. */
const step = fc.record({
  advanceMinutes: fc.constantFrom(0, 5, 30, 90, 6 * 60, 20 * 60, 30 * 60),
  size: fc.integer({ min: 0, max: 12 }),
  // A recount now and then (one step in eight).
  recount: fc.nat({ max: 7 }).map((n) => n === 0),
});

/** A review as it stood after its first `n` decisions (none: no review yet). */
const reviewSoFar = (review: BatchReview, n: number): BatchReview[] =>
  n === 0 ? [] : [{ ...review, decisions: review.decisions.slice(0, n), rev: n }];

/** The full recount of some ballots at `at`. */
function recountAt(period: Period, ballots: readonly StoredBallot[], inputs: TallyInputs, at: Date) {
  const tally = new PeriodTally(period, inputs);
  for (const ballot of ballots) tally.add(ballot, versionOf(ballot));
  return tally.result(at);
}

const byUnit = (tallies: Tally[]) => [...tallies].sort((a, b) => a.unitId.localeCompare(b.unitId));

describe('counting from the stream (properties)', () => {
  it('counters, however the stream delivers and fails, give the figures of a full recount', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenario.chain((s) =>
          fc.record({
            s: fc.constant(s),
            // Shards are read side by side: the stream's order is any order of the ballots.
            order: fc.shuffledSubarray(s.ballots.map((_, i) => i), { minLength: s.ballots.length, maxLength: s.ballots.length }),
            deliveries: fc.array(delivery, { minLength: 1, maxLength: 40 }),
            // Records the stream gave up on after its retries (or that came before the stream was on).
            lost: fc.subarray(s.ballots.map((_, i) => i), { maxLength: Math.min(3, s.ballots.length) }),
          }),
        ),
        async ({ s, order, deliveries, lost }) => {
          const inputs = tallyInputs({ appeals: s.appeals, batchReviews: s.batchReviews });
          const h = harness(s.period, s.ballots, inputs);
          const queue = order.filter((i) => !lost.includes(i)).map((i) => h.streamed[i]!);
          let position = 0;
          let plan = 0;
          // Deliveries go on until every record is through, as the stream retries a failed batch.
          while (position < queue.length) {
            const d = deliveries[plan++ % deliveries.length]!;
            const batch = queue.slice(position, position + d.size);
            // Faults in the first pass through the plan only: the stream's retries succeed in the end.
            if (d.fault && plan <= deliveries.length) h.counters.failNext(d.fault[0].op, d.fault[0].when, d.fault[1]);
            const { failedAt } = await countDelivery(counting({ ...h.catalog, ...h.counters.ports }), batch);
            if (d.again) await countDelivery(counting({ ...h.catalog, ...h.counters.ports }), batch.slice(0, failedAt ?? batch.length));
            position += failedAt ?? batch.length;
            // A fault that did not fire (its operation was not called) must not leak into the next delivery.
            h.counters.clearFaults();
            if (d.tallyAfter) await runTally(h.tallyDeps);
          }

          // The nightly recount counts what the stream lost, and finds nothing else to repair.
          const checked = await recountPeriod(h.recountDeps, s.period);
          expect(checked).toMatchObject({ status: 'match', countersDiffering: 0, ballots: s.ballots.length, adopted: lost.length });

          const [run] = await runTally(h.tallyDeps);
          const { tallies, batches } = h.saved.at(-1)!;
          const recount = tallyAll(s.period, s.ballots, inputs);
          expect(run).toEqual(recount.run);
          expect(byUnit(tallies)).toEqual(byUnit(recount.tallies));
          expect(batches).toEqual(recount.batches);
        },
      ),
      { numRuns: 100 },
    );
  }, 120_000);

  it('settled hot days give the figures of a full recount, whatever touches them after they were settled', async () => {
    const coverage = { settledUsed: 0, settledRead: 0 };
    await fc.assert(
      fc.asyncProperty(
        scenario.chain((s) =>
          fc.record({
            s: fc.constant(s),
            order: fc.shuffledSubarray(s.ballots.map((_, i) => i), { minLength: s.ballots.length, maxLength: s.ballots.length }),
            deliveries: fc.array(step, { minLength: 1, maxLength: 30 }),
            lost: fc.subarray(s.ballots.map((_, i) => i), { maxLength: Math.min(3, s.ballots.length) }),
            // The step after which each appeal is decided, and each decision of each review is made.
            appealAt: fc.array(fc.nat({ max: 30 }), { minLength: s.appeals.length, maxLength: s.appeals.length }),
            reviewAt: fc.tuple(...s.batchReviews.map((r) => fc.array(fc.nat({ max: 30 }), { minLength: r.decisions.length, maxLength: r.decisions.length }))),
          }),
        ),
        async ({ s, order, deliveries, lost, appealAt, reviewAt }) => {
          let clock = START;
          const state: TallyInputs = tallyInputs({ appeals: [], batchReviews: [] });
          const h = harness(s.period, s.ballots, state, () => clock);
          const decide = (at: number) => {
            state.appeals = s.appeals.filter((_, i) => appealAt[i]! <= at);
            state.batchReviews = s.batchReviews.flatMap((r, i) => reviewSoFar(r, reviewAt[i]!.filter((k) => k <= at).length));
          };
          const expectRecountsFigures = async () => {
            const [run] = await runTally(h.tallyDeps);
            const { tallies, batches } = h.saved.at(-1)!;
            const recount = recountAt(s.period, s.ballots.filter((_, i) => counted.has(i)), state, clock);
            expect(run).toEqual(recount.run);
            expect(byUnit(tallies)).toEqual(byUnit(recount.tallies));
            expect(batches).toEqual(recount.batches);
          };
          const queue = order.filter((i) => !lost.includes(i));
          const counted = new Set<number>();
          expect(lost.every((i) => !queue.includes(i))).toBe(true);
          for (const [k, d] of deliveries.entries()) {
            clock = new Date(clock.getTime() + d.advanceMinutes * 60_000);
            h.counters.setNow(clock);
            const batch = queue.splice(0, d.size);
            const { failedAt } = await countDelivery(counting({ ...h.catalog, ...h.counters.ports }), batch.map((i) => h.streamed[i]!));
            expect(failedAt).toBeUndefined();
            for (const i of batch) counted.add(i);
            decide(k);
            if (d.recount) {
              // The recount counts every ballot stored that the stream has not (yet) counted; the stream's later delivery adds nothing.
              const record = await recountPeriod(h.recountDeps, s.period);
              expect(record).toMatchObject({ status: 'match', adopted: s.ballots.length - counted.size });
              for (const i of s.ballots.keys()) counted.add(i);
            }
            // A settled day the run read again is settled anew, with what changed in it; one it trusted stays as it was.
            const settled = () => new Map(h.counters.settledDays(s.period.periodId).map((d) => [d.day, JSON.stringify(d)]));
            const before = settled();
            await expectRecountsFigures();
            const after = settled();
            for (const [day, was] of before) coverage[after.get(day) === was ? 'settledUsed' : 'settledRead'] += 1;
          }
          // Then everything: the rest delivered late, every decision made, the lost ones adopted.
          clock = END;
          h.counters.setNow(clock);
          await countDelivery(counting({ ...h.catalog, ...h.counters.ports }), queue.map((i) => h.streamed[i]!));
          decide(Number.MAX_SAFE_INTEGER);
          for (const i of queue) counted.add(i);
          const checked = await recountPeriod(h.recountDeps, s.period);
          expect(checked).toMatchObject({ status: 'match', countersDiffering: 0, ballots: s.ballots.length, adopted: s.ballots.length - counted.size });
          for (const i of s.ballots.keys()) counted.add(i);
          await expectRecountsFigures();
          // A run after it reads no ballot of a settled day again: nothing touched them.
          const read = h.ballotsRead.length;
          await expectRecountsFigures();
          if (h.counters.settledDays(s.period.periodId).length > 0 && s.appeals.every((a) => a.status !== 'upheld')) {
            expect(h.ballotsRead.slice(read)).toEqual([0]);
          }
        },
      ),
      { numRuns: 100 },
    );
    // The property went through settled days both trusted and read again.
    expect(coverage.settledUsed).toBeGreaterThan(0);
    expect(coverage.settledRead).toBeGreaterThan(0);
  }, 180_000);

  it('the recount finds a counter changed by hand and repairs it, and the figures follow', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenario.filter((s) => s.ballots.some((b) => b.ok)),
        fc.constantFrom('n', 'b', 'l.satisfied', 'g.citizen.s'),
        fc.integer({ min: -3, max: 3 }).filter((n) => n !== 0),
        async (s, name, by) => {
          const inputs = tallyInputs({ appeals: s.appeals, batchReviews: s.batchReviews });
          const h = harness(s.period, s.ballots, inputs);
          await countDelivery(counting({ ...h.catalog, ...h.counters.ports }), h.streamed);
          const unitId = (await h.recountDeps.readCounters(s.period.periodId)).units.keys().next().value!;
          h.counters.tamper(s.period.periodId, unitId, name, by);

          const found = await recountPeriod(h.recountDeps, s.period);
          const again = await recountPeriod(h.recountDeps, s.period);

          expect(found).toMatchObject({ status: 'repaired', unitsDiffering: [unitId], countersDiffering: 1 });
          expect(again).toMatchObject({ status: 'match', countersDiffering: 0 });
          await runTally(h.tallyDeps);
          expect(byUnit(h.saved.at(-1)!.tallies)).toEqual(byUnit(tallyAll(s.period, s.ballots, inputs).tallies));
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  describe('a hot day still open, read while counting goes on', () => {
    // Five ballots from one phone on the morning of NOW's day: past the limit of two, the day is hot and not over.
    const period = aPeriodAdmitting({ openLimits: { perClientPerUnitPerDay: 2 } });
    const spec = (i: number): Spec => ({
      how: { kind: 'open', client: 'c0' },
      at: `2026-06-20T08:0${i}:00+08:00`,
      formId: 'window',
      version: 1,
      group: 'citizen',
      units: { 'tax-bureau': { overall: 'veryDissatisfied' } },
      valid: true,
    });
    const ballots = [0, 1, 2, 3, 4].map((i) => stored(spec(i), i));

    async function counted(first: number) {
      const h = harness(period, ballots, tallyInputs());
      await countDelivery(counting({ ...h.catalog, ...h.counters.ports }), h.streamed.slice(0, first));
      return h;
    }

    it('reads again when a ballot of a hot unit is counted between its counters and its references', async () => {
      const h = await counted(4);
      let states = 0;
      const readTallyState = h.tallyDeps.readTallyState;
      h.tallyDeps.readTallyState = async (periodId) => {
        states += 1;
        const state = await readTallyState(periodId);
        // The fifth is counted right after the first read of the counters, before the references are read.
        if (states === 1) await countDelivery(counting({ ...h.catalog, ...h.counters.ports }), h.streamed.slice(4));
        return state;
      };

      const [run] = await runTally(h.tallyDeps);

      expect(states).toBe(2);
      const recount = tallyAll(period, ballots, tallyInputs());
      expect(run).toEqual(recount.run);
      expect(byUnit(h.saved.at(-1)!.tallies)).toEqual(byUnit(recount.tallies));
      expect(run).toMatchObject({ ballots: 5, excluded: { flagged: 3 } });
    });

    it('gives up with CountingInProgressError when counting goes on at every read', async () => {
      const many = Array.from({ length: 10 }, (_, i) => stored(spec(i), i));
      const h = harness(period, many, tallyInputs());
      // Hot from the start: three are counted before the run reads, then one more after each read of the counters.
      await countDelivery(counting({ ...h.catalog, ...h.counters.ports }), h.streamed.slice(0, 3));
      let reads = 0;
      const readTallyState = h.tallyDeps.readTallyState;
      h.tallyDeps.readTallyState = async (periodId) => {
        reads += 1;
        const state = await readTallyState(periodId);
        await countDelivery(counting({ ...h.catalog, ...h.counters.ports }), h.streamed.slice(2 + reads, 3 + reads));
        return state;
      };

      await expect(runTally(h.tallyDeps)).rejects.toBeInstanceOf(CountingInProgressError);
      expect(reads).toBe(5);
    });
  });
});
