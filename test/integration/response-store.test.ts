import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../functions/domain/errors';
import type { SubmissionInput } from '../../functions/domain/evaluation/response';
import { submitResponse } from '../../functions/domain/evaluation/response';
import type { StoredBallot } from '../../functions/domain/evaluation/tally';
import { submitDeps } from '../../functions/store/deps';
import { catalogStore } from '../../functions/store/evaluation/catalog-store';
import { SHARDS, responseKey, responseStore } from '../../functions/store/evaluation/response-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { aForm, aFormVersion, aResponse, aUnitWithId, anOpenPeriod, someGroups } from '../fixtures/catalog';
import { freshTables, type TestTables } from './helpers';

/** How many items a table holds (a COUNT scan: the table is this file's own). */
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

/** Counts the commands a client sends while `act` runs, by command name. */
async function commandsDuring(db: DynamoDBDocumentClient, act: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const name = `count-${randomUUID()}`;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await act();
  } finally {
    db.middlewareStack.remove(name);
  }
  return sent;
}

describe('response store on DynamoDB Local', () => {
  let t: TestTables;
  const period = anOpenPeriod();
  const form = aForm({ periodId: period.periodId });
  const version = aFormVersion({ periodId: period.periodId });

  beforeAll(async () => {
    t = await freshTables();
    const catalog = catalogStore(t.db, t.tables.catalog);
    const units = unitStore(t.db, t.tables.catalog);
    await Promise.all([
      units.createUnit(aUnitWithId('tax-bureau')),
      units.createUnit(aUnitWithId('service-centre')),
      ...someGroups().map((g) => catalog.createGroup(g)),
      catalog.createPeriod(period),
      catalog.createForm({ ...form, status: 'draft', latestVersion: 0, rev: 1 }),
    ]);
    await catalog.publishVersion(version, form, 1);
  });
  afterAll(() => t.drop());

  const submission = (overrides: Partial<SubmissionInput> = {}): SubmissionInput => ({
    formId: form.formId,
    version: 1,
    answers: { group: 'enterprise' },
    units: { 'tax-bureau': { overall: 'basicallySatisfied' } },
    submissionId: randomUUID(),
    ...overrides,
  });

  describe('putResponseOnce', () => {
    it('stores a new response as one item under its submission id', async () => {
      // prepare
      const store = responseStore(t.db, t.tables.responses);
      const response = aResponse({ submissionId: randomUUID(), periodId: period.periodId, submittedAt: new Date().toISOString() });

      // act
      const result = await store.putResponseOnce(response);

      // assert
      expect(result).toEqual({ stored: true });
      const { Item } = await t.db.send(
        new GetCommand({ TableName: t.tables.responses, Key: responseKey(period.periodId, response.submissionId) }),
      );
      expect(Item).toEqual({ ...response, ...responseKey(period.periodId, response.submissionId) });
    });

    it('hands back the stored response, unchanged, when its submission id is written again', async () => {
      // prepare
      const store = responseStore(t.db, t.tables.responses);
      const first = aResponse({ submissionId: randomUUID(), periodId: period.periodId, units: { 'tax-bureau': { overall: 'verySatisfied', comment: '很好' } } });
      await store.putResponseOnce(first);

      // act
      const second = await store.putResponseOnce({ ...first, units: { 'service-centre': { overall: 'veryDissatisfied' } } });

      // assert
      expect(second).toEqual({ stored: false, existing: first });
    });
  });

  describe('submitResponse with the real stores', () => {
    it('stores a submission on a warm function with one conditional PutItem and no read', async () => {
      // prepare
      const deps = submitDeps(t.db);
      await submitResponse(deps, submission());

      // act
      const sent = await commandsDuring(t.db, () => submitResponse(deps, submission()));

      // assert
      expect(sent).toEqual(['PutItemCommand']);
    });

    it('gives a retry the first receipt and stores nothing new, even when the retry names another unit', async () => {
      // prepare
      const deps = submitDeps(t.db);
      const first = submission();
      const receipt = await submitResponse(deps, first);
      const before = await countAll(t.db, t.tables.responses);

      // act
      const retry = await submitResponse({ ...deps, now: () => new Date(Date.now() + 60_000) }, first);
      const otherUnit = submitResponse(deps, { ...first, units: { 'service-centre': { overall: 'veryDissatisfied' } } });

      // assert
      expect(retry).toEqual(receipt);
      await expect(otherUnit).rejects.toEqual(expect.objectContaining({ reason: 'submissionIdReused' }));
      await expect(otherUnit).rejects.toBeInstanceOf(ConflictError);
      expect(await countAll(t.db, t.tables.responses)).toBe(before);
      const { Item } = await t.db.send(
        new GetCommand({ TableName: t.tables.responses, Key: responseKey(period.periodId, first.submissionId!) }),
      );
      expect(Item?.units).toEqual({ 'tax-bureau': { overall: 'basicallySatisfied' } });
    });

    it('keeps one item when 20 tries of one submission arrive at once, each answered with the same receipt', async () => {
      // prepare
      const deps = submitDeps(t.db);
      const one = submission();
      const before = await countAll(t.db, t.tables.responses);

      // act
      const receipts = await Promise.all(Array.from({ length: 20 }, () => submitResponse(deps, one)));

      // assert
      expect(new Set(receipts.map((r) => JSON.stringify(r))).size).toBe(1);
      expect(receipts[0]?.receiptId).toBe(one.submissionId);
      expect(await countAll(t.db, t.tables.responses)).toBe(before + 1);
    });

    it('keeps one item when 20 tries with one id but different units race, refusing the losers', async () => {
      // prepare
      const deps = submitDeps(t.db);
      const id = randomUUID();
      const before = await countAll(t.db, t.tables.responses);
      const tries = Array.from({ length: 20 }, (_, i) =>
        submission({ submissionId: id, units: { [i % 2 === 0 ? 'tax-bureau' : 'service-centre']: { overall: 'satisfied' } } }),
      );

      // act
      const results = await Promise.allSettled(tries.map((s) => submitResponse(deps, s)));

      // assert
      expect(await countAll(t.db, t.tables.responses)).toBe(before + 1);
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(fulfilled.length).toBeGreaterThanOrEqual(1);
      expect(fulfilled.length + refused.length).toBe(20);
      for (const r of refused) expect(r.reason).toMatchObject({ reason: 'submissionIdReused' });
    });
  });

  describe('periodBallots', () => {
    it('reads every stored item of a period from all 16 shards, page by page, unreadable ones included', async () => {
      // prepare: another period, 1,500 responses in shard 0 (ids ending in 0) and one per other shard
      const periodId = 'paged-period';
      const response = (submissionId: string) => ({
        ...aResponse({ submissionId, periodId, group: submissionId.endsWith('1') ? 'enterprise' : 'citizen' }),
        ...responseKey(periodId, submissionId),
      });
      const items = [
        ...Array.from({ length: 1_500 }, (_, i) => response(`00000000-0000-4000-8000-${String(i).padStart(11, '0')}0`)),
        ...Array.from({ length: SHARDS - 1 }, (_, s) => response(`00000000-0000-4000-8000-00000000000${(s + 1).toString(16)}`)),
      ];
      for (let start = 0; start < items.length; start += 250) {
        const chunk = items.slice(start, start + 250);
        await Promise.all(
          Array.from({ length: Math.ceil(chunk.length / 25) }, (_, b) =>
            t.db.send(
              new BatchWriteCommand({
                RequestItems: { [t.tables.responses]: chunk.slice(b * 25, b * 25 + 25).map((Item) => ({ PutRequest: { Item } })) },
              }),
            ),
          ),
        );
      }
      const unreadable = { ...responseKey(periodId, '00000000-0000-4000-8000-0000000000ff'), units: { 'tax-bureau': {} }, version: 'one' };
      await t.db.send(new PutCommand({ TableName: t.tables.responses, Item: unreadable }));

      // act
      const ballots: StoredBallot[] = [];
      const sent = await commandsDuring(t.db, async () => {
        for await (const ballot of responseStore(t.db, t.tables.responses).periodBallots(periodId)) ballots.push(ballot);
      });

      // assert
      expect(ballots).toHaveLength(1_500 + SHARDS - 1 + 1);
      expect(sent.filter((c) => c === 'QueryCommand').length).toBeGreaterThan(SHARDS);
      expect(ballots.filter((b) => !b.ok)).toEqual([{ ok: false, unitIds: ['tax-bureau'] }]);
      expect(ballots.filter((b) => b.ok && b.response.group === 'enterprise')).toHaveLength(1);
    });
  });
});
