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
import { forgetPastSalts, newSalt } from '../../functions/domain/evaluation/client-key';
import { SALT_PARTITION, saltKeeper, saltMaker } from '../../functions/store/evaluation/admission-store';
import { aForm, aFormVersion, aResponse, aUnitWithId, anOpenPeriod, openBallotOf, someGroups } from '../fixtures/catalog';
import { freshTables, type TestTables } from './helpers';

/** How many ballots a table holds (a COUNT scan: the table is this file's own), leaving out the day salts. */
async function countAll(db: DynamoDBDocumentClient, table: string): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        Select: 'COUNT',
        FilterExpression: 'pk <> :salt',
        ExpressionAttributeValues: { ':salt': SALT_PARTITION },
        ExclusiveStartKey,
      }),
    );
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

  const CLIENT = { address: '203.0.113.10', userAgent: 'integration-test' };
  /** A stored response of a fresh open ballot in this file's period. */
  const aStoredResponse = (overrides: Parameters<typeof aResponse>[0] = {}) =>
    aResponse({ ...openBallotOf(randomUUID()), periodId: period.periodId, submittedAt: new Date().toISOString(), ...overrides });

  describe('putResponseOnce', () => {
    it('stores a new response as one item under its ballot reference', async () => {
      // prepare
      const store = responseStore(t.db, t.tables.responses);
      const response = aStoredResponse();

      // act
      const result = await store.putResponseOnce(response);

      // assert
      expect(result).toEqual({ stored: true });
      const { Item } = await t.db.send(new GetCommand({ TableName: t.tables.responses, Key: responseKey(period.periodId, response.ballotRef) }));
      expect(Item).toEqual({ ...response, ...responseKey(period.periodId, response.ballotRef) });
    });

    it('hands back the stored response, unchanged, when its ballot is written again', async () => {
      // prepare
      const store = responseStore(t.db, t.tables.responses);
      const first = aStoredResponse({ units: { 'tax-bureau': { overall: 'verySatisfied', comment: '很好' } } });
      await store.putResponseOnce(first);

      // act
      const second = await store.putResponseOnce({ ...first, receiptCode: 'ZZZZ-ZZZZ-ZZZZ', units: { 'service-centre': { overall: 'veryDissatisfied' } } });

      // assert
      expect(second).toEqual({ stored: false, existing: first });
    });
  });

  describe('findResponse (what the submit function, which may only put, reads by)', () => {
    it('hands back the stored response under a ballot reference and writes nothing', async () => {
      // prepare
      const store = responseStore(t.db, t.tables.responses);
      const stored = aStoredResponse();
      await store.putResponseOnce(stored);
      const before = await countAll(t.db, t.tables.responses);

      // act
      const sent = await commandsDuring(t.db, async () => expect(await store.findResponse(period.periodId, stored.ballotRef)).toEqual(stored));

      // assert
      expect(sent).toEqual(['PutItemCommand']);
      expect(await countAll(t.db, t.tables.responses)).toBe(before);
    });

    it('finds nothing under a free reference, and leaves it free', async () => {
      // prepare
      const store = responseStore(t.db, t.tables.responses);
      const free = aStoredResponse();

      // act
      const found = await store.findResponse(period.periodId, free.ballotRef);

      // assert
      expect(found).toBeUndefined();
      const { Item } = await t.db.send(new GetCommand({ TableName: t.tables.responses, Key: responseKey(period.periodId, free.ballotRef) }));
      expect(Item).toBeUndefined();
      expect(await store.putResponseOnce(free)).toEqual({ stored: true });
    });
  });

  describe('unitBallots', () => {
    it("pages through a unit's ballots across the shards, each once, leaving out ballots of other units", async () => {
      // prepare: a period of its own, 45 ballots for tax-bureau and 30 for service-centre
      const periodId = 'unit-ballots-period';
      const store = responseStore(t.db, t.tables.responses);
      const ballots = Array.from({ length: 75 }, (_, i) =>
        aStoredResponse({ periodId, units: { [i % 5 < 3 ? 'tax-bureau' : 'service-centre']: { overall: 'satisfied' } } }),
      );
      for (let i = 0; i < ballots.length; i += 15) await Promise.all(ballots.slice(i, i + 15).map((b) => store.putResponseOnce(b)));
      const expected = ballots.filter((b) => 'tax-bureau' in b.units).map((b) => b.ballotRef);

      // act
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.unitBallots(periodId, 'tax-bureau', cursor, 10);
        seen.push(...page.ballots.map((b) => b.ballotRef));
        cursor = page.cursor;
        pages += 1;
      } while (cursor && pages < 100);

      // assert
      expect(seen.sort()).toEqual(expected.sort());
      expect(pages).toBeGreaterThan(1);
    });
  });

  describe('submitResponse with the real stores', () => {
    it('stores a submission on a warm function with one conditional PutItem and no read', async () => {
      // prepare: the first submission reads the catalog and makes the day's salt
      const deps = submitDeps(t.db);
      await submitResponse(deps, submission(), CLIENT);

      // act
      const sent = await commandsDuring(t.db, () => submitResponse(deps, submission(), CLIENT));

      // assert
      expect(sent).toEqual(['PutItemCommand']);
    });

    it('makes one salt for the day whichever function puts first, and every function keys a client with it', async () => {
      // prepare: three cold functions at once
      const functions = [submitDeps(t.db), submitDeps(t.db), submitDeps(t.db)];

      // act
      const receipts = await Promise.all(functions.map((deps) => submitResponse(deps, submission(), CLIENT)));

      // assert
      const stored = await Promise.all(
        receipts.map(async (r) => {
          const { Items } = await t.db.send(
            new ScanCommand({ TableName: t.tables.responses, FilterExpression: 'receiptCode = :code', ExpressionAttributeValues: { ':code': r.receiptCode } }),
          );
          return Items?.[0]?.admission as { clientKey: string };
        }),
      );
      expect(new Set(stored.map((a) => a.clientKey)).size).toBe(1);
      const { Items: salts } = await t.db.send(
        new ScanCommand({ TableName: t.tables.responses, FilterExpression: 'pk = :salt', ExpressionAttributeValues: { ':salt': SALT_PARTITION } }),
      );
      expect(salts).toHaveLength(1);
    });

    it('gives a retry the first receipt and stores nothing new, even when the retry names another unit', async () => {
      // prepare
      const deps = submitDeps(t.db);
      const first = submission();
      const receipt = await submitResponse(deps, first, CLIENT);
      const before = await countAll(t.db, t.tables.responses);

      // act
      const retry = await submitResponse({ ...deps, now: () => new Date(Date.now() + 60_000) }, first, CLIENT);
      const otherUnit = submitResponse(deps, { ...first, units: { 'service-centre': { overall: 'veryDissatisfied' } } }, CLIENT);

      // assert
      expect(retry).toEqual(receipt);
      await expect(otherUnit).rejects.toEqual(expect.objectContaining({ reason: 'submissionIdReused' }));
      await expect(otherUnit).rejects.toBeInstanceOf(ConflictError);
      expect(await countAll(t.db, t.tables.responses)).toBe(before);
      const { Item } = await t.db.send(
        new GetCommand({ TableName: t.tables.responses, Key: responseKey(period.periodId, openBallotOf(first.submissionId!).ballotRef) }),
      );
      expect(Item?.units).toEqual({ 'tax-bureau': { overall: 'basicallySatisfied' } });
    });

    it('keeps one item when 20 tries of one submission arrive at once, each answered with the same receipt', async () => {
      // prepare
      const deps = submitDeps(t.db);
      const one = submission();
      const before = await countAll(t.db, t.tables.responses);

      // act
      const receipts = await Promise.all(Array.from({ length: 20 }, () => submitResponse(deps, one, CLIENT)));

      // assert
      expect(new Set(receipts.map((r) => JSON.stringify(r))).size).toBe(1);
      expect(receipts[0]?.receiptCode).not.toContain(one.submissionId!.slice(0, 8));
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
      const results = await Promise.allSettled(tries.map((s) => submitResponse(deps, s, CLIENT)));

      // assert
      expect(await countAll(t.db, t.tables.responses)).toBe(before + 1);
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(fulfilled.length).toBeGreaterThanOrEqual(1);
      expect(fulfilled.length + refused.length).toBe(20);
      for (const r of refused) expect(r.reason).toMatchObject({ reason: 'submissionIdReused' });
    });
  });

  describe('day salts (the responses table, partition SALT)', () => {
    it('makes one salt per day at the first put, which every later maker of that day gets back', async () => {
      // prepare
      const day = '2031-03-03';
      const first = saltMaker(t.db, t.tables.responses, newSalt);
      const second = saltMaker(t.db, t.tables.responses, newSalt);

      // act
      const [a, b] = await Promise.all([first(day), second(day)]);
      const again = await saltMaker(t.db, t.tables.responses, newSalt)(day);

      // assert
      expect(a).toBe(b);
      expect(again).toBe(a);
      expect(Buffer.from(a, 'base64')).toHaveLength(32);
    });

    it("forgets the salts of past days (CST) and keeps today's, touching no ballot", async () => {
      // prepare: salts of three days, and a ballot
      const make = saltMaker(t.db, t.tables.responses, newSalt);
      for (const day of ['2031-04-01', '2031-04-02', '2031-04-03']) await make(day);
      const ballot = aStoredResponse();
      await responseStore(t.db, t.tables.responses).putResponseOnce(ballot);
      const ballotsBefore = await countAll(t.db, t.tables.responses);
      const keeper = saltKeeper(t.db, t.tables.responses);

      // act: 00:30 on 3 April in China is still 2 April in UTC
      const forgotten = await forgetPastSalts({ ...keeper, now: () => new Date('2031-04-02T16:30:00Z') });

      // assert
      expect(forgotten).toEqual(expect.arrayContaining(['2031-04-01', '2031-04-02']));
      expect(forgotten).not.toContain('2031-04-03');
      expect(await keeper.saltDays()).toContain('2031-04-03');
      expect(await keeper.saltDays()).not.toContain('2031-04-01');
      expect(await countAll(t.db, t.tables.responses)).toBe(ballotsBefore);
      expect(await responseStore(t.db, t.tables.responses).getBallot(period.periodId, ballot.ballotRef)).toEqual(ballot);
    });
  });

  describe('periodBallots', () => {
    it('reads every stored item of a period from all 16 shards, page by page, unreadable ones included', async () => {
      // prepare: another period, 1,500 ballots in shard 0 and one in each other shard (one of them an enterprise's)
      const periodId = 'paged-period';
      const shardOf = (ballotRef: string) => Number.parseInt(responseKey(periodId, ballotRef).pk.split('#').at(-1)!, 16);
      const refs = Array.from({ length: 40_000 }, (_, i) => `o.paged${String(i).padStart(6, '0')}`);
      const inShard0 = refs.filter((ref) => shardOf(ref) === 0).slice(0, 1_500);
      const oneInEach = Array.from({ length: SHARDS - 1 }, (_, s) => refs.find((ref) => shardOf(ref) === s + 1)!);
      const response = (ballotRef: string, group = 'citizen') => ({
        ...aResponse({ ballotRef, periodId, group }),
        ...responseKey(periodId, ballotRef),
      });
      const items = [...inShard0.map((ref) => response(ref)), ...oneInEach.map((ref, i) => response(ref, i === 0 ? 'enterprise' : 'citizen'))];
      expect(inShard0).toHaveLength(1_500);
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
      const unreadable = { ...responseKey(periodId, 'o.unreadable'), units: { 'tax-bureau': {} }, version: 'one' };
      await t.db.send(new PutCommand({ TableName: t.tables.responses, Item: unreadable }));

      // act
      const ballots: StoredBallot[] = [];
      const sent = await commandsDuring(t.db, async () => {
        for await (const { ballot } of responseStore(t.db, t.tables.responses).periodBallots(periodId)) ballots.push(ballot);
      });

      // assert
      expect(ballots).toHaveLength(1_500 + SHARDS - 1 + 1);
      expect(sent.filter((c) => c === 'QueryCommand').length).toBeGreaterThan(SHARDS);
      expect(ballots.filter((b) => !b.ok)).toEqual([{ ok: false, unitIds: ['tax-bureau'] }]);
      expect(ballots.filter((b) => b.ok && b.response.group === 'enterprise')).toHaveLength(1);
    });
  });
});
