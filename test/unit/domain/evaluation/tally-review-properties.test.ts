import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Admission, UnverifiedClaim } from '../../../../functions/domain/evaluation/admission';
import { cstDay } from '../../../../functions/domain/evaluation/client-key';
import type { FormVersion } from '../../../../functions/domain/evaluation/form';
import type { Period } from '../../../../functions/domain/evaluation/period';
import type { Appeal, BatchReview, FlaggedBatch } from '../../../../functions/domain/evaluation/review';
import { EXCLUSION_REASONS, PeriodTally, type StoredBallot, type Tally, type TallyInputs } from '../../../../functions/domain/evaluation/tally';
import { NO_LIMITS, aBatchReview, aPeriodAdmitting, anAppeal, clientKeyOf, tallyInputs } from '../../../fixtures/ballots';
import { STANDARD_GROUP_IDS, aFormVersion, aResponse, anAllUnitsContent } from '../../../fixtures/catalog';

/**
 * Properties of the tally over random mixes of ballots as they are stored: open ones (from a few clients, in
 * bursts, often with the same answers, so that the period's limits flag many of them), ballots through service
 * records and invitations (issued for a group or not), ballots claiming groups that count only through
 * invitations, and invalid ones (unreadable, unknown version, outside the period, a unit off the form,
 * answers off the scale); with appeals upheld, rejected or still open, and reviews of the flagged batches
 * (releases and exclusions, one or two decisions each, with random `upTo`).
 *
 * Reused and forged tokens are not among them: submitResponse answers those 409 or 403 and stores nothing,
 * so they never reach the tally (response.test.ts and the integration tests show that nothing is written).
 */

const ON_FORM = ['tax-bureau', 'service-centre'] as const;
const LEVELS = ['verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'veryDissatisfied', 'dontKnow'] as const;
const NOW = new Date('2026-06-20T09:00:00+08:00');

const VERSIONS: FormVersion[] = [aFormVersion({ formId: 'window' }), aFormVersion({ formId: 'annual', content: anAllUnitsContent() })];
const versionOf = (ballot: StoredBallot) =>
  ballot.ok ? VERSIONS.find((v) => v.formId === ballot.response.formId && v.version === ballot.response.version) : undefined;

// Bursts: a quarter of an hour from 10:00 CST, and another across midnight, by half minutes, so that windows
// and days are crossed and ballots often share an instant; and now and then a ballot later in the period.
const from = (start: string, halfMinutes: number) =>
  fc.integer({ min: 0, max: halfMinutes }).map((h) => new Date(Date.parse(start) + h * 30_000).toISOString());
const moment = fc.oneof(from('2026-06-15T10:00:00+08:00', 30), from('2026-06-15T23:55:00+08:00', 30), from('2026-06-20T00:00:00+08:00', 2 * 24 * 60));

/** How a ballot came in, before it has a reference. */
type How = { kind: 'open'; client: string } | { kind: 'serviceRecord' } | { kind: 'invitation'; groupId?: string };
const how: fc.Arbitrary<How> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('c0', 'c1', 'c2', 'c3').map((client): How => ({ kind: 'open', client })) },
  fc.constant<How>({ kind: 'serviceRecord' }),
  fc.option(fc.constantFrom(...STANDARD_GROUP_IDS), { nil: undefined }).map((groupId): How => ({ kind: 'invitation', ...(groupId ? { groupId } : {}) })),
);

/** A generated ballot: what it says, and whether it passes every check before the review state's. */
interface Spec {
  how: How;
  at: string;
  formId: string;
  version: number;
  group: string;
  units: Record<string, Record<string, unknown>>;
  valid: boolean;
  unreadable?: string[];
}

// Few distinct answers, mostly the same ones, so that identical answers are common.
const level = fc.oneof({ weight: 4, arbitrary: fc.constant('veryDissatisfied') }, fc.constantFrom(...LEVELS));
const claimed = fc.oneof({ weight: 4, arbitrary: fc.constant('citizen') }, fc.constantFrom(...STANDARD_GROUP_IDS));
const four = (l: readonly string[]) => ({ evaluation: { attitude: l[0], efficiency: l[1], integrity: l[2], policy: l[3] } });

const validSpec: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({ how, at: moment, group: claimed, unit: fc.constantFrom(...ON_FORM), l: level }).map(
    ({ unit, l, ...rest }): Spec => ({ ...rest, formId: 'window', version: 1, units: { [unit]: { overall: l } }, valid: true }),
  ),
  fc.record({ how, at: moment, group: claimed, l: fc.array(level, { minLength: 8, maxLength: 8 }) }).map(
    ({ l, ...rest }): Spec => ({ ...rest, formId: 'annual', version: 1, units: { 'tax-bureau': four(l), 'service-centre': four(l.slice(4)) }, valid: true }),
  ),
);

const invalidSpec: fc.Arbitrary<Spec> = fc
  .record({
    how,
    at: moment,
    group: fc.constantFrom(...STANDARD_GROUP_IDS),
    unit: fc.constantFrom(...ON_FORM),
    fault: fc.constantFrom('unreadable', 'unknownVersion', 'outsidePeriod', 'offForm', 'offScale'),
  })
  .map(({ unit, fault, ...rest }): Spec => {
    const base: Spec = { ...rest, formId: 'window', version: 1, units: { [unit]: { overall: 'satisfied' } }, valid: false };
    switch (fault) {
      case 'unreadable':
        return { ...base, unreadable: [unit, 'nowhere'] };
      case 'unknownVersion':
        return { ...base, version: 9 };
      case 'outsidePeriod':
        return { ...base, at: '2025-12-01T00:00:00.000Z' };
      case 'offForm':
        return { ...base, units: { nowhere: { overall: 'satisfied' } } };
      default:
        return { ...base, units: { [unit]: { overall: 'excellent' } } };
    }
  });

/** The stored ballot of the i-th spec: its reference is its key, so it is unique. */
function stored(spec: Spec, i: number): StoredBallot {
  if (spec.unreadable) return { ok: false, unitIds: spec.unreadable };
  const admission: Admission =
    spec.how.kind === 'open' ? { kind: 'open', day: cstDay(new Date(spec.at)), clientKey: clientKeyOf(spec.how.client) } : spec.how.kind === 'invitation' ? { kind: 'invitation', batchId: 'invites1', ...(spec.how.groupId ? { groupId: spec.how.groupId } : {}) } : { kind: 'serviceRecord' };
  const prefix = { open: 'o', invitation: 'i', serviceRecord: 'r' }[spec.how.kind];
  // An invitation issued for a group makes the ballot that group's (response.ts).
  const group = spec.how.kind === 'invitation' && spec.how.groupId ? spec.how.groupId : spec.group;
  return {
    ok: true,
    response: aResponse({
      ballotRef: `${prefix}.ballot${i}`,
      formId: spec.formId,
      version: spec.version,
      group,
      answers: { group: spec.group },
      units: spec.units as never,
      submittedAt: spec.at,
      admission,
    }),
  };
}

function tallyAll(period: Period, ballots: readonly StoredBallot[], inputs: TallyInputs) {
  const tally = new PeriodTally(period, inputs);
  for (const ballot of ballots) tally.add(ballot, versionOf(ballot));
  return tally.result(NOW);
}

/** A period with random small limits (so that flags are common) and a random rule for unverified claims. */
const periodArb = fc
  .record({
    perClientPerUnitPerDay: fc.integer({ min: 1, max: 3 }),
    burstWindowMinutes: fc.constantFrom(1, 7, 10, 30),
    burstPerUnit: fc.integer({ min: 1, max: 12 }),
    identicalPerUnit: fc.integer({ min: 1, max: 3 }),
    rule: fc.constantFrom<UnverifiedClaim>({ action: 'exclude' }, { action: 'countAs', groupId: 'citizen' }),
  })
  .map(({ rule, ...openLimits }) => aPeriodAdmitting({ openLimits, unverifiedClaim: rule }));

/** Decisions on a batch: one or two, upTo from a minute before its first ballot to a minute after its last, in order. */
const decisionsFor = (batch: FlaggedBatch) =>
  fc
    .uniqueArray(fc.integer({ min: Date.parse(batch.firstAt) - 60_000, max: Date.parse(batch.lastAt) + 60_000 }), { minLength: 1, maxLength: 2 })
    .chain((upTos) => fc.array(fc.constantFrom('release' as const, 'exclude' as const), { minLength: upTos.length, maxLength: upTos.length }).map((actions) => ({ upTos, actions })))
    .map(({ upTos, actions }): BatchReview =>
      aBatchReview(
        batch.batchId,
        [...upTos].sort((a, b) => a - b).map((t, i): ['release' | 'exclude', string] => [actions[i]!, new Date(t).toISOString()]),
        batch.unitId,
      ),
    );

/** A period, its ballots with their specs, and the appeals and reviews decided on them. */
const scenario = fc
  .record({ period: periodArb, specs: fc.array(fc.oneof({ weight: 4, arbitrary: validSpec }, { weight: 1, arbitrary: invalidSpec }), { maxLength: 60, size: 'medium' }) })
  .chain(({ period, specs }) => {
    const ballots = specs.map(stored);
    // The batches are the tally's to find: the reviews are made on those the tally flags without any.
    const batches = tallyAll(period, ballots, tallyInputs()).batches;
    const appealable = ballots.flatMap((b) => (b.ok ? Object.keys(b.response.units).map((unitId) => ({ ballotRef: b.response.ballotRef, unitId })) : []));
    return fc.record({
      period: fc.constant(period),
      specs: fc.constant(specs),
      ballots: fc.constant(ballots),
      batches: fc.constant(batches),
      batchReviews: fc.subarray(batches).chain((chosen) => fc.tuple(...chosen.map(decisionsFor))),
      appeals: fc
        .subarray(appealable)
        .chain((chosen) =>
          fc.tuple(...chosen.map((a) => fc.constantFrom<Appeal['status']>('upheld', 'rejected', 'open').map((status) => anAppeal(a.ballotRef, status, a.unitId)))),
        ),
    });
  });

const sum = (counts: Partial<Record<string, number>>) => Object.values(counts).reduce<number>((a, n) => a + (n ?? 0), 0);

/** Tallies by unit, numbers to 1e-9: sums of non-integer scores in another order differ in the last bits only. */
function comparable(tallies: Tally[]): unknown {
  const round = (value: unknown): unknown => {
    if (typeof value === 'number') return Math.round(value * 1e9) / 1e9;
    if (Array.isArray(value)) return value.map(round);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, round(v)]));
    return value;
  };
  return round([...tallies].sort((a, b) => a.unitId.localeCompare(b.unitId)));
}

describe('PeriodTally with flags, reviews, appeals and unverified groups (properties)', () => {
  it('accounts for every stored ballot of a unit: ballots = N + 不了解 + Σ excluded, and each batch for its ballots', () => {
    fc.assert(
      fc.property(scenario, ({ period, ballots, batchReviews, appeals }) => {
        const { run, tallies, batches } = tallyAll(period, ballots, tallyInputs({ appeals, batchReviews }));

        expect(run.ballots).toBe(ballots.length);
        for (const t of tallies) {
          expect(Object.keys(t.excluded).every((r) => (EXCLUSION_REASONS as readonly string[]).includes(r))).toBe(true);
          expect(t.ballots).toBe(t.n + t.dontKnow + sum(t.excluded));
          const own = batches.filter((b) => b.unitId === t.unitId);
          expect(sum(Object.fromEntries(own.map((b) => [b.batchId, b.pending])))).toBe(t.excluded.flagged ?? 0);
          expect(sum(Object.fromEntries(own.map((b) => [b.batchId, b.excluded])))).toBe(t.excluded.excludedOnReview ?? 0);
        }
        for (const b of batches) expect(b.ballots).toBe(b.pending + b.released + b.excluded);
        expect(run.flaggedPending).toBe(sum(Object.fromEntries(batches.map((b) => [b.batchId, b.pending]))));
      }),
    );
  });

  it('excludes for its unit exactly the valid ballots whose appeal was upheld', () => {
    fc.assert(
      fc.property(scenario, ({ period, specs, ballots, batchReviews, appeals }) => {
        const { tallies } = tallyAll(period, ballots, tallyInputs({ appeals, batchReviews }));

        const valid = new Set(ballots.flatMap((b, i) => (b.ok && specs[i]!.valid ? [b.response.ballotRef] : [])));
        for (const t of tallies) {
          const upheld = appeals.filter((a) => a.unitId === t.unitId && a.status === 'upheld' && valid.has(a.ballotRef));
          expect(t.excluded.appealUpheld ?? 0).toBe(upheld.length);
        }
      }),
    );
  });

  it('flags no ballot that came with a token', () => {
    fc.assert(
      fc.property(scenario, ({ period, ballots, appeals }) => {
        const tokenized = ballots.map((b): StoredBallot => (b.ok ? { ok: true, response: { ...b.response, admission: { kind: 'serviceRecord' } } } : b));

        const { run, tallies, batches } = tallyAll(period, tokenized, tallyInputs({ appeals }));

        expect(batches).toEqual([]);
        expect(run.flaggedPending).toBe(0);
        for (const t of tallies) expect([t.excluded.flagged, t.excluded.excludedOnReview]).toEqual([undefined, undefined]);
      }),
    );
  });

  it('gives deputies and appointed supervisors weight only through invitations issued for their group', () => {
    fc.assert(
      fc.property(scenario, ({ period, ballots, batchReviews, appeals }) => {
        const { tallies } = tallyAll(period, ballots, tallyInputs({ appeals, batchReviews }));

        for (const t of tallies) {
          for (const group of ['deputy', 'appointed-supervisor']) {
            const invited = ballots.filter(
              (b) => b.ok && b.response.admission.kind === 'invitation' && b.response.admission.groupId === group && Object.hasOwn(b.response.units, t.unitId),
            ).length;
            expect(t.groupScores[group]?.n ?? 0).toBeLessThanOrEqual(invited);
          }
          if (period.admission.unverifiedClaim.action === 'countAs') expect(t.excluded.unverifiedGroup).toBeUndefined();
        }
      }),
    );
  });

  it('gives the same figures and batches whatever order the ballots are read in', () => {
    const shuffled = scenario.chain((s) => fc.shuffledSubarray(s.ballots, { minLength: s.ballots.length, maxLength: s.ballots.length }).map((order) => ({ ...s, order })));
    fc.assert(
      fc.property(shuffled, ({ period, ballots, order, batchReviews, appeals }) => {
        const inputs = tallyInputs({ appeals, batchReviews });

        const inOrder = tallyAll(period, ballots, inputs);
        const reordered = tallyAll(period, order, inputs);

        expect(reordered.run).toEqual(inOrder.run);
        expect(reordered.batches).toEqual(inOrder.batches);
        expect(comparable(reordered.tallies)).toEqual(comparable(inOrder.tallies));
      }),
    );
  });

  it('counts released ballots exactly as it would had they never been flagged', () => {
    fc.assert(
      fc.property(scenario, ({ period, ballots, batches, appeals }) => {
        const releaseAll = batches.map((b) => aBatchReview(b.batchId, [['release', '2027-01-01T00:00:00+08:00']], b.unitId));
        const noLimits = { ...period, admission: { ...period.admission, openLimits: NO_LIMITS } };

        const released = tallyAll(period, ballots, tallyInputs({ appeals, batchReviews: releaseAll }));
        const unflagged = tallyAll(noLimits, ballots, tallyInputs({ appeals }));

        expect(comparable(released.tallies)).toEqual(comparable(unflagged.tallies));
        expect(released.run.flaggedPending).toBe(0);
      }),
    );
  });
});
