import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countDelivery, counting, type StreamedBallot } from '../../../../functions/domain/evaluation/counting';
import type { Period } from '../../../../functions/domain/evaluation/period';
import { recountPeriod } from '../../../../functions/domain/evaluation/recount';
import { runTally, type RunTallyDeps, type StoredBallot, type Tally, type TallyInputs } from '../../../../functions/domain/evaluation/tally';
import { NOW, VERSIONS, scenario, tallyAll } from '../../../fixtures/ballot-arbitraries';
import { tallyInputs } from '../../../fixtures/ballots';
import { memoryCounters, refOf } from '../../../fixtures/counters';

/**
 * The counters against a full recount (PeriodTally over every stored ballot at once), over the random
 * ballots of tally-review-properties.test.ts, delivered as the stream delivers them: in random batches, a
 * batch failing part way through (the counters' write failing before or after it took effect, an arrival or
 * a hot mark failing), the rest redelivered from the failed record on, whole batches delivered again, and
 * the tally run between deliveries. When everything has been delivered, the figures derived from the
 * counters are the recount's, to the last flagged batch, and the recount finds nothing to repair.
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

function harness(period: Period, ballots: readonly StoredBallot[], inputs: TallyInputs) {
  const counters = memoryCounters();
  const catalog = {
    getPeriod: async (id: string) => (id === period.periodId ? period : undefined),
    listGroups: async () => [...inputs.groups] as never,
    getFormVersion: async (formId: string, version: number) => VERSIONS.find((v) => v.formId === formId && v.version === version),
  };
  const streamed: StreamedBallot[] = ballots.map((ballot, i) => ({ periodId: period.periodId, ballotRef: refOf(ballot, `u.ballot${i}`), ballot }));
  const byRef = new Map(streamed.map((s) => [s.ballotRef, s.ballot]));
  const saved: { tallies: Tally[]; batches: unknown[]; run: unknown }[] = [];
  const tallyDeps: RunTallyDeps = {
    ...catalog,
    ...counters.ports,
    listPeriods: async () => [period],
    getTallyRun: async () => undefined,
    listAppeals: async () => [...inputs.appeals],
    listBatchReviews: async () => [...inputs.batchReviews],
    getBallots: async (_periodId, refs) => refs.flatMap((ref) => byRef.get(ref) ?? []),
    saveTallies: async (run, tallies, batches) => void saved.push({ run, tallies, batches }),
    now: () => NOW,
  };
  const recountDeps = {
    ...catalog,
    ...counters.ports,
    counting: { ...catalog, ...counters.ports },
    async *periodBallots() {
      yield* streamed;
    },
    now: () => NOW,
  };
  return { counters, catalog, streamed, tallyDeps, recountDeps, saved };
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
          const unitId = (await h.tallyDeps.readCounters(s.period.periodId)).units.keys().next().value!;
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
});
