import { describe, expect, it } from 'vitest';
import { needsTally, runTally, tallyUnit, type Ballot, type RunTallyDeps, type Tally, type TallyRun } from '../../../functions/domain/tally';
import { aForm, aPeriod, DURING_PERIOD } from '../../fixtures/catalog';

const ballots = (spec: [Ballot['rating'], Ballot['group'], number][]): Ballot[] =>
  spec.flatMap(([rating, group, times]) => Array.from({ length: times }, () => ({ rating, group })));

describe('tallyUnit', () => {
  it('counts each level, keeps 不了解 out of N and computes 满意率 over valid ratings', () => {
    // prepare: 4 satisfied-side, 2 bad reviews, 3 don't-know
    const input = ballots([
      ['verySatisfied', 'citizen', 2],
      ['satisfied', 'citizen', 1],
      ['basicallySatisfied', 'citizen', 1],
      ['dissatisfied', 'citizen', 1],
      ['veryDissatisfied', 'citizen', 1],
      ['dontKnow', 'citizen', 3],
    ]);

    // act
    const tally = tallyUnit('tax-bureau', input, aForm(), aPeriod(), DURING_PERIOD);

    // assert
    expect(tally.counts).toEqual({
      verySatisfied: 2,
      satisfied: 1,
      basicallySatisfied: 1,
      dissatisfied: 1,
      veryDissatisfied: 1,
    });
    expect(tally.dontKnow).toBe(3);
    expect(tally.n).toBe(6);
    expect(tally.satisfactionRate).toBeCloseTo(4 / 6, 12);
    expect(tally.badReviews).toBe(2);
  });

  it('scores a group as Σ points × count / N_g with the default 100/80/60/0/0 points', () => {
    const input = ballots([
      ['verySatisfied', 'citizen', 1],
      ['satisfied', 'citizen', 1],
      ['basicallySatisfied', 'citizen', 1],
      ['veryDissatisfied', 'citizen', 1],
    ]);

    const tally = tallyUnit('tax-bureau', input, aForm(), aPeriod(), DURING_PERIOD);

    expect(tally.groupScores.citizen).toEqual({ n: 4, score: (100 + 80 + 60 + 0) / 4 });
  });

  it('weighs group results, never raw ballots, for the composite score', () => {
    // 9 citizens all very satisfied (S=100), 1 enterprise very dissatisfied (S=0); weights 0.5 / 0.5
    const period = aPeriod({ groupWeights: { citizen: 0.5, enterprise: 0.5 } });
    const input = ballots([
      ['verySatisfied', 'citizen', 9],
      ['veryDissatisfied', 'enterprise', 1],
    ]);

    const tally = tallyUnit('tax-bureau', input, aForm(), period, DURING_PERIOD);

    expect(tally.compositeScore).toBeCloseTo(50, 12); // a raw-ballot mean would say 90
    expect(tally.weightCoverage).toBe(1);
  });

  it('rescales the weights of the groups present and reports their coverage', () => {
    const period = aPeriod({ groupWeights: { citizen: 0.6, enterprise: 0.4 } });
    const input = ballots([['satisfied', 'citizen', 2]]);

    const tally = tallyUnit('tax-bureau', input, aForm(), period, DURING_PERIOD);

    expect(tally.compositeScore).toBeCloseTo(80, 12);
    expect(tally.weightCoverage).toBeCloseTo(0.6, 12);
  });

  it('uses the three-level points 100/60/0 on a three-level form', () => {
    const input = ballots([
      ['satisfied', 'citizen', 1],
      ['basicallySatisfied', 'citizen', 1],
      ['dissatisfied', 'citizen', 1],
    ]);

    const tally = tallyUnit('tax-bureau', input, aForm({ scale: 'three' }), aPeriod(), DURING_PERIOD);

    expect(tally.counts).toEqual({ satisfied: 1, basicallySatisfied: 1, dissatisfied: 1 });
    expect(tally.groupScores.citizen?.score).toBeCloseTo(160 / 3, 12);
    expect(tally.satisfactionRate).toBeCloseTo(2 / 3, 12);
    expect(tally.badReviews).toBe(1);
  });

  it('has no rate, interval or score for a unit without valid ratings, and flags the sample', () => {
    const tally = tallyUnit('tax-bureau', ballots([['dontKnow', 'citizen', 2]]), aForm(), aPeriod(), DURING_PERIOD);

    expect(tally.n).toBe(0);
    expect(tally.satisfactionRate).toBeNull();
    expect(tally.satisfactionInterval).toBeNull();
    expect(tally.compositeScore).toBeNull();
    expect(tally.insufficientSample).toBe(true);
  });

  it('flags a sample below the period minimum and not one at it', () => {
    const period = aPeriod({ minSample: 3 });

    const below = tallyUnit('u', ballots([['satisfied', 'citizen', 2]]), aForm(), period, DURING_PERIOD);
    const at = tallyUnit('u', ballots([['satisfied', 'citizen', 3]]), aForm(), period, DURING_PERIOD);

    expect(below.insufficientSample).toBe(true);
    expect(at.insufficientSample).toBe(false);
  });

  it('gives every rate its 95% Wilson interval', () => {
    const tally = tallyUnit('u', ballots([['satisfied', 'citizen', 8], ['dissatisfied', 'citizen', 2]]), aForm(), aPeriod(), DURING_PERIOD);

    expect(tally.satisfactionInterval?.low).toBeCloseTo(0.4902, 4);
    expect(tally.satisfactionInterval?.high).toBeCloseTo(0.9433, 4);
  });
});

describe('needsTally', () => {
  const period = aPeriod();
  const run = (computedAt: string): TallyRun => ({ periodId: period.periodId, computedAt, units: 1, ballots: 1 });

  it('tallies an open period every time', () => {
    expect(needsTally(period, run('2026-06-15T01:00:00Z'), DURING_PERIOD)).toBe(true);
  });

  it('does not tally a period that has not opened', () => {
    expect(needsTally(period, undefined, new Date('2025-12-31T00:00:00+08:00'))).toBe(false);
  });

  it('tallies an ended period once more after it closed, then stops', () => {
    const after = new Date('2027-01-03T00:00:00+08:00');
    expect(needsTally(period, run('2026-12-31T15:00:00Z'), after)).toBe(true);
    expect(needsTally(period, run('2027-01-02T00:00:00Z'), after)).toBe(false);
  });
});

describe('runTally', () => {
  it('tallies every unit of each form that needs it and records the run', async () => {
    // prepare
    const saved: { run: TallyRun; tallies: Tally[] }[] = [];
    const deps: RunTallyDeps = {
      listForms: async () => [aForm({ unitIds: ['tax-bureau', 'service-centre'] })],
      getPeriod: async () => aPeriod(),
      getTallyRun: async () => undefined,
      async *unitBallots(_periodId, unitId) {
        if (unitId === 'tax-bureau') yield* ballots([['dissatisfied', 'citizen', 2]]);
      },
      saveTallies: async (run, tallies) => void saved.push({ run, tallies }),
      now: () => DURING_PERIOD,
    };

    // act
    const runs = await runTally(deps);

    // assert
    expect(runs).toEqual([{ periodId: '2026-annual', computedAt: DURING_PERIOD.toISOString(), units: 2, ballots: 2 }]);
    expect(saved[0]?.tallies.map((t) => [t.unitId, t.n, t.counts.dissatisfied])).toEqual([
      ['tax-bureau', 2, 2],
      ['service-centre', 0, 0],
    ]);
  });

  it('skips a form whose period is missing or not yet open', async () => {
    const saveCalls: unknown[] = [];
    const deps: RunTallyDeps = {
      listForms: async () => [aForm({ formId: 'a', periodId: 'gone' }), aForm({ formId: 'b' })],
      getPeriod: async (id) => (id === 'gone' ? undefined : aPeriod({ opensAt: '2030-01-01T00:00:00+08:00', closesAt: '2031-01-01T00:00:00+08:00' })),
      getTallyRun: async () => undefined,
      async *unitBallots() {},
      saveTallies: async (run) => void saveCalls.push(run),
      now: () => DURING_PERIOD,
    };

    expect(await runTally(deps)).toEqual([]);
    expect(saveCalls).toEqual([]);
  });
});

describe('runTally with two forms in one period', () => {
  it('stores one run for the period, tallying a unit both forms list once', async () => {
    const saved: { run: TallyRun; tallies: Tally[] }[] = [];
    const deps: RunTallyDeps = {
      listForms: async () => [
        aForm({ formId: 'citizens', unitIds: ['tax-bureau', 'service-centre'] }),
        aForm({ formId: 'enterprises', unitIds: ['tax-bureau', 'market-branch'] }),
      ],
      getPeriod: async () => aPeriod(),
      getTallyRun: async () => undefined,
      async *unitBallots() {
        yield { rating: 'satisfied', group: 'citizen' } as Ballot;
      },
      saveTallies: async (run, tallies) => void saved.push({ run, tallies }),
      now: () => DURING_PERIOD,
    };

    await runTally(deps);

    expect(saved).toHaveLength(1);
    expect(saved[0]?.run).toMatchObject({ units: 3, ballots: 3 });
    expect(saved[0]?.tallies.map((t) => t.unitId)).toEqual(['tax-bureau', 'service-centre', 'market-branch']);
  });
});
