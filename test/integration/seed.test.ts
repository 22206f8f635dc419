import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeForm, formDetail, publishForm, saveDraft } from '../../functions/domain/evaluation/form-admin';
import { getPublishedForm } from '../../functions/domain/evaluation/published-form';
import { runTally } from '../../functions/domain/evaluation/tally';
import { tallyReport } from '../../functions/domain/evaluation/tally-report';
import { updatePeriod } from '../../functions/domain/evaluation/period-admin';
import { formAdminDeps, periodAdminDeps, publishedFormDeps, runTallyDeps, tallyReportDeps } from '../../functions/store/deps';
import { DEMO_ANNUAL_RESPONSES, DEMO_UNITS, DEMO_WINDOW_RESPONSES, seedDemo, shanghaiYear, type DemoSeed } from '../../infra/local/seed';
import { freshTables, type TestTables } from './helpers';

async function countAll(db: DynamoDBDocumentClient, table: string): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey }));
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

describe('the demo seed', () => {
  let t: TestTables;
  let seeding: Promise<DemoSeed> | undefined;
  /** The first seed of this file's tables, whichever test asks first (each seed after it submits every demo ballot again). */
  const seeded = () => (seeding ??= seedDemo(t.db, t.tables));
  beforeAll(async () => {
    t = await freshTables();
  });
  afterAll(() => t.drop());

  it('stores each demo response once however often it runs', async () => {
    // act
    const first = await seeded();
    const afterFirst = await countAll(t.db, t.tables.responses);
    const second = await seedDemo(t.db, t.tables);

    // assert
    expect(second).toEqual(first);
    expect(first.responses).toBe(DEMO_ANNUAL_RESPONSES + DEMO_WINDOW_RESPONSES * 3);
    expect(afterFirst).toBe(first.responses);
    expect(await countAll(t.db, t.tables.responses)).toBe(afterFirst);
  });

  it('publishes the annual all-units form on four dimensions and the windows form, open over the year in Asia/Shanghai', async () => {
    // prepare
    const { forms } = await seeded();
    const year = shanghaiYear(new Date());

    // act
    const annual = await getPublishedForm(publishedFormDeps(t.db), forms.annual);
    const windows = await getPublishedForm(publishedFormDeps(t.db), forms.windows);

    // assert
    expect(annual.period).toMatchObject({
      state: 'open',
      opensAt: `${year}-01-01T00:00:00+08:00`,
      closesAt: `${year + 1}-01-01T00:00:00+08:00`,
    });
    expect(annual.content.layout).toBe('allUnits');
    const rating = annual.content.questions.find((q) => q.type === 'dimensions');
    expect(rating?.type === 'dimensions' && rating.dimensions.map((d) => d.label['zh-CN'])).toEqual(['服务态度', '办事效率', '廉洁自律', '政策落实']);
    expect(annual.units).toHaveLength(10);
    expect(annual.groups).toHaveLength(4);
    expect(windows.content.layout).toBe('oneUnit');
    expect(windows.units.map((u) => u.unitId)).toEqual(['window-general', 'window-business', 'window-social-security']);
    expect(DEMO_UNITS).toHaveLength(13);
  });

  it('gives some units a ranked sample and others an insufficient one', { timeout: 120_000 }, async () => {
    // prepare
    const { periodId } = await seeded();

    // act
    await t.countBallots();
    await runTally(runTallyDeps(t.db));
    const report = await tallyReport(tallyReportDeps(t.db), periodId);

    // assert
    const tallies = report.rows.map((r) => r.tally);
    const ranked = tallies.filter((tally) => tally && !tally.insufficientSample);
    const insufficient = tallies.filter((tally) => tally?.insufficientSample);
    expect(ranked.length).toBeGreaterThanOrEqual(3);
    expect(insufficient.length).toBeGreaterThanOrEqual(3);
    expect(ranked.every((tally) => (tally?.n ?? 0) >= report.period.minSample)).toBe(true);
    expect(report.run?.excluded).toEqual({});
  });

  it("keeps an admin's edits through a re-seed: a new version, a closed form, a shorter period", async () => {
    // prepare
    const seed = await seeded();
    const { forms } = seed;
    const admin = formAdminDeps(t.db);
    const annual = await formDetail(admin, forms.annual);
    const title = { 'zh-CN': '管理员修改后的标题', en: 'Title as the admin changed it' };
    const saved = await saveDraft(admin, forms.annual, { content: { ...annual.form.draft, title }, rev: annual.form.rev });
    await publishForm(admin, forms.annual, { rev: saved.form.rev });
    const windows = await formDetail(admin, forms.windows);
    await closeForm(admin, forms.windows, { rev: windows.form.rev });
    const periods = periodAdminDeps(t.db);
    const { periodId: _id, rev, updatedAt: _at, ...period } = (await periods.getPeriod(seed.periodId))!;
    const closesAt = new Date(Date.parse(period.opensAt) + 24 * 60 * 60 * 1000).toISOString();
    await updatePeriod(periods, seed.periodId, { ...period, closesAt, rev });
    const before = await countAll(t.db, t.tables.responses);

    // act
    const again = await seedDemo(t.db, t.tables);

    // assert
    expect(again.forms).toEqual(forms);
    expect(await formDetail(admin, forms.annual)).toMatchObject({ form: { latestVersion: 2, draft: { title } }, hasUnpublishedChanges: false });
    expect((await formDetail(admin, forms.windows)).form.status).toBe('closed');
    expect((await periods.getPeriod(again.periodId))?.closesAt).toBe(closesAt);
    expect(await countAll(t.db, t.tables.responses)).toBe(before);
  });
});
