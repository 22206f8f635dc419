import { BatchWriteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowOf, type Briefing } from '../../functions/domain/briefings/briefing';
import type { BriefingDeps } from '../../functions/domain/briefings/ports';
import { draftBriefing, draftDueBriefings, getBriefing, listBriefings, publishBriefing, saveBriefingNarrative } from '../../functions/domain/briefings/workflow';
import { ConflictError } from '../../functions/domain/errors';
import { briefingItem, briefingStore } from '../../functions/store/briefings/briefing-store';
import { caseItem } from '../../functions/store/cases/case-store';
import { briefingDeps } from '../../functions/store/deps';
import { catalogStore } from '../../functions/store/evaluation/catalog-store';
import { snapshotSk } from '../../functions/store/evaluation/tally-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { ledgerItem } from '../../functions/store/ledger/ledger-store';
import { GOLDEN_CASES, GOLDEN_SNAPSHOTS, GOLDEN_UNITS, JOB_RUN_AT, aGoldenBriefing } from '../fixtures/briefings';
import { aPeriod, aUnitWithId } from '../fixtures/catalog';
import { aLedgerItem } from '../fixtures/ledger';
import { countItems, freshTables, type TestTables } from './helpers';

/**
 * Briefings on DynamoDB Local: the job drafts each window once however often it runs, a draft taken
 * during its window is refreshed after it with its narrative kept, publications at once take consecutive
 * numbers without a gap or a duplicate, and a published briefing never changes.
 */
describe('briefings', () => {
  let t: TestTables;
  let deps: BriefingDeps;
  let now: Date;

  beforeAll(async () => {
    t = await freshTables();
    deps = { ...briefingDeps(t.db), now: () => now };
    // the golden week's units, period, snapshots, cases, and two ledger items (one closed in the week)
    for (const u of GOLDEN_UNITS) await unitStore(t.db, t.tables.catalog).createUnit(aUnitWithId(u.unitId, { name: u.name }));
    await catalogStore(t.db, t.tables.catalog).createPeriod(aPeriod({ name: { 'zh-CN': '2026年度社会评议', en: '2026 annual appraisal' } }));
    await t.db.send(
      new BatchWriteCommand({
        RequestItems: { [t.tables.tallies]: GOLDEN_SNAPSHOTS.map((s) => ({ PutRequest: { Item: { ...s, pk: `P#${s.periodId}`, sk: snapshotSk(s.unitId, s.day) } } })) },
      }),
    );
    for (const c of GOLDEN_CASES) await t.db.send(new PutCommand({ TableName: t.tables.cases, Item: caseItem(c) }));
    const closed = aLedgerItem('CLOSED', { caseId: '0b6c8e2a-3d4f-4a1b-9c7e-000000000001', identifiedAt: '2026-11-02T01:00:00.000Z', closedAt: '2026-11-26T02:00:00.000Z' });
    const open = aLedgerItem('IN_PROGRESS', { caseId: '0b6c8e2a-3d4f-4a1b-9c7e-000000000002', identifiedAt: '2026-11-02T01:00:00.000Z', dueAt: '2026-12-31T15:59:59.999Z' });
    for (const item of [closed, open]) await t.db.send(new PutCommand({ TableName: t.tables.cases, Item: ledgerItem(item) }));
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('drafts last week and last month once, however often the job runs', async () => {
    // prepare: Monday 30 November, 01:00 CST
    now = JOB_RUN_AT;

    // act
    const first = await draftDueBriefings(deps);
    const second = await draftDueBriefings(deps);

    // assert
    expect(first).toEqual([
      { briefingId: 'weekly-2026-11-23', outcome: 'drafted' },
      { briefingId: 'monthly-2026-10', outcome: 'drafted' },
    ]);
    expect(second.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(await countItems(t.db, t.tables.briefings, 'K#weekly')).toBe(1);
    const week = await getBriefing(deps, 'weekly-2026-11-23');
    expect(week).toMatchObject({ state: 'draft', rev: 1, from: '2026-11-23', to: '2026-11-29' });
    expect(week.number).toBeUndefined();
    expect(week.figures.ratings.newRatings).toBe(110);
    expect(week.figures.cases).toMatchObject({ received: 3, closed: 2, overdue: 1 });
    expect(week.figures.ledger).toMatchObject({ total: 2, completed: 1, closedInWindow: 1, completionRate: { numerator: 1, denominator: 2, rate: 0.5 } });
  });

  it("refreshes after its window a draft taken during it, keeping the supervisor's narrative", async () => {
    // prepare: a supervisor drafts November on Wednesday 25th and writes the narrative
    now = new Date('2026-11-25T04:00:00Z');
    const { briefing: early, created } = await draftBriefing(deps, { kind: 'monthly' });
    const written = await saveBriefingNarrative(deps, early.briefingId, { typicalExperience: '周六延时服务。', problemsFound: '', nextSteps: '', rev: early.rev });

    // act: the job of 1 December, 01:00 CST
    now = new Date('2026-11-30T17:00:00Z');
    const runs = await draftDueBriefings(deps);

    // assert
    expect(created).toBe(true);
    expect(early.figures.asOf).toBe('2026-11-25T04:00:00.000Z');
    expect(runs).toContainEqual({ briefingId: 'monthly-2026-11', outcome: 'refreshed' });
    const refreshed = await getBriefing(deps, 'monthly-2026-11');
    expect(refreshed.rev).toBe(written.rev + 1);
    expect(refreshed.narrative.typicalExperience).toBe('周六延时服务。');
    expect(refreshed.figures.asOf).toBe(windowOf('monthly', '2026-11-01').endsAt);
  });

  it('numbers publications made at once consecutively, without a gap or a duplicate', async () => {
    // prepare: six drafts of earlier weeks
    now = JOB_RUN_AT;
    const drafts = ['2026-09-07', '2026-09-14', '2026-09-21', '2026-09-28', '2026-10-05', '2026-10-12'].map((day) => {
      const w = windowOf('weekly', day);
      return aGoldenBriefing({ briefingId: w.briefingId, from: w.from, to: w.to, state: 'draft', number: undefined, publishedAt: undefined, publishedBy: undefined, rev: 1 });
    });
    for (const d of drafts) await t.db.send(new PutCommand({ TableName: t.tables.briefings, Item: briefingItem(d) }));

    // act
    const published = await Promise.all(drafts.map((d) => publishBriefing(deps, d.briefingId, { rev: 1 }, 'sup-1')));

    // assert
    expect(published.map((b) => b.number).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6]);
    const stored = await Promise.all(drafts.map((d) => getBriefing(deps, d.briefingId)));
    expect(stored.map((b) => b.number).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(stored.every((b) => b.state === 'published' && b.publishedBy === 'sup-1')).toBe(true);
    expect((await listBriefings(deps)).filter((b) => b.state === 'published')).toHaveLength(6);
  });

  it('lets exactly one of two publications of the same draft through, and the next issue takes the next number', async () => {
    // prepare
    const week = (await getBriefing(deps, 'weekly-2026-11-23')) as Briefing;

    // act
    const results = await Promise.allSettled([publishBriefing(deps, week.briefingId, { rev: week.rev }, 'sup-1'), publishBriefing(deps, week.briefingId, { rev: week.rev }, 'sup-2')]);

    // assert
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(ConflictError);
    expect(lost.reason).toMatchObject({ reason: 'alreadyPublished' });
    expect((await getBriefing(deps, week.briefingId)).number).toBe(7);
  });

  it('never changes a published briefing: the narrative, a new draft of its window and a second publication are refused', async () => {
    // prepare
    const published = await getBriefing(deps, 'weekly-2026-11-23');

    // act (and the store itself refuses to write over a published briefing, whatever revision it is given)
    const [edit, redraft, again, direct] = await Promise.allSettled([
      saveBriefingNarrative(deps, published.briefingId, { typicalExperience: '改写', problemsFound: '', nextSteps: '', rev: published.rev }),
      draftBriefing(deps, { kind: 'weekly', day: '2026-11-25' }),
      publishBriefing(deps, published.briefingId, { rev: published.rev }, 'sup-1'),
      briefingStore(t.db, t.tables.briefings).saveDraft({ ...published, state: 'draft' }, published.rev),
    ]);

    // assert
    expect(edit).toMatchObject({ status: 'rejected', reason: { reason: 'alreadyPublished', params: { number: 7 } } });
    expect(redraft).toMatchObject({ status: 'rejected', reason: { reason: 'alreadyPublished' } });
    expect(again).toMatchObject({ status: 'rejected', reason: { reason: 'alreadyPublished' } });
    expect(direct).toMatchObject({ status: 'rejected', reason: { reason: 'staleRevision' } });
    expect(await getBriefing(deps, published.briefingId)).toEqual(published);
  });

  it('refuses a publication when the counter moved under it by more than its retries, taking no number', async () => {
    // prepare: a draft, and a counter another writer keeps moving (as if many publications raced it)
    const w = windowOf('weekly', '2026-08-03');
    const draft = aGoldenBriefing({ briefingId: w.briefingId, from: w.from, to: w.to, state: 'draft', number: undefined, publishedAt: undefined, publishedBy: undefined, rev: 1 });
    await t.db.send(new PutCommand({ TableName: t.tables.briefings, Item: briefingItem(draft) }));
    const store = briefingStore(t.db, t.tables.briefings);
    let moves = 0;
    const racing: typeof t.db = Object.create(t.db) as typeof t.db;
    racing.send = (async (command: unknown) => {
      // before each of the publication's transactions, another publication takes the number
      if ((command as { constructor: { name: string } }).constructor.name === 'TransactWriteCommand') {
        moves++;
        await t.db.send(new UpdateCommand({ TableName: t.tables.briefings, Key: { pk: 'K#weekly', sk: 'COUNTER' }, UpdateExpression: 'ADD #last :one', ExpressionAttributeNames: { '#last': 'last' }, ExpressionAttributeValues: { ':one': 1 } }));
      }
      return t.db.send(command as never);
    }) as typeof t.db.send;

    // act
    const publication = briefingStore(racing, t.tables.briefings).publish({ ...draft, state: 'published', rev: 2 }, 1);

    // assert
    await expect(publication).rejects.toThrow();
    expect(moves).toBe(5);
    expect((await store.getBriefing(w.briefingId))?.state).toBe('draft');
  });
});
