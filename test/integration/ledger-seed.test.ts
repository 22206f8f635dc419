import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerProgress } from '../../functions/domain/ledger/progress';
import { ledgerStore } from '../../functions/store/ledger/ledger-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { DEMO_UNITS } from '../../infra/local/seed';
import { seedDemoLedger } from '../../infra/local/seed-ledger';
import { freshTables, type TestTables } from './helpers';

/** The demo ledger of `npm start`: six items at every level, identified to published, through the use cases, once however often it runs. */
describe('seedDemoLedger', () => {
  let t: TestTables;

  beforeAll(async () => {
    t = await freshTables();
    await Promise.all(DEMO_UNITS.map((u) => unitStore(t.db, t.tables.catalog).createUnit(u)));
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('enters six items in the six aspects, from identified to published, once however often it runs', async () => {
    // act
    const now = new Date('2026-11-20T02:00:00Z');
    const first = await seedDemoLedger(t.db, t.tables, now);
    const second = await seedDemoLedger(t.db, t.tables, new Date('2026-11-23T02:00:00Z'));
    const store = ledgerStore(t.db, t.tables.cases);
    const items = await store.listAllLedger();
    const sentBack = await store.listLedgerEvents(items.find((i) => i.sendBackCount > 0)!.caseId);

    // assert
    expect(second).toEqual(first);
    expect(items).toHaveLength(6);
    expect(items.map((i) => i.state)).toEqual(['PUBLISHED', 'CLOSED', 'IN_PROGRESS', 'IN_PROGRESS', 'LEDGERED', 'IDENTIFIED']);
    expect(new Set(items.map((i) => i.category)).size).toBe(6);
    expect(new Set(items.map((i) => i.level))).toEqual(new Set(['leadershipTeam', 'teamMember', 'unit', 'cadre']));
    expect(sentBack.map((e) => e.action)).toEqual(['identify', 'ledger', 'start', 'submitEvidence', 'sendBack']);
    expect(ledgerProgress(items, now)).toMatchObject({ ledgered: 5, completed: 2 });
  });
});
