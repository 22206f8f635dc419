import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RespondentGroup } from '../../functions/domain/catalog';
import type { Rating } from '../../functions/domain/rating-scale';
import { submitResponse } from '../../functions/domain/response';
import { runTally } from '../../functions/domain/tally';
import { tallyReport } from '../../functions/domain/tally-report';
import { catalogStore } from '../../functions/store/catalog-store';
import { runTallyDeps, submitDeps, tallyReportDeps } from '../../functions/store/deps';
import { aFormFor, aUnitWithId, anOpenPeriod } from '../fixtures/catalog';
import { freshTables, type TestTables } from './helpers';

describe('the scheduled tally on DynamoDB Local', () => {
  let t: TestTables;
  const period = anOpenPeriod({
    periodId: 'tally-period',
    groupWeights: { citizen: 0.5, enterprise: 0.3, deputy: 0.1, appointedSupervisor: 0.1 },
    minSample: 5,
  });
  const form = aFormFor(period, ['rated-unit', 'sparse-unit', 'silent-unit']);

  /** Ballots per unit: [rating, group, how many]. */
  const BALLOTS: Record<string, [Rating, RespondentGroup, number][]> = {
    'rated-unit': [
      ['verySatisfied', 'citizen', 3],
      ['satisfied', 'citizen', 2],
      ['dissatisfied', 'citizen', 1],
      ['dontKnow', 'citizen', 1],
      ['basicallySatisfied', 'enterprise', 1],
      ['veryDissatisfied', 'enterprise', 1],
    ],
    'sparse-unit': [['satisfied', 'deputy', 2]],
    'silent-unit': [],
  };

  beforeAll(async () => {
    t = await freshTables();
    const catalog = catalogStore(t.db, t.tables.catalog);
    await Promise.all(form.unitIds.map((id) => catalog.putUnit(aUnitWithId(id))));
    await catalog.putPeriod(period);
    await catalog.putForm(form);
    const deps = submitDeps(t.db);
    for (const [unitId, ballots] of Object.entries(BALLOTS)) {
      for (const [rating, group, times] of ballots) {
        for (let i = 0; i < times; i++) {
          await submitResponse(deps, { formId: form.formId, periodId: period.periodId, unitId, rating, group, submissionId: randomUUID() });
        }
      }
    }
  });
  afterAll(() => t.drop());

  it('counts each level, N without 不了解, 满意率, bad reviews and the weighted composite score', async () => {
    // act
    const runs = await runTally(runTallyDeps(t.db));
    const report = await tallyReport(tallyReportDeps(t.db), period.periodId);

    // assert
    expect(runs).toEqual([expect.objectContaining({ periodId: period.periodId, units: 3, ballots: 11 })]);
    const rated = report.rows.find((r) => r.unit.unitId === 'rated-unit')?.tally;
    expect(rated).toMatchObject({
      counts: { verySatisfied: 3, satisfied: 2, basicallySatisfied: 1, dissatisfied: 1, veryDissatisfied: 1 },
      dontKnow: 1,
      n: 8,
      satisfactionRate: 0.75,
      badReviews: 2,
      insufficientSample: false,
      weightCoverage: 0.8,
    });
    // citizens: (3×100 + 2×80 + 0) / 6; enterprises: (60 + 0) / 2; weights 0.5 and 0.3 rescaled over 0.8
    expect(rated?.groupScores.citizen?.score).toBeCloseTo(460 / 6, 9);
    expect(rated?.groupScores.enterprise).toEqual({ n: 2, score: 30 });
    expect(rated?.compositeScore).toBeCloseTo((0.5 * (460 / 6) + 0.3 * 30) / 0.8, 9);
  });

  it('marks a unit below the minimum sample and leaves a unit without ratings at N = 0', async () => {
    // act
    await runTally(runTallyDeps(t.db));
    const report = await tallyReport(tallyReportDeps(t.db), period.periodId);

    // assert
    expect(report.rows.map((r) => r.unit.unitId)).toEqual(['rated-unit', 'sparse-unit', 'silent-unit']);
    const sparse = report.rows.find((r) => r.unit.unitId === 'sparse-unit')?.tally;
    // only deputies rated it: their score (2 × 80 / 2) is the composite, weight 0.1 rescaled to 1
    expect(sparse).toMatchObject({ n: 2, satisfactionRate: 1, insufficientSample: true, compositeScore: 80, weightCoverage: 0.1 });
    const silent = report.rows.find((r) => r.unit.unitId === 'silent-unit')?.tally;
    expect(silent).toMatchObject({ n: 0, satisfactionRate: null, compositeScore: null, insufficientSample: true });
  });

  it('gives the same figures when it runs again over the same ballots', async () => {
    // prepare
    await runTally(runTallyDeps(t.db));
    const first = await tallyReport(tallyReportDeps(t.db), period.periodId);

    // act
    await runTally(runTallyDeps(t.db));
    const second = await tallyReport(tallyReportDeps(t.db), period.periodId);

    // assert
    const figures = (r: typeof first) => r.rows.map(({ tally }) => ({ ...tally, computedAt: undefined }));
    expect(figures(second)).toEqual(figures(first));
    expect(second.run?.ballots).toBe(11);
  });
});
