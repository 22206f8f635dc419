import { describe, expect, it } from 'vitest';
import type { FormVersion } from '../../../../functions/domain/evaluation/form';
import type { Period } from '../../../../functions/domain/evaluation/period';
import type { Response } from '../../../../functions/domain/evaluation/response';
import type { Appeal, BatchReview, FlaggedBatch } from '../../../../functions/domain/evaluation/review';
import {
  PeriodTally,
  needsTally,
  reviewDecisions,
  runTally,
  type RunTallyDeps,
  type StoredBallot,
  type Tally,
  type TallyRun,
} from '../../../../functions/domain/evaluation/tally';
import { counting } from '../../../../functions/domain/evaluation/counting';
import { memoryCounters, refOf } from '../../../fixtures/counters';
import { aBatchReview, anAppeal, anOpenBallot, aServiceRecordBallot, tallyInputs } from '../../../fixtures/ballots';
import {
  aDimensionsQuestion,
  aFormContent,
  aFormVersion,
  aGroupQuestion,
  aPeriod,
  aRatingQuestion,
  aTallyRun,
  anAllUnitsContent,
  DURING_PERIOD,
  someGroups,
} from '../../../fixtures/catalog';

const NOW = new Date('2026-06-20T09:00:00+08:00');

/** The dimensions of aDimensionsQuestion(): attitude 0.3, efficiency 0.3, integrity 0.2, policy 0.2. */
const ANNUAL_DIMENSIONS = (() => {
  const q = aDimensionsQuestion();
  return q.type === 'dimensions' ? q.dimensions : [];
})();

/**
 * Counting, scores and the exclusions of invalid ballots, over tokenized ballots (service records), which are
 * never flagged; tally-review.test.ts has what open ballots, reviews, appeals and unverified groups change.
 */

/** A ballot of aFormVersion() rating tax-bureau `level`, from `group`. */
const rating = (level: string, group = 'citizen', overrides: Partial<Response> = {}): StoredBallot =>
  aServiceRecordBallot({ group, answers: { group }, units: { 'tax-bureau': { overall: level } }, ...overrides });

/** Ratings of the four dimensions of anAllUnitsContent(): attitude, efficiency, integrity, policy. */
const four = (attitude: string, efficiency: string, integrity: string, policy: string) => ({
  evaluation: { attitude, efficiency, integrity, policy },
});

/** A ballot of the all-units form rating tax-bureau on four dimensions (service-centre: 不了解 throughout). */
const annual = (group: string, taxBureau: ReturnType<typeof four>): StoredBallot =>
  aServiceRecordBallot({
    group,
    answers: { group },
    units: { 'tax-bureau': taxBureau, 'service-centre': four('dontKnow', 'dontKnow', 'dontKnow', 'dontKnow') },
  });

/** Tallies the ballots, each read on the version given with it (default: aFormVersion()). */
function tally(ballots: readonly (StoredBallot | [StoredBallot, FormVersion | undefined])[], period: Period = aPeriod()) {
  const periodTally = new PeriodTally(period, tallyInputs());
  for (const entry of ballots) {
    const [ballot, version] = Array.isArray(entry) ? entry : [entry, aFormVersion()];
    periodTally.add(ballot, version);
  }
  return periodTally.result(NOW);
}

const tallyOf = (result: { tallies: Tally[] }, unitId: string): Tally => {
  const found = result.tallies.find((t) => t.unitId === unitId);
  if (!found) throw new Error(`no tally of ${unitId}`);
  return found;
};

const close = (x: number) => expect.closeTo(x, 6);

describe('PeriodTally on a one-rating form', () => {
  // 7 ballots for tax-bureau. Citizens: 非常满意 ×2, 满意, 不满意, 不了解; enterprises: 基本满意, 非常不满意.
  const ballots = [
    rating('verySatisfied'),
    rating('verySatisfied'),
    rating('satisfied'),
    rating('dissatisfied'),
    rating('dontKnow'),
    rating('basicallySatisfied', 'enterprise'),
    rating('veryDissatisfied', 'enterprise'),
  ];

  it('counts each level and keeps 不了解 out of N', () => {
    const result = tally(ballots);

    expect(tallyOf(result, 'tax-bureau')).toMatchObject({
      ballots: 7,
      excluded: {},
      n: 6,
      dontKnow: 1,
      ratings: 6,
      counts: { verySatisfied: 2, satisfied: 1, basicallySatisfied: 1, dissatisfied: 1, veryDissatisfied: 1 },
      badReviews: 2,
    });
  });

  it('gives 满意率 over valid ratings with its 95% Wilson interval', () => {
    // 4 satisfied of 6: Wilson 95% interval 0.3000 to 0.9032.
    const result = tally(ballots);

    const t = tallyOf(result, 'tax-bureau');
    expect(t.satisfactionRate).toBeCloseTo(4 / 6, 12);
    expect(t.satisfactionInterval?.low).toBeCloseTo(0.3, 4);
    expect(t.satisfactionInterval?.high).toBeCloseTo(0.9032, 4);
  });

  it('scores each group as Σ points × count / N_g and weighs the groups present, reporting their coverage', () => {
    // citizens (100 + 100 + 80 + 0) / 4 = 70; enterprises (60 + 0) / 2 = 30.
    // Weights citizen 0.5, enterprise 0.3; deputies and supervisors gave no ballot: coverage 0.8,
    // S = (0.5 × 70 + 0.3 × 30) / 0.8 = 55 (a mean of raw ballots would say 340 / 6 = 56.67).
    const result = tally(ballots);

    const t = tallyOf(result, 'tax-bureau');
    expect(t.groupScores).toEqual({ citizen: { n: 4, score: 70 }, enterprise: { n: 2, score: 30 } });
    expect(t.compositeScore).toBeCloseTo(55, 10);
    expect(t.weightCoverage).toBeCloseTo(0.8, 10);
  });

  it('reports the rating question as the one dimension, with its own score', () => {
    const result = tally(ballots);

    expect(tallyOf(result, 'tax-bureau').dimensions).toEqual([
      {
        dimensionId: 'overall',
        label: { 'zh-CN': '总体评价', en: 'Overall' },
        n: 6,
        dontKnow: 1,
        counts: { verySatisfied: 2, satisfied: 1, basicallySatisfied: 1, dissatisfied: 1, veryDissatisfied: 1 },
        satisfactionRate: close(4 / 6),
        satisfactionInterval: { low: close(0.299993315138392), high: close(0.9032285888942195) },
        score: close(340 / 6),
        groupScores: { citizen: { n: 4, score: 70 }, enterprise: { n: 2, score: 30 } },
      },
    ]);
  });

  it('leaves a group the period does not weigh out of the composite score', () => {
    const period = aPeriod({ groupWeights: { citizen: 1 } });
    const version = aFormVersion({ content: aFormContent({ questions: [aRatingQuestion(), aGroupQuestion(['citizen', 'tourist'])] }) });

    const result = tally(
      [
        [rating('verySatisfied'), version],
        [rating('veryDissatisfied', 'tourist'), version],
      ],
      period,
    );

    const t = tallyOf(result, 'tax-bureau');
    expect(t.groupScores.tourist).toEqual({ n: 1, score: 0 });
    expect(t.compositeScore).toBe(100);
    expect(t.weightCoverage).toBe(1);
  });

  it('has no rate, interval or score for a unit answered only 不了解', () => {
    const result = tally([rating('dontKnow'), rating('dontKnow')]);

    expect(tallyOf(result, 'tax-bureau')).toMatchObject({
      ballots: 2,
      n: 0,
      dontKnow: 2,
      ratings: 0,
      satisfactionRate: null,
      satisfactionInterval: null,
      compositeScore: null,
      weightCoverage: 0,
      insufficientSample: true,
    });
  });
});

describe('PeriodTally on a four-dimension form', () => {
  const version = aFormVersion({ content: anAllUnitsContent() });
  // Weights: attitude 0.3, efficiency 0.3, integrity 0.2, policy 0.2.
  const ballots: [StoredBallot, FormVersion][] = [
    // scores 100
    [annual('citizen', four('verySatisfied', 'verySatisfied', 'verySatisfied', 'verySatisfied')), version],
    // integrity 不了解: (0.3 × 80 + 0.3 × 60 + 0.2 × 0) / 0.8 = 52.5
    [annual('citizen', four('satisfied', 'basicallySatisfied', 'dontKnow', 'dissatisfied')), version],
    // 不了解 throughout: out of N
    [annual('citizen', four('dontKnow', 'dontKnow', 'dontKnow', 'dontKnow')), version],
    // 0.3 × 0 + 0.3 × 80 + 0.2 × 100 + 0.2 × 80 = 60
    [annual('enterprise', four('veryDissatisfied', 'satisfied', 'verySatisfied', 'satisfied')), version],
  ];

  it('counts N as the ballots with at least one valid rating, and ballots answering 不了解 throughout apart', () => {
    const result = tally(ballots);

    expect(tallyOf(result, 'tax-bureau')).toMatchObject({
      ballots: 4,
      n: 3,
      dontKnow: 1,
      ratings: 11,
      counts: { verySatisfied: 5, satisfied: 3, basicallySatisfied: 1, dissatisfied: 1, veryDissatisfied: 1 },
      badReviews: 2,
    });
    expect(tallyOf(result, 'service-centre')).toMatchObject({ ballots: 4, n: 0, dontKnow: 4, ratings: 0, compositeScore: null });
  });

  it('pools 满意率 over the ratings, with N as the sample size of its interval', () => {
    // 9 of 11 ratings satisfied; the interval treats the 3 responses, not the 11 ratings, as trials.
    const result = tally(ballots);

    const t = tallyOf(result, 'tax-bureau');
    expect(t.satisfactionRate).toBeCloseTo(9 / 11, 12);
    expect(t.satisfactionInterval?.low).toBeCloseTo(0.2997, 4);
    expect(t.satisfactionInterval?.high).toBeCloseTo(0.9793, 4);
  });

  it('rescales the weights of a ballot that answered one dimension 不了解, for that ballot only', () => {
    // citizens: (100 + 52.5) / 2 = 76.25; enterprises: 60; S = (0.5 × 76.25 + 0.3 × 60) / 0.8 = 70.15625
    const result = tally(ballots);

    const t = tallyOf(result, 'tax-bureau');
    expect(t.groupScores).toEqual({ citizen: { n: 2, score: close(76.25) }, enterprise: { n: 1, score: close(60) } });
    expect(t.compositeScore).toBeCloseTo(70.15625, 10);
    expect(t.weightCoverage).toBeCloseTo(0.8, 10);
  });

  it('gives each dimension its own N, 不了解 count, 满意率, interval and scores', () => {
    const result = tally(ballots);

    const byId = Object.fromEntries(tallyOf(result, 'tax-bureau').dimensions.map((d) => [d.dimensionId, d]));
    expect(Object.keys(byId)).toEqual(['attitude', 'efficiency', 'integrity', 'policy']);
    expect(byId.attitude).toMatchObject({
      label: { 'zh-CN': '服务态度', en: 'Attitude' },
      n: 3,
      dontKnow: 1,
      counts: { verySatisfied: 1, satisfied: 1, veryDissatisfied: 1 },
      satisfactionRate: close(2 / 3),
      satisfactionInterval: { low: close(0.20765960080204765), high: close(0.9385080552796037) },
      score: close(60),
      groupScores: { citizen: { n: 2, score: 90 }, enterprise: { n: 1, score: 0 } },
    });
    expect(byId.efficiency).toMatchObject({ n: 3, dontKnow: 1, satisfactionRate: 1, score: close(80) });
    expect(byId.integrity).toMatchObject({
      n: 2,
      dontKnow: 2,
      counts: { verySatisfied: 2 },
      score: 100,
      groupScores: { citizen: { n: 1, score: 100 }, enterprise: { n: 1, score: 100 } },
    });
    expect(byId.policy).toMatchObject({
      n: 3,
      dontKnow: 1,
      counts: { verySatisfied: 1, satisfied: 1, dissatisfied: 1 },
      satisfactionRate: close(2 / 3),
      score: close(60),
      groupScores: { citizen: { n: 2, score: 50 }, enterprise: { n: 1, score: 80 } },
    });
  });

  it('shows the 不了解 answers of a unit nobody knew in every dimension, with no figures', () => {
    const result = tally(ballots);

    expect(tallyOf(result, 'service-centre').dimensions.map((d) => [d.dimensionId, d.n, d.dontKnow, d.score, d.satisfactionRate])).toEqual([
      ['attitude', 0, 4, null, null],
      ['efficiency', 0, 4, null, null],
      ['integrity', 0, 4, null, null],
      ['policy', 0, 4, null, null],
    ]);
  });
});

describe('PeriodTally across form versions', () => {
  // Version 1: five levels, default points 100/80/60/0/0. Version 2: three levels, 基本满意 worth 50.
  const v1 = aFormVersion({ version: 1 });
  const v2 = aFormVersion({
    version: 2,
    content: aFormContent({ questions: [aRatingQuestion({ scale: 'three', points: { basicallySatisfied: 50 } }), aGroupQuestion()] }),
  });
  const onV1 = (level: string) => rating(level, 'citizen', { version: 1 });
  const onV2 = (level: string) => rating(level, 'citizen', { version: 2 });
  const ballots = [onV1('verySatisfied'), onV1('satisfied'), onV2('satisfied'), onV2('basicallySatisfied'), onV2('dissatisfied')];

  it("counts each ballot on its own version's scale and points", () => {
    // v1: 100 + 80; v2: 100 + 50 + 0 → 330 / 5 = 66.
    const result = tally(ballots.map((b): [StoredBallot, FormVersion] => [b, b.ok && b.response.version === 2 ? v2 : v1]));

    const t = tallyOf(result, 'tax-bureau');
    expect(t).toMatchObject({
      n: 5,
      excluded: {},
      counts: { verySatisfied: 1, satisfied: 2, basicallySatisfied: 1, dissatisfied: 1 },
      satisfactionRate: close(4 / 5),
      badReviews: 1,
    });
    expect(t.groupScores.citizen?.score).toBeCloseTo(66, 10);
  });

  it('differs from reading every ballot on one version', () => {
    // All on v1: (100 + 80 + 80 + 60 + 0) / 5 = 64. All on v2: 非常满意 is not on it; (100 + 100 + 50 + 0) / 4 = 62.5.
    const own = tally(ballots.map((b): [StoredBallot, FormVersion] => [b, b.ok && b.response.version === 2 ? v2 : v1]));
    const allOnV1 = tally(ballots.map((b): [StoredBallot, FormVersion] => [b, v1]));
    const allOnV2 = tally(ballots.map((b): [StoredBallot, FormVersion] => [b, v2]));

    const scores = [own, allOnV1, allOnV2].map((r) => tallyOf(r, 'tax-bureau').groupScores.citizen?.score);

    expect(scores).toEqual([close(66), close(64), close(62.5)]);
    expect(tallyOf(allOnV2, 'tax-bureau').excluded).toEqual({ invalidAnswers: 1 });
  });

  it("weighs the dimensions of each ballot with its own version's weights", () => {
    // The same answers (100, 100, 0, 0): 60 with weights 0.3/0.3/0.2/0.2, 20 with 0.1/0.1/0.4/0.4.
    const d1 = aFormVersion({ version: 1, content: anAllUnitsContent() });
    const reweighted = aDimensionsQuestion({ dimensions: ANNUAL_DIMENSIONS.map((d, i) => ({ ...d, weight: [0.1, 0.1, 0.4, 0.4][i]! })) });
    const d2 = aFormVersion({ version: 2, content: anAllUnitsContent({ questions: [aGroupQuestion(), reweighted] }) });
    const answers = four('verySatisfied', 'verySatisfied', 'dissatisfied', 'veryDissatisfied');

    const result = tally([
      [annual('citizen', answers), d1],
      [annual('citizen', answers), d2],
    ]);

    expect(tallyOf(result, 'tax-bureau').groupScores.citizen).toEqual({ n: 2, score: close((60 + 20) / 2) });
  });
});

describe('PeriodTally dimension order', () => {
  it("lists a unit's dimensions in the newest version's order, with its labels, whatever order the ballots come in", () => {
    const v1 = aFormVersion({ version: 1, content: anAllUnitsContent() });
    const reordered = aDimensionsQuestion({
      dimensions: [...ANNUAL_DIMENSIONS]
        .reverse()
        .map((d) => (d.id === 'policy' ? { ...d, label: { 'zh-CN': '政策执行', en: 'Policy implementation' } } : d)),
    });
    const v2 = aFormVersion({ version: 2, content: anAllUnitsContent({ questions: [aGroupQuestion(), reordered] }) });
    const answers = four('satisfied', 'satisfied', 'satisfied', 'satisfied');
    const onV1: [StoredBallot, FormVersion] = [annual('citizen', answers), v1];
    const onV2: [StoredBallot, FormVersion] = [annual('citizen', answers), v2];

    const v1First = tally([onV1, onV2]);
    const v2First = tally([onV2, onV1]);

    const expected = [
      ['policy', 'Policy implementation'],
      ['integrity', 'Integrity'],
      ['efficiency', 'Efficiency'],
      ['attitude', 'Attitude'],
    ];
    expect(tallyOf(v1First, 'tax-bureau').dimensions.map((d) => [d.dimensionId, d.label.en])).toEqual(expected);
    expect(tallyOf(v2First, 'tax-bureau').dimensions.map((d) => [d.dimensionId, d.label.en])).toEqual(expected);
  });
});

describe('PeriodTally exclusions', () => {
  it('counts an unreadable item against the units it seems to rate', () => {
    const unreadable: StoredBallot = { ok: false, unitIds: ['tax-bureau', 'service-centre'] };

    const result = tally([[unreadable, undefined], rating('satisfied')]);

    expect(tallyOf(result, 'tax-bureau')).toMatchObject({ ballots: 2, n: 1, excluded: { unreadable: 1 } });
    expect(tallyOf(result, 'service-centre')).toMatchObject({ ballots: 1, n: 0, excluded: { unreadable: 1 } });
    expect(result.run).toEqual({
      periodId: '2026-annual',
      computedAt: NOW.toISOString(),
      units: 2,
      ballots: 2,
      excluded: { unreadable: 1 },
      reviewDecisions: 0,
      periodRev: 1,
      flaggedPending: 0,
    });
  });

  it('excludes a ballot whose form version does not exist', () => {
    const result = tally([[rating('satisfied', 'citizen', { version: 9 }), undefined]]);

    expect(tallyOf(result, 'tax-bureau')).toMatchObject({ ballots: 1, n: 0, excluded: { unknownFormVersion: 1 } });
    expect(result.run.excluded).toEqual({ unknownFormVersion: 1 });
  });

  it('excludes a ballot stored outside the period window or for another period', () => {
    const early = rating('satisfied', 'citizen', { submittedAt: '2025-12-31T15:59:59.999Z' });
    const atClose = rating('satisfied', 'citizen', { submittedAt: '2026-12-31T16:00:00.000Z' });
    const otherPeriod = rating('satisfied', 'citizen', { periodId: '2025-annual' });
    const atOpen = rating('satisfied', 'citizen', { submittedAt: '2025-12-31T16:00:00.000Z' });

    const result = tally([early, atClose, otherPeriod, atOpen]);

    expect(tallyOf(result, 'tax-bureau')).toMatchObject({ ballots: 4, n: 1, excluded: { outsidePeriod: 3 } });
    expect(result.run.excluded).toEqual({ outsidePeriod: 3 });
  });

  it('excludes the part of a ballot about a unit its version does not list, and counts the rest', () => {
    const mixed = aServiceRecordBallot({ units: { 'tax-bureau': { overall: 'satisfied' }, nowhere: { overall: 'veryDissatisfied' } } });
    const offOnly = aServiceRecordBallot({ units: { elsewhere: { overall: 'satisfied' } } });

    const result = tally([mixed, offOnly]);

    expect(tallyOf(result, 'tax-bureau')).toMatchObject({ ballots: 1, n: 1, excluded: {}, counts: { satisfied: 1 } });
    expect(tallyOf(result, 'nowhere')).toMatchObject({ ballots: 1, n: 0, excluded: { unitNotOnForm: 1 } });
    expect(tallyOf(result, 'elsewhere')).toMatchObject({ ballots: 1, n: 0, excluded: { unitNotOnForm: 1 } });
    // Only the ballot that rated nothing on its form is excluded as a whole.
    expect(result.run.excluded).toEqual({ unitNotOnForm: 1 });
  });

  it("excludes a ballot whose answers break its version's rules, for every unit it rates", () => {
    const offScale = rating('excellent');
    const twoUnits = aServiceRecordBallot({ units: { 'tax-bureau': { overall: 'satisfied' }, 'service-centre': { overall: 'satisfied' } } });
    const badGroup = rating('satisfied', 'martian');

    const result = tally([offScale, twoUnits, badGroup]);

    expect(tallyOf(result, 'tax-bureau')).toMatchObject({ ballots: 3, n: 0, excluded: { invalidAnswers: 3 } });
    expect(tallyOf(result, 'service-centre')).toMatchObject({ ballots: 1, n: 0, excluded: { invalidAnswers: 1 } });
    expect(result.run.excluded).toEqual({ invalidAnswers: 3 });
  });
});

describe('PeriodTally sample size', () => {
  it('flags N below the minimum sample, not N at it, and does not count 不了解 towards it', () => {
    const period = aPeriod({ minSample: 3 });

    const below = tally([rating('satisfied'), rating('satisfied'), rating('dontKnow'), rating('dontKnow')], period);
    const at = tally([rating('satisfied'), rating('satisfied'), rating('veryDissatisfied')], period);

    expect(tallyOf(below, 'tax-bureau')).toMatchObject({ n: 2, insufficientSample: true });
    expect(tallyOf(at, 'tax-bureau')).toMatchObject({ n: 3, insufficientSample: false });
  });
});


describe('needsTally', () => {
  const period = aPeriod();
  const after = new Date('2027-01-03T00:00:00+08:00');
  /** The final run of aPeriod(), made after it closed, with `decisions` review decisions applied. */
  const finalRun = (decisions: number, periodRev = 1) =>
    aTallyRun({ computedAt: '2027-01-02T00:00:00+08:00', reviewDecisions: decisions, periodRev });

  it('tallies an open period every time', () => {
    const lastRun = aTallyRun({ computedAt: '2026-06-15T01:00:00Z' });

    const needed = needsTally(period, lastRun, DURING_PERIOD);

    expect(needed).toBe(true);
  });

  it('does not tally a period that has not opened', () => {
    const before = new Date('2025-12-31T23:00:00+08:00');

    const needed = needsTally(period, undefined, before);

    expect(needed).toBe(false);
  });

  it('tallies an ended period once more after it closed, then stops', () => {
    const neverRun = needsTally(period, undefined, after);
    const lastRunBeforeClose = needsTally(period, aTallyRun({ computedAt: '2026-12-31T15:00:00Z' }), after);
    const lastRunAfterClose = needsTally(period, finalRun(0), after);

    expect([neverRun, lastRunBeforeClose, lastRunAfterClose]).toEqual([true, true, false]);
  });

  it('tallies an ended period again when a review was decided after its final run, and only then', () => {
    const decidedSince = needsTally(period, finalRun(2), after, 3);
    const nothingSince = needsTally(period, finalRun(3), after, 3);
    const runBeforeReviews = needsTally(period, aTallyRun({ computedAt: '2027-01-02T00:00:00+08:00' }), after, 1);

    expect([decidedSince, nothingSince, runBeforeReviews]).toEqual([true, false, true]);
  });

  it('tallies an ended period again when the period was edited after its final run', () => {
    const edited = needsTally(aPeriod({ rev: 2 }), finalRun(0, 1), after);

    expect(edited).toBe(true);
  });
});

describe('reviewDecisions', () => {
  it('counts decided appeals and every decision on every batch, not appeals still open', () => {
    const state = {
      appeals: [anAppeal('o.ballot-a', 'upheld'), anAppeal('o.ballot-b', 'rejected'), anAppeal('o.ballot-c', 'open')],
      batchReviews: [
        aBatchReview('batch000000000001', [['release', '2026-06-15T02:00:00Z']]),
        aBatchReview('batch000000000002', [
          ['exclude', '2026-06-15T02:00:00Z'],
          ['release', '2026-06-15T03:00:00Z'],
        ]),
      ],
    };

    const decisions = reviewDecisions(state);

    expect(decisions).toBe(2 + 1 + 2);
  });
});

describe('runTally', () => {
  function depsWith(periods: Period[], ballots: Record<string, StoredBallot[]>, versions: FormVersion[]) {
    const saved: { run: TallyRun; tallies: Tally[]; batches: FlaggedBatch[] }[] = [];
    const reads: string[] = [];
    const review = { appeals: [] as Appeal[], batchReviews: [] as BatchReview[] };
    const counters = memoryCounters();
    const stored = new Map<string, StoredBallot>();
    const catalog = {
      getPeriod: async (periodId: string) => periods.find((p) => p.periodId === periodId),
      listGroups: async () => someGroups(),
      getFormVersion: async (formId: string, version: number) => versions.find((v) => v.formId === formId && v.version === version),
    };
    // Every ballot counted once, as the counting function does from the stream.
    const counted = (async () => {
      const count = counting({ ...catalog, ...counters.ports });
      for (const [periodId, list] of Object.entries(ballots)) {
        for (const [i, ballot] of list.entries()) {
          const ballotRef = refOf(ballot, `unreadable-${i}`);
          stored.set(`${periodId}\n${ballotRef}`, ballot);
          await count.count({ periodId, ballotRef, ballot });
        }
      }
    })();
    const deps: RunTallyDeps = {
      listPeriods: async () => {
        await counted;
        return periods;
      },
      listGroups: async () => {
        reads.push('groups');
        return someGroups();
      },
      getTallyRun: async (periodId) => saved.findLast((s) => s.run.periodId === periodId)?.run,
      listAppeals: async (periodId) => {
        reads.push(`appeals of ${periodId}`);
        return review.appeals;
      },
      listBatchReviews: async () => review.batchReviews,
      ...counters.ports,
      getBallots: async (periodId, refs) => refs.flatMap((ref) => stored.get(`${periodId}\n${ref}`) ?? []),
      getFormVersion: async (formId, version) => {
        reads.push(`${formId}@${version}`);
        return versions.find((v) => v.formId === formId && v.version === version);
      },
      saveTallies: async (run, tallies, batches) => void saved.push({ run, tallies, batches }),
      now: () => DURING_PERIOD,
    };
    return { deps, saved, reads, review };
  }

  it('tallies each period that needs it from all its ballots, reading the groups and each form version once', async () => {
    const future = aPeriod({ periodId: '2030-annual', opensAt: '2030-01-01T00:00:00+08:00', closesAt: '2031-01-01T00:00:00+08:00' });
    const other = aPeriod({ periodId: '2026-other' });
    const { deps, saved, reads } = depsWith(
      [aPeriod(), future, other],
      { '2026-annual': [rating('satisfied'), rating('veryDissatisfied'), rating('satisfied')] },
      [aFormVersion()],
    );

    const runs = await runTally(deps);

    expect(runs.map((r) => r.periodId)).toEqual(['2026-annual', '2026-other']);
    expect(runs[0]).toEqual({
      periodId: '2026-annual',
      computedAt: DURING_PERIOD.toISOString(),
      units: 1,
      ballots: 3,
      excluded: {},
      reviewDecisions: 0,
      periodRev: 1,
      flaggedPending: 0,
    });
    expect(saved[0]?.tallies.map((t) => [t.unitId, t.n, t.counts])).toEqual([['tax-bureau', 3, { satisfied: 2, veryDissatisfied: 1 }]]);
    // A period that has not opened costs no read at all.
    expect(reads).toEqual(['appeals of 2026-annual', 'groups', 'district-2026@1', 'appeals of 2026-other']);
  });

  it('excludes ballots naming a version that does not exist, or a version of a form made for another period', async () => {
    const otherPeriodsVersion = aFormVersion({ formId: 'last-year', periodId: '2025-annual' });
    const { deps, saved } = depsWith(
      [aPeriod()],
      { '2026-annual': [rating('satisfied', 'citizen', { version: 5 }), rating('satisfied', 'citizen', { formId: 'last-year' })] },
      [aFormVersion(), otherPeriodsVersion],
    );

    await runTally(deps);

    expect(saved[0]?.run.excluded).toEqual({ unknownFormVersion: 2 });
    expect(saved[0]?.tallies[0]).toMatchObject({ unitId: 'tax-bureau', ballots: 2, n: 0, excluded: { unknownFormVersion: 2 } });
  });

  it('leaves alone a period whose final tally is stored', async () => {
    const ended = aPeriod({ opensAt: '2025-01-01T00:00:00+08:00', closesAt: '2026-01-01T00:00:00+08:00' });
    const { deps, saved } = depsWith([ended], {}, []);
    deps.getTallyRun = async () => aTallyRun({ computedAt: '2026-01-02T00:00:00+08:00', reviewDecisions: 0, periodRev: 1 });

    const runs = await runTally(deps);

    expect(runs).toEqual([]);
    expect(saved).toEqual([]);
  });

  it('stores the flagged batches with the tallies, and counts their pending ballots in the run', async () => {
    // Five open ballots from one phone within a minute; the period counts three per client and day.
    const ballots = [0, 1, 2, 3, 4].map((i) => anOpenBallot(`2026-06-15T10:00:0${i}+08:00`, 'phone-1'));
    const { deps, saved } = depsWith([aPeriod()], { '2026-annual': ballots }, [aFormVersion()]);

    const [run] = await runTally(deps);

    expect(run).toMatchObject({ flaggedPending: 2 });
    expect(saved[0]?.batches).toEqual([
      expect.objectContaining({ unitId: 'tax-bureau', kind: 'clientLimit', bucket: '2026-06-15', ballots: 2, pending: 2 }),
    ]);
    expect(saved[0]?.tallies[0]).toMatchObject({ ballots: 5, n: 3, excluded: { flagged: 2 } });
  });

  it('counts released ballots at the next tally of a period that has ended, then stops again', async () => {
    // prepare: the period ended; its final tally left two ballots flagged
    const ended = aPeriod({ opensAt: '2026-06-01T00:00:00+08:00', closesAt: '2026-06-16T00:00:00+08:00' });
    const ballots = [0, 1, 2, 3, 4].map((i) => anOpenBallot(`2026-06-15T10:00:0${i}+08:00`, 'phone-1'));
    const { deps, saved, review } = depsWith([ended], { '2026-annual': ballots }, [aFormVersion()]);
    deps.now = () => new Date('2026-06-20T09:00:00+08:00');
    await runTally(deps);
    const batchId = saved[0]!.batches[0]!.batchId;

    // act: a supervisor releases the batch after the final tally; the tally runs twice more
    review.batchReviews = [aBatchReview(batchId, [['release', '2026-06-15T10:00:04+08:00']])];
    const afterRelease = await runTally(deps);
    const later = await runTally(deps);

    // assert
    expect(saved[0]?.tallies[0]).toMatchObject({ n: 3, excluded: { flagged: 2 } });
    expect(afterRelease).toEqual([expect.objectContaining({ reviewDecisions: 1, flaggedPending: 0 })]);
    expect(saved[1]?.tallies[0]).toMatchObject({ ballots: 5, n: 5, excluded: {} });
    expect(saved[1]?.batches).toEqual([expect.objectContaining({ batchId, ballots: 2, pending: 0, released: 2 })]);
    expect(later).toEqual([]);
  });
});
