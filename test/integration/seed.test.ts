import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPublishedForm } from '../../functions/domain/published-form';
import { runTally } from '../../functions/domain/tally';
import { tallyReport } from '../../functions/domain/tally-report';
import { catalogDeps, runTallyDeps, tallyReportDeps } from '../../functions/store/deps';
import { responseKey } from '../../functions/store/response-store';
import { DEMO_RATINGS_PER_UNIT, DEMO_UNITS, seedDemo, shanghaiYear } from '../../infra/local/seed';
import { countItems, freshTables, type TestTables } from './helpers';

describe('the demo seed', () => {
  let t: TestTables;
  beforeAll(async () => {
    t = await freshTables();
  });
  afterAll(() => t.drop());

  it('stores each demo rating once however often it runs', async () => {
    // act
    const first = await seedDemo(t.db, t.tables);
    const second = await seedDemo(t.db, t.tables);

    // assert
    expect(second).toEqual(first);
    for (const unit of DEMO_UNITS) {
      const stored = await countItems(t.db, t.tables.responses, responseKey(first.periodId, unit.unitId, 'x').pk);
      expect({ unit: unit.unitId, stored }).toEqual({ unit: unit.unitId, stored: DEMO_RATINGS_PER_UNIT[unit.unitId]?.ratings });
    }
  });

  it('publishes an open five-level form over the current year in Asia/Shanghai', async () => {
    // prepare
    const { formId } = await seedDemo(t.db, t.tables);
    const year = shanghaiYear(new Date());

    // act
    const published = await getPublishedForm(catalogDeps(t.db), formId);

    // assert
    expect(published.period).toMatchObject({
      state: 'open',
      opensAt: `${year}-01-01T00:00:00+08:00`,
      closesAt: `${year + 1}-01-01T00:00:00+08:00`,
    });
    expect(published.form).toMatchObject({ scale: 'five', allowDontKnow: true, commentMaxLength: 500 });
    expect(published.form.groups).toHaveLength(4);
    expect(published.units.map((u) => u.name['zh-CN'])).toContain('区政务服务中心');
    expect(published.units).toHaveLength(DEMO_UNITS.length);
  });

  it('gives some units a ranked sample and others an insufficient one', async () => {
    // prepare
    const { periodId } = await seedDemo(t.db, t.tables);

    // act
    await runTally(runTallyDeps(t.db));
    const report = await tallyReport(tallyReportDeps(t.db), periodId);

    // assert
    const tallies = report.rows.map((r) => r.tally);
    const ranked = tallies.filter((tally) => tally && !tally.insufficientSample);
    const insufficient = tallies.filter((tally) => tally?.insufficientSample);
    expect(ranked.length).toBeGreaterThanOrEqual(3);
    expect(insufficient.length).toBeGreaterThanOrEqual(3);
    expect(ranked.every((tally) => (tally?.n ?? 0) >= report.period.minSample)).toBe(true);
  });
});
