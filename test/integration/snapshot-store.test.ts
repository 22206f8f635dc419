import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tally } from '../../functions/domain/evaluation/tally';
import { tallyStore, type TallyStore } from '../../functions/store/evaluation/tally-store';
import { aTally, aTallyRun } from '../fixtures/catalog';
import { freshTables, type TestTables } from './helpers';

/**
 * Daily snapshots on DynamoDB Local, written by saveTallies as the scheduled tally calls it: a day keeps
 * its last run, the next CST day gets a snapshot of its own, a unit's trend is one Query in day order.
 */
describe('snapshots in the tallies table', () => {
  let t: TestTables;
  let store: TallyStore;
  const periodId = 'snap-period';

  const tallyOf = (unitId: string, compositeScore: number, computedAt: string): Tally =>
    aTally({ periodId, unitId, compositeScore, insufficientSample: false, computedAt });
  const run = (computedAt: string, units: number) => aTallyRun({ periodId, computedAt, units });

  /** Every item whose sort key starts with `prefix`, keys and all. */
  async function itemsUnder(prefix: string): Promise<Record<string, unknown>[]> {
    const { Items } = await t.db.send(
      new QueryCommand({
        TableName: t.tables.tallies,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `P#${periodId}`, ':prefix': prefix },
      }),
    );
    return Items ?? [];
  }

  beforeAll(async () => {
    t = await freshTables();
    store = tallyStore(t.db, t.tables.tallies);
  });

  afterAll(async () => {
    await t?.drop();
  });

  it("keeps one snapshot per unit and CST day — the day's last run — and a new one on the next day, read back in day order", async () => {
    // prepare: two runs on 2026-06-15 CST (the first just after its midnight), one just before the next midnight's
    // end of day, one just after it (2026-06-16 CST).
    const morning = '2026-06-14T16:00:00.000Z';
    const evening = '2026-06-15T15:59:59.999Z';
    const nextDay = '2026-06-15T16:00:00.000Z';

    // act
    await store.saveTallies(run(morning, 2), [tallyOf('a', 60, morning), tallyOf('a-b', 40, morning)], []);
    await store.saveTallies(run(evening, 2), [tallyOf('a', 65, evening), tallyOf('a-b', 45, evening)], []);
    const afterOneDay = await itemsUnder('S#');
    await store.saveTallies(run(nextDay, 2), [tallyOf('a', 70, nextDay), tallyOf('a-b', 50, nextDay)], []);

    // assert: the same day's second run replaced the first's snapshots
    expect(afterOneDay.map((i) => [i.sk, i.compositeScore, i.computedAt])).toEqual([
      ['S#a#2026-06-15', 65, evening],
      ['S#a-b#2026-06-15', 45, evening],
    ]);
    // a unit's trend: its own snapshots only (not those of a-b, whose id starts with a), oldest first
    const trend = await store.listUnitSnapshots(periodId, 'a');
    expect(trend.map((s) => [s.day, s.compositeScore, s.computedAt, s.rank])).toEqual([
      ['2026-06-15', 65, evening, 1],
      ['2026-06-16', 70, nextDay, 1],
    ]);
    expect((await store.listUnitSnapshots(periodId, 'a-b')).map((s) => [s.day, s.compositeScore, s.rank])).toEqual([
      ['2026-06-15', 45, 2],
      ['2026-06-16', 50, 2],
    ]);
    // the days, each with its last run's data-as-of time
    expect((await store.listSnapshotDays(periodId)).map((d) => [d.day, d.computedAt, d.units])).toEqual([
      ['2026-06-15', evening, 2],
      ['2026-06-16', nextDay, 2],
    ]);
    // the newest snapshot, as the trend across periods reads it
    expect((await store.lastUnitSnapshot(periodId, 'a'))?.compositeScore).toBe(70);
    expect(await store.lastUnitSnapshot(periodId, 'never-rated')).toBeUndefined();
    // the tallies themselves are the last run's, beside the snapshots
    expect((await store.listTallies(periodId)).map((x) => [x.unitId, x.compositeScore])).toEqual([
      ['a', 70],
      ['a-b', 50],
    ]);
  });

  it('reads a trend of many days in one Query, in day order across month ends', async () => {
    // prepare: 40 days written out of order
    const days = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2026, 0, 20 + i, 4)).toISOString());
    for (const at of [...days].reverse()) await store.saveSnapshots(run(at, 1), [tallyOf('long-trend', 50, at)]);
    const sent: string[] = [];
    t.db.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );

    // act
    const trend = await store.listUnitSnapshots(periodId, 'long-trend');
    t.db.middlewareStack.remove('countCommands');

    // assert
    expect(sent).toEqual(['QueryCommand']);
    expect(trend.map((s) => s.day)).toEqual(days.map((d) => d.slice(0, 10)));
    expect(trend.at(-1)!.day).toBe('2026-02-28');
  });
});
