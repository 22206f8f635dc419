import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnitAnswers } from '../../functions/domain/evaluation/answers';
import { cstDay } from '../../functions/domain/evaluation/client-key';
import { createForm, publishForm, saveDraft } from '../../functions/domain/evaluation/form-admin';
import type { Period } from '../../functions/domain/evaluation/period';
import { submitResponse } from '../../functions/domain/evaluation/response';
import { listFlaggedBatches, reviewBatch, type FlaggedBatch } from '../../functions/domain/evaluation/review';
import { runTally } from '../../functions/domain/evaluation/tally';
import { tallyReport, type TallyReport } from '../../functions/domain/evaluation/tally-report';
import { tallyWorkbook } from '../../functions/domain/evaluation/tally-workbook';
import { writeXlsx } from '../../functions/platform/spreadsheet';
import { formAdminDeps, reviewDeps, runTallyDeps, submitDeps, tallyReportDeps } from '../../functions/store/deps';
import { catalogStore } from '../../functions/store/evaluation/catalog-store';
import { responseKey, responseStore } from '../../functions/store/evaluation/response-store';
import { tallyStore } from '../../functions/store/evaluation/tally-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { bindBallotKeys } from '../fixtures/ballot-keys';
import {
  TEST_CLIENT,
  aDimensionsQuestion,
  aFormContent,
  aResponse,
  aUnitWithId,
  anAllUnitsContent,
  anEndedPeriod,
  anOpenAdmission,
  anOpenPeriod,
  openBallotOf,
  someGroups,
} from '../fixtures/catalog';
import { readXlsxParts, recordsOf } from '../fixtures/xlsx';
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

  let respondents = 0;
  /** A submission from a respondent of its own (a client key of its own). */
  async function submit(version: number, group: string, units: UnitAnswers) {
    const client = { ...TEST_CLIENT, userAgent: `respondent-${++respondents}` };
    await submitResponse(submitDeps(t.db), { formId, version, answers: { group }, units, submissionId: randomUUID() }, client);
  }

  beforeAll(async () => {
    t = await freshTables();
    bindBallotKeys();
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

    await t.countBallots();
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

  it('ranks the units by composite score, and writes an XLSX whose numbers, read back from its XML, are the report\'s', async () => {
    // act
    const sheets = await readXlsxParts(await writeXlsx(tallyWorkbook(report, 'zh-CN')));

    // assert
    expect(report.rows.map((r) => [r.unit.unitId, r.rank])).toEqual([
      ['tax-bureau', 1],
      ['service-centre', 2],
    ]);
    expect([...sheets.values()].every((s) => s.frozenRows === 1)).toBe(true);
    const units = recordsOf(sheets.get('单位排名')!);
    expect(units).toHaveLength(report.rows.length);
    for (const [i, { unit, rank, tally }] of report.rows.entries()) {
      expect(units[i]).toMatchObject({
        排名: rank,
        单位编号: unit.unitId,
        综合得分: tally!.compositeScore,
        满意率: tally!.satisfactionRate,
        '满意率95%置信下限': tally!.satisfactionInterval!.low,
        '满意率95%置信上限': tally!.satisfactionInterval!.high,
        '有效样本数(N)': tally!.n,
        差评数: tally!.badReviews,
        权重覆盖: tally!.weightCoverage,
        答卷数: tally!.ballots,
      });
    }
    const dimensions = recordsOf(sheets.get('各维度')!);
    expect(dimensions.map((d) => [d.单位编号, d.维度, d['有效评价数(N)'], d.满意率, d.得分])).toEqual(
      report.rows.flatMap(({ unit, tally }) => tally!.dimensions.map((d) => [unit.unitId, d.label['zh-CN'], d.n, d.satisfactionRate, d.score])),
    );
    const groups = recordsOf(sheets.get('各评议人类别')!);
    expect(groups.map((g) => [g.单位编号, g.类别编号, g['答卷数(N)'], g.得分, g.权重])).toEqual(
      report.rows.flatMap(({ unit, tally }) =>
        Object.entries(tally!.groupScores).map(([groupId, g]) => [unit.unitId, groupId, g.n, g.score, period.groupWeights[groupId]]),
      ),
    );
    const formats = sheets.get('单位排名')!.formats[1]!;
    const header = sheets.get('单位排名')!.rows[0]!;
    expect(['排名', '综合得分', '满意率', '有效样本数(N)'].map((h) => formats[header.indexOf(h)])).toEqual(['0', '0.00', '0.00%', '0']);
  });

  it('names the dimensions of the newest version, and counts a response to a version that does not exist as excluded', async () => {
    // prepare
    const ghost = aResponse({ ...openBallotOf(randomUUID()), formId, version: 9, periodId: period.periodId, submittedAt: new Date().toISOString() });
    await t.db.send(new PutCommand({ TableName: t.tables.responses, Item: { ...ghost, ...responseKey(period.periodId, ghost.ballotRef) } }));

    // act
    await t.countBallots();
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

/**
 * Flagged batches through the real stores: open ballots from one client past the period's limit of three a
 * day are stored and flagged, the supervisor releases their batch, and the next tally counts them — also
 * once the period has ended, when nothing but the review has changed.
 */
describe('flagged batches on DynamoDB Local', () => {
  let t: TestTables;
  const supervisor = { sub: 'supervisor-1' };
  const oneUnit = aFormContent({ unitIds: ['tax-bureau'] });

  /** A period with a published one-unit form of its own. */
  async function periodWithForm(period: Period, formId: string) {
    await catalogStore(t.db, t.tables.catalog).createPeriod(period);
    const admin = formAdminDeps(t.db);
    const created = await createForm(admin, { formId, periodId: period.periodId, content: oneUnit });
    await publishForm(admin, formId, { rev: created.form.rev });
  }

  /** The stored tally of tax-bureau in a period. */
  const taxBureau = async (periodId: string) => (await tallyStore(t.db, t.tables.tallies).listTallies(periodId)).find((x) => x.unitId === 'tax-bureau');

  beforeAll(async () => {
    t = await freshTables();
    bindBallotKeys();
    const catalog = catalogStore(t.db, t.tables.catalog);
    await Promise.all([unitStore(t.db, t.tables.catalog).createUnit(aUnitWithId('tax-bureau')), ...someGroups().map((g) => catalog.createGroup(g))]);
  });
  afterAll(() => t.drop());

  it('stores the flagged ballots of one client as a batch, excluded until released, and counts them at the tally after the release', async () => {
    // prepare: twelve submissions from one phone to an open period
    const period = anOpenPeriod({ periodId: 'burst-period' });
    await periodWithForm(period, 'burst-form');
    for (let i = 0; i < 12; i++) {
      await submitResponse(
        submitDeps(t.db),
        { formId: 'burst-form', version: 1, answers: { group: 'citizen' }, units: { 'tax-bureau': { overall: 'veryDissatisfied' } }, submissionId: randomUUID() },
        TEST_CLIENT,
      );
    }
    await t.countBallots();
    await runTally(runTallyDeps(t.db));
    const [flagged] = await listFlaggedBatches(reviewDeps(t.db), period.periodId);
    const before = await taxBureau(period.periodId);

    // act
    await reviewBatch(reviewDeps(t.db), supervisor, period.periodId, flagged!.batchId, { action: 'release', reason: '营业厅共用平板', upTo: flagged!.lastAt, rev: 0 });
    const untilTheNextTally = await taxBureau(period.periodId);
    await t.countBallots();
    await runTally(runTallyDeps(t.db));

    // assert
    expect(before).toMatchObject({ ballots: 12, n: 3, excluded: { flagged: 9 } });
    expect(flagged).toMatchObject({ kind: 'clientLimit', ballots: 9, pending: 9, released: 0 });
    expect(untilTheNextTally).toEqual(before);
    expect(await taxBureau(period.periodId)).toMatchObject({ ballots: 12, n: 12, excluded: {} });
    expect(await tallyStore(t.db, t.tables.tallies).listFlaggedBatches(period.periodId)).toEqual([
      expect.objectContaining({ batchId: flagged!.batchId, ballots: 9, pending: 0, released: 9 }),
    ]);
    expect(await tallyStore(t.db, t.tables.tallies).getTallyRun(period.periodId)).toMatchObject({ reviewDecisions: 1, flaggedPending: 0 });
  });

  it('recounts a period that has ended when a batch is excluded after its final tally, and only then', async () => {
    // prepare: an ended period whose ballots (stored while it was open) include five from one phone
    const period = anEndedPeriod({ periodId: 'ended-burst' });
    await periodWithForm(period, 'ended-form');
    const responses = responseStore(t.db, t.tables.responses);
    const during = Date.parse(period.closesAt) - 3 * 3_600_000;
    for (let i = 0; i < 5; i++) {
      const at = new Date(during + i * 1_000);
      await responses.putResponseOnce(
        aResponse({
          ...openBallotOf(randomUUID()),
          formId: 'ended-form',
          periodId: period.periodId,
          submittedAt: at.toISOString(),
          admission: anOpenAdmission({ day: cstDay(at) }),
        }),
      );
    }
    await t.countBallots();
    const finalRuns = await runTally(runTallyDeps(t.db));
    const [flagged] = await tallyStore(t.db, t.tables.tallies).listFlaggedBatches(period.periodId);

    // act
    await t.countBallots();
    const untouched = await runTally(runTallyDeps(t.db));
    await reviewBatch(reviewDeps(t.db), supervisor, period.periodId, flagged!.batchId, { action: 'exclude', reason: '刷票', upTo: flagged!.lastAt, rev: 0 });
    await t.countBallots();
    const afterReview = await runTally(runTallyDeps(t.db));
    await t.countBallots();
    const afterThat = await runTally(runTallyDeps(t.db));

    // assert
    expect(finalRuns.map((r) => r.periodId)).toContain(period.periodId);
    expect(untouched.map((r) => r.periodId)).not.toContain(period.periodId);
    expect(afterReview.map((r) => r.periodId)).toContain(period.periodId);
    expect(afterThat.map((r) => r.periodId)).not.toContain(period.periodId);
    expect(await taxBureau(period.periodId)).toMatchObject({ ballots: 5, n: 3, excluded: { excludedOnReview: 2 } });
  });

  it('settles a hot day once it has ended: later runs read none of its ballots, until a late ballot of that day is counted', async () => {
    // prepare: an open period; two days ago one phone rated the tax bureau five times, a minute apart
    const period = anOpenPeriod({ periodId: 'settled-period' });
    await periodWithForm(period, 'settled-form');
    const responses = responseStore(t.db, t.tables.responses);
    const day = cstDay(new Date(Date.now() - 2 * 24 * 3_600_000));
    const storeBallot = (i: number) =>
      responses.putResponseOnce(
        aResponse({
          ...openBallotOf(randomUUID()),
          formId: 'settled-form',
          periodId: period.periodId,
          submittedAt: new Date(Date.parse(`${day}T10:00:00+08:00`) + i * 60_000).toISOString(),
          admission: anOpenAdmission({ day }),
        }),
      );
    for (let i = 0; i < 5; i++) await storeBallot(i);
    await t.countBallots();
    const deps = runTallyDeps(t.db);
    const read: number[] = [];
    const metered = {
      ...deps,
      getBallots: async (periodId: string, refs: readonly string[]) => {
        if (periodId === period.periodId) read.push(refs.length);
        return deps.getBallots(periodId, refs);
      },
    };
    await runTally(metered);
    const settled = await taxBureau(period.periodId);
    const readToSettle = read.splice(0);

    // act: a run with nothing new, then a ballot of that day stored and counted late, and a run
    await runTally(metered);
    const trusted = await taxBureau(period.periodId);
    const readSettled = read.splice(0);
    await storeBallot(5);
    await t.countBallots();
    await runTally(metered);
    const readAfterLate = read.splice(0);

    // assert
    expect(readToSettle).toEqual([5]);
    expect(settled).toMatchObject({ ballots: 5, n: 3, excluded: { flagged: 2 } });
    expect(readSettled).toEqual([0]);
    expect(trusted).toEqual({ ...settled, computedAt: trusted!.computedAt });
    expect(readAfterLate).toEqual([6]);
    expect(await taxBureau(period.periodId)).toMatchObject({ ballots: 6, n: 3, excluded: { flagged: 3 } });
    expect(await tallyStore(t.db, t.tables.tallies).listFlaggedBatches(period.periodId)).toEqual([expect.objectContaining({ kind: 'clientLimit', ballots: 3, pending: 3 })]);
  });

  it('replaces the flagged batches of the last run, dropping those a run no longer flags', async () => {
    // prepare
    const store = tallyStore(t.db, t.tables.tallies);
    const run = { periodId: 'store-period', computedAt: new Date().toISOString(), units: 0, ballots: 0, excluded: {} };
    const batch = (batchId: string): FlaggedBatch => ({
      periodId: 'store-period',
      batchId,
      unitId: 'tax-bureau',
      kind: 'burst',
      bucket: '2026-06-15T10:00:00+08:00',
      firstAt: '2026-06-15T02:00:00.000Z',
      lastAt: '2026-06-15T02:05:00.000Z',
      ballots: 2,
      pending: 2,
      released: 0,
      excluded: 0,
    });
    await store.saveTallies(run, [], [batch('batch0000000000a1'), batch('batch0000000000b2')]);

    // act
    await store.saveTallies(run, [], [batch('batch0000000000b2')]);

    // assert
    expect((await store.listFlaggedBatches('store-period')).map((b) => b.batchId)).toEqual(['batch0000000000b2']);
  });
});
