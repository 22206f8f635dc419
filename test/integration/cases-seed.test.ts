import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseStatus } from '../../functions/domain/cases/intake';
import { caseStore } from '../../functions/store/cases/case-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { DEMO_UNITS } from '../../infra/local/seed';
import { seedDemoCases } from '../../infra/local/seed-cases';
import { freshTables, type TestTables } from './helpers';

/** The demo cases of `npm start`: one per state of the walk, filed through the use cases, once however often it runs. */
describe('seedDemoCases', () => {
  let t: TestTables;

  beforeAll(async () => {
    t = await freshTables();
    await Promise.all(DEMO_UNITS.map((u) => unitStore(t.db, t.tables.catalog).createUnit(u)));
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('files four cases in different states, each readable with its tracking number and code, once however often it runs', async () => {
    // act
    const now = new Date('2026-11-20T02:00:00Z');
    const first = await seedDemoCases(t.db, t.tables, now);
    const second = await seedDemoCases(t.db, t.tables, new Date('2026-11-23T02:00:00Z'));
    const store = caseStore(t.db, t.tables.cases);
    const statuses = await Promise.all(first.map((c) => caseStatus(store, { trackingNumber: c.trackingNumber, accessCode: c.accessCode })));

    // assert
    expect(second).toEqual(first);
    expect(statuses.map((s) => s.state)).toEqual(['RECEIVED', 'IN_PROGRESS', 'REPLIED', 'CLOSED']);
    expect((await store.listCasesOfMonths(['2026-11'])).length).toBe(4);
    expect(statuses[2]!.reply?.text).toContain('母婴室');
  });
});
