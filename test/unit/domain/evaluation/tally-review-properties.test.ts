import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXCLUSION_REASONS, type StoredBallot, type Tally } from '../../../../functions/domain/evaluation/tally';
import { NO_LIMITS, aBatchReview, tallyInputs } from '../../../fixtures/ballots';
import { scenario, tallyAll } from '../../../fixtures/ballot-arbitraries';

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
