import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnitAnswers } from '../../functions/domain/evaluation/answers';
import { createForm, publishForm, saveDraft } from '../../functions/domain/evaluation/form-admin';
import { submitResponse } from '../../functions/domain/evaluation/response';
import { runTally } from '../../functions/domain/evaluation/tally';
import { tallyReport, type TallyReport } from '../../functions/domain/evaluation/tally-report';
import { formAdminDeps, runTallyDeps, submitDeps, tallyReportDeps } from '../../functions/store/deps';
import { catalogStore } from '../../functions/store/evaluation/catalog-store';
import { responseKey } from '../../functions/store/evaluation/response-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { aDimensionsQuestion, aResponse, aUnitWithId, anAllUnitsContent, anOpenPeriod, someGroups } from '../fixtures/catalog';
import { freshTables, type TestTables } from './helpers';

/**
 * The scheduled tally over responses stored through the real submission path: the annual all-units form
 * rated on four dimensions, published as version 1 (five levels, weights 0.3/0.3/0.2/0.2) and then as
 * version 2 (three levels, equal weights). Each response counts on its own version's scale and weights.
 *
 * | response | version | group      | tax-bureau (attitude/efficiency/integrity/policy)  | service-centre            |
 * |----------|---------|------------|----------------------------------------------------|---------------------------|
 * | 1        | 1       | citizen    | 满意 ×4 → 80                                        | 不了解 ×4                  |
 * | 2        | 1       | enterprise | 非常满意, 不满意, 不了解, 基本满意 → 42 / 0.8 = 52.5 | 非常不满意 ×4 → 0          |
 * | 3        | 2       | citizen    | 满意 ×4 → 100 (three levels)                        | 基本满意, 不了解 ×3 → 60    |
 */
describe('the tally on DynamoDB Local', () => {
  let t: TestTables;
  let report: TallyReport;
  const period = anOpenPeriod({ periodId: 'tally-period', minSample: 2 });
  const formId = 'annual-appraisal';
  const v1 = anAllUnitsContent();
  const v2 = anAllUnitsContent({
    questions: [
      v1.questions[0]!,
      aDimensionsQuestion({
        scale: 'three',
        dimensions: ['attitude', 'efficiency', 'integrity', 'policy'].map((id, i) => ({
          id,
          label: { 'zh-CN': ['服务态度', '办事效率', '廉洁自律', '政策落实'][i]!, en: id },
          weight: 0.25,
        })),
      }),
    ],
  });
  const rate = (attitude: string, efficiency: string, integrity: string, policy: string) => ({
    evaluation: { attitude, efficiency, integrity, policy },
  });
  const dontKnow = rate('dontKnow', 'dontKnow', 'dontKnow', 'dontKnow');

  async function submit(version: number, group: string, units: UnitAnswers) {
    await submitResponse(submitDeps(t.db), { formId, version, answers: { group }, units, submissionId: randomUUID() });
  }

  beforeAll(async () => {
    t = await freshTables();
    const catalog = catalogStore(t.db, t.tables.catalog);
    const units = unitStore(t.db, t.tables.catalog);
    await Promise.all([
      units.createUnit(aUnitWithId('tax-bureau')),
      units.createUnit(aUnitWithId('service-centre')),
      ...someGroups().map((g) => catalog.createGroup(g)),
      catalog.createPeriod(period),
    ]);
    const admin = formAdminDeps(t.db);
    const created = await createForm(admin, { formId, periodId: period.periodId, content: v1 });
    const published = await publishForm(admin, formId, { rev: created.form.rev });

    await submit(1, 'citizen', { 'tax-bureau': rate('satisfied', 'satisfied', 'satisfied', 'satisfied'), 'service-centre': dontKnow });
    await submit(1, 'enterprise', {
      'tax-bureau': rate('verySatisfied', 'dissatisfied', 'dontKnow', 'basicallySatisfied'),
      'service-centre': rate('veryDissatisfied', 'veryDissatisfied', 'veryDissatisfied', 'veryDissatisfied'),
    });

    const saved = await saveDraft(admin, formId, { content: v2, rev: published.form.rev });
    await publishForm(admin, formId, { rev: saved.form.rev });
    await submit(2, 'citizen', {
      'tax-bureau': rate('satisfied', 'satisfied', 'satisfied', 'satisfied'),
      'service-centre': rate('basicallySatisfied', 'dontKnow', 'dontKnow', 'dontKnow'),
    });

    await runTally(runTallyDeps(t.db));
    report = await tallyReport(tallyReportDeps(t.db), period.periodId);
  });
  afterAll(() => t.drop());

  const tallyOf = (unitId: string) => report.rows.find((r) => r.unit.unitId === unitId)?.tally;

  it('counts one response per unit, pooled ratings by level, 满意率 and bad reviews', () => {
    // act
    const tax = tallyOf('tax-bureau');

    // assert
    expect(report.run).toMatchObject({ ballots: 3, units: 2, excluded: {} });
    expect(tax).toMatchObject({
      ballots: 3,
      n: 3,
      dontKnow: 0,
      ratings: 11,
      counts: { verySatisfied: 1, satisfied: 8, basicallySatisfied: 1, dissatisfied: 1 },
      badReviews: 1,
      insufficientSample: false,
    });
    expect(tax?.satisfactionRate).toBeCloseTo(10 / 11, 12);
  });

  it("scores each response on its own version's scale and dimension weights", () => {
    // act
    const tax = tallyOf('tax-bureau')!;
    const attitude = tax.dimensions.find((d) => d.dimensionId === 'attitude')!;

    // assert: 满意 is 80 points on version 1's five levels and 100 on version 2's three
    expect(attitude.groupScores.citizen).toEqual({ n: 2, score: 90 });
    expect(tax.groupScores).toEqual({ citizen: { n: 2, score: 90 }, enterprise: { n: 1, score: 52.5 } });
    // S = Σ W_g × S_g over the groups that answered, weights 0.5 and 0.3 rescaled over 0.8
    expect(tax.compositeScore).toBeCloseTo((0.5 * 90 + 0.3 * 52.5) / 0.8, 12);
    expect(tax.weightCoverage).toBeCloseTo(0.8, 12);
  });

  it('leaves 不了解 out of every denominator, for a dimension or a whole response', () => {
    // act
    const centre = tallyOf('service-centre')!;

    // assert
    expect(centre).toMatchObject({ ballots: 3, n: 2, dontKnow: 1, ratings: 5, badReviews: 1 });
    expect(centre.groupScores).toEqual({ citizen: { n: 1, score: 60 }, enterprise: { n: 1, score: 0 } });
    expect(centre.dimensions.find((d) => d.dimensionId === 'efficiency')).toMatchObject({ n: 1, dontKnow: 2 });
    expect(centre.compositeScore).toBeCloseTo((0.5 * 60) / 0.8, 12);
  });

  it('names the dimensions of the newest version, and counts a response to a version that does not exist as excluded', async () => {
    // prepare
    const ghost = aResponse({ submissionId: randomUUID(), formId, version: 9, periodId: period.periodId, submittedAt: new Date().toISOString() });
    await t.db.send(new PutCommand({ TableName: t.tables.responses, Item: { ...ghost, ...responseKey(period.periodId, ghost.submissionId) } }));

    // act
    await runTally(runTallyDeps(t.db));
    const again = await tallyReport(tallyReportDeps(t.db), period.periodId);

    // assert
    expect(report.dimensions.map((d) => [d.dimensionId, d.label.en])).toEqual([
      ['attitude', 'attitude'],
      ['efficiency', 'efficiency'],
      ['integrity', 'integrity'],
      ['policy', 'policy'],
    ]);
    expect(again.run).toMatchObject({ ballots: 4, excluded: { unknownFormVersion: 1 } });
    expect(again.rows.find((r) => r.unit.unitId === 'tax-bureau')?.tally).toMatchObject({
      ballots: 4,
      n: 3,
      excluded: { unknownFormVersion: 1 },
    });
  });
});
