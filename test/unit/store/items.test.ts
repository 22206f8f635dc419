import { ConditionalCheckFailedException, ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConflictError } from '../../../functions/domain/errors';
import { PeriodTally } from '../../../functions/domain/evaluation/tally';
import { snapshotDay } from '../../../functions/domain/evaluation/snapshot';
import { mapError } from '../../../functions/platform/errors';
import { createDocumentClient } from '../../../functions/store/client';
import { SHARDS, responseKey } from '../../../functions/store/evaluation/response-store';
import { tallyStore } from '../../../functions/store/evaluation/tally-store';
import { conflictOf, itemsOf } from '../../../functions/store/items';
import { BATCH_RETRIES, UnprocessedError } from '../../../functions/store/retry';
import { tallyInputs } from '../../fixtures/ballots';
import { DURING_PERIOD, aFormVersion, aPeriod, aResponse, openBallotOf } from '../../fixtures/catalog';

const ddb = mockClient(DynamoDBDocumentClient);
const db = createDocumentClient();
const TABLE = 'unit-Catalog';

beforeEach(() => {
  ddb.reset();
  // no waiting between retries
  vi.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => vi.restoreAllMocks());

describe('conflictOf', () => {
  it('turns a failed condition, alone or in a transaction, into a ConflictError with the reason', () => {
    // prepare
    const failed = new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });
    const cancelled = new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });

    // act & assert
    expect(() => conflictOf(failed, 'alreadyExists', { id: 'x' })).toThrow(ConflictError);
    expect(() => conflictOf(cancelled, 'staleRevision', {})).toThrow(expect.objectContaining({ reason: 'staleRevision' }) as unknown as Error);
  });

  it('rethrows everything else, a transaction cancelled for another reason included', () => {
    // prepare
    const throttled = new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'ThrottlingError' }],
    });
    const other = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });

    // act & assert
    expect(() => conflictOf(throttled, 'staleRevision', {})).toThrow(throttled);
    expect(() => conflictOf(other, 'alreadyExists', {})).toThrow(other);
  });
});

describe('itemsOf(...).batchGet', () => {
  it('asks for at most 100 keys a call and again for the keys DynamoDB left unprocessed', async () => {
    // prepare
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: 'UNIT', sk: `u${i}` }));
    const leftOver = keys.slice(0, 2);
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: keys.slice(2, 100) }, UnprocessedKeys: { [TABLE]: { Keys: leftOver } } })
      .resolvesOnce({ Responses: { [TABLE]: leftOver } })
      .resolvesOnce({ Responses: { [TABLE]: keys.slice(100) } });

    // act
    const found = await itemsOf(db, TABLE).batchGet(keys);

    // assert
    expect(found).toHaveLength(150);
    const asked = ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.[TABLE]?.Keys?.length);
    expect(asked).toEqual([100, 2, 50]);
  });

  it('gives up after its retries with an error answered as 503', async () => {
    // prepare
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [{ pk: 'UNIT', sk: 'u1' }] } } });

    // act
    const read = itemsOf(db, TABLE).batchGet([{ pk: 'UNIT', sk: 'u1' }]);

    // assert
    await expect(read).rejects.toBeInstanceOf(UnprocessedError);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, BATCH_RETRIES + 1);
    expect(mapError(new UnprocessedError('BatchGetItem'), 'en', 'r').result.statusCode).toBe(503);
  });
});

describe('tallyStore(...).saveTallies', () => {
  it("writes tallies and the day's snapshots 25 a batch, retrying unprocessed ones, and records the day, then the run, last", async () => {
    // prepare
    const version = aFormVersion({ content: { ...aFormVersion().content, unitIds: Array.from({ length: 30 }, (_, i) => `unit-${i}`) } });
    const tally = new PeriodTally(aPeriod(), tallyInputs());
    for (let i = 0; i < 30; i++) {
      const response = aResponse({ ...openBallotOf(`6f1c1f0e-6a43-4c8e-9d7e-2f7a1f4b9c${String(i).padStart(2, '0')}`), units: { [`unit-${i}`]: { overall: 'satisfied' } } });
      tally.add({ ok: true, response }, version);
    }
    const { run, tallies, batches } = tally.result(DURING_PERIOD);
    ddb.on(QueryCommand).resolves({ Items: [] });
    const order: string[] = [];
    ddb
      .on(BatchWriteCommand)
      .callsFake(async (input: { RequestItems: Record<string, { PutRequest: { Item: { sk: string } } }[]> }) => {
        const items = input.RequestItems['unit-Tallies']!;
        order.push(`batch of ${items.length}`);
        // the first call leaves its first item unprocessed
        return order.length === 1 ? { UnprocessedItems: { 'unit-Tallies': items.slice(0, 1) } } : {};
      });
    ddb.on(PutCommand).callsFake(async (input: { Item: { sk: string } }) => void order.push(`put ${input.Item.sk}`));

    // act
    await tallyStore(db, 'unit-Tallies').saveTallies(run, tallies, batches);

    // assert
    // 30 tallies and 30 snapshots of the run's CST day.
    expect(order).toEqual(['batch of 25', 'batch of 1', 'batch of 25', 'batch of 10', `put D#${snapshotDay(run.computedAt)}`, 'put RUN']);
  });
});

describe('responseKey', () => {
  it('depends on the period and the ballot reference only, and spreads ballots over the 16 shards', () => {
    // prepare
    const refs = Array.from({ length: 400 }, (_, i) => openBallotOf(`6f1c1f0e-6a43-4c8e-9d7e-2f7a1f4b${String(i).padStart(4, '0')}`).ballotRef);

    // act
    const partitions = refs.map((ref) => responseKey('2026-annual', ref).pk);

    // assert
    const perShard = new Map<string, number>();
    for (const pk of partitions) perShard.set(pk, (perShard.get(pk) ?? 0) + 1);
    expect(perShard.size).toBe(SHARDS);
    for (const count of perShard.values()) expect(count).toBeGreaterThan(400 / SHARDS / 3);
    expect(responseKey('2026-annual', refs[10]!)).toEqual({ pk: expect.stringMatching(/^P#2026-annual#[0-9a-f]$/), sk: `B#${refs[10]}` });
    expect(responseKey('2026-annual', refs[10]!)).toEqual(responseKey('2026-annual', refs[10]!));
    expect(responseKey('2027-annual', refs[10]!).pk).toMatch(/^P#2027-annual#/);
  });
});
