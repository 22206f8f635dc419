import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PeriodTally, unitDay, type ExclusionReason, type StoredBallot, type TallyInputs } from '../../../../functions/domain/evaluation/tally';
import type { Period } from '../../../../functions/domain/evaluation/period';
import { tallyInputs } from '../../../fixtures/ballots';
import { NOW, scenario, tallyAll, versionOf } from '../../../fixtures/ballot-arbitraries';

/**
 * PeriodTally's `hot` and `onPart` options, which the raw export reads its column of exclusions from
 * (response-export.ts): told the unit days where a limit was passed, it settles every other open ballot as it
 * is added and gives the same figures; and what it tells of each part is what the figures count.
 */

type Verdict = { index: number; unitId: string; reason: ExclusionReason | undefined };

function tallyTelling(period: Period, ballots: readonly StoredBallot[], inputs: TallyInputs, hot?: ReadonlySet<string>) {
  const told: Verdict[] = [];
  const tally = new PeriodTally(period, inputs, { ...(hot ? { hot } : {}), onPart: (index, unitId, reason) => told.push({ index, unitId, reason }) });
  // The verdicts on each ballot told while it was added.
  const onAdd = ballots.map((ballot, index) => {
    const before = told.length;
    tally.add(ballot, versionOf(ballot));
    return told.slice(before).filter((v) => v.index === index).length;
  });
  return { result: tally.result(NOW), told, onAdd };
}

/** The unit days where the full tally flagged a part: those the counters mark hot (and no more). */
const hotOf = (batches: { unitId: string; bucket: string }[]) => new Set(batches.map((b) => unitDay(b.unitId, b.bucket.slice(0, 10))));

/** Tallies in unit order (units come in the order their first part was settled). */
const byUnit = <T extends { unitId: string }>(tallies: T[]) => [...tallies].sort((a, b) => a.unitId.localeCompare(b.unitId));

const unitsOf = (ballot: StoredBallot) => (ballot.ok ? Object.keys(ballot.response.units) : ballot.unitIds);

describe('PeriodTally told the hot unit days, telling each part (properties)', () => {
  it('gives the figures and batches of the full tally, and tells one verdict per part that add up to them', () => {
    fc.assert(
      fc.property(scenario, ({ period, ballots, batchReviews, appeals }) => {
        const inputs = tallyInputs({ appeals, batchReviews });
        const full = tallyAll(period, ballots, inputs);

        const { result, told } = tallyTelling(period, ballots, inputs, hotOf(full.batches));

        expect(byUnit(result.tallies)).toEqual(byUnit(full.tallies));
        expect(result.batches).toEqual(full.batches);
        expect(result.run).toEqual(full.run);
        // One verdict per unit a ballot names ('' for a ballot naming none), each told once.
        const expected = ballots.flatMap((b, index) => (unitsOf(b).length > 0 ? unitsOf(b) : ['']).map((unitId) => `${index}\n${unitId}`));
        expect(told.map((v) => `${v.index}\n${v.unitId}`).sort()).toEqual(expected.sort());
        for (const t of result.tallies) {
          const excluded: Partial<Record<ExclusionReason, number>> = {};
          for (const v of told) if (v.unitId === t.unitId && v.reason) excluded[v.reason] = (excluded[v.reason] ?? 0) + 1;
          expect(excluded).toEqual(t.excluded);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('settles a ballot as it is added unless it is open and rates a unit on a hot unit day', () => {
    fc.assert(
      fc.property(scenario, ({ period, ballots, batchReviews, appeals }) => {
        const inputs = tallyInputs({ appeals, batchReviews });
        const hot = hotOf(tallyAll(period, ballots, inputs).batches);

        const { onAdd } = tallyTelling(period, ballots, inputs, hot);

        ballots.forEach((ballot, index) => {
          const r = ballot.ok ? ballot.response : undefined;
          const day = r?.admission.kind === 'open' ? r.admission.day : undefined;
          const waits = day !== undefined && Object.keys(r!.units).some((u) => hot.has(unitDay(u, day)));
          if (!waits) expect(onAdd[index]).toBe(Math.max(unitsOf(ballot).length, 1));
        });
      }),
      { numRuns: 50 },
    );
  });
});
