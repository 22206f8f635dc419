import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { streamConsumers, type StreamConsumer } from '../../functions/routes';
import { countResponses } from '../../functions/routes/evaluation';
import { BALLOT_PREFIX, responseKey } from '../../functions/store/evaluation/response-store';
import { createTables, deleteTables, localDynamoClient, tableNames } from '../../infra/local/dynamodb';
import { startStreamReader, type StreamReader, type StreamReaderOptions } from '../../infra/local/streams';
import { saltItem } from '../fixtures/items';
import { scriptedConsumer, sortKeysOf, type BatchVerdict } from '../fixtures/stream-handlers';
import { countItems, freshTables, startTestStack, type TestStack, type TestTables } from './helpers';

/**
 * The local stream reader (infra/local/streams.ts) on DynamoDB Local's real stream of the responses table,
 * with stand-in consumers: what the counting function will be handed, in which batches, and again after
 * which failures.
 */

// Fresh tables for each test: a reader starts at the oldest record of the stream, so each test's stream
// holds what that test wrote only.
let t: TestTables;
let readers: StreamReader[] = [];
let scratch: string;

beforeEach(async () => {
  t = await freshTables();
  scratch = mkdtempSync(join(tmpdir(), 'pingyi-streams-'));
});
afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.stop()));
  await t.drop();
  rmSync(scratch, { recursive: true, force: true });
});

let period = 0;
/** A period of its own for each test, so that what one test writes is told apart from another's. */
const newPeriod = () => `stream-${++period}-${Date.now()}`;

/** Ballot items of a period (as response-store.ts keys them), written one by one in this order. */
async function writeBallots(periodId: string, count: number, from = 0): Promise<string[]> {
  const sortKeys: string[] = [];
  for (let i = from; i < from + count; i++) {
    const ref = `o.${periodId}-${String(i).padStart(4, '0')}`;
    const key = responseKey(periodId, ref);
    await t.db.send(new PutCommand({ TableName: t.tables.responses, Item: { ...key, periodId, ballotRef: ref, units: ['tax-bureau'], points: i } }));
    sortKeys.push(key.sk);
  }
  return sortKeys;
}

/** The records of this test's period among those handed over (the stream holds every test's writes). */
const ofPeriod = (periodId: string, sortKeys: (string | undefined)[]) => sortKeys.filter((sk) => sk?.includes(periodId));

/** A reader of the responses table's stream for `consumer` (the counting function's declaration unless given). */
function reader(handler: StreamReaderOptions['consumers'][number]['handler'], consumer: StreamConsumer = countResponses, options: Partial<StreamReaderOptions> = {}) {
  const started = startStreamReader({
    endpoint: t.endpoint,
    consumers: [{ consumer, tableName: t.tables.responses, handler }],
    pollMs: 50,
    retryDelayMs: 0,
    log: () => undefined,
    ...options,
  });
  readers.push(started);
  return started;
}

/** The counting function's declaration with other limits (a test's own, smaller numbers). */
const withStream = (stream: Partial<StreamConsumer['stream']>): StreamConsumer => ({ ...countResponses, stream: { ...countResponses.stream, ...stream } });

describe('the local stream reader', () => {
  it('reads the stream of the table the counting function declares, made by createTables from store/tables.ts', async () => {
    // prepare
    const admin = localDynamoClient(t.endpoint);

    // act
    const { Table } = await admin.send(new DescribeTableCommand({ TableName: t.tables.responses }));
    admin.destroy();

    // assert
    // the counting function's; the audit consumers read their own tables' (routes/audit.ts)
    expect(streamConsumers.map((consumer) => consumer.stream.table)).toContain('responses');
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  });

  it('hands every new ballot over once, in the order of its shard, in batches of at most batchSize, as Lambda builds the event', async () => {
    // prepare: the records are in the stream before the reader starts, so the batches are full ones, and
    // ten salts of the day between them
    const periodId = newPeriod();
    const written = await writeBallots(periodId, 120);
    for (let i = 0; i < 10; i++) await t.db.send(new PutCommand({ TableName: t.tables.responses, Item: saltItem(`2026-11-${10 + i}`, `salt-${i}`) }));
    written.push(...(await writeBallots(periodId, 130, 120)));
    const consumer = scriptedConsumer();
    const started = Math.floor(Date.now() / 1000);

    // act
    await reader(consumer.handler).drain();

    // assert
    const mine = consumer.events.map((event) => ofPeriod(periodId, sortKeysOf(event.Records)).length).filter((n) => n > 0);
    expect(mine).toEqual([100, 100, 50]);
    expect(ofPeriod(periodId, sortKeysOf(consumer.handled))).toEqual(written);
    const sequence = consumer.handled.map((record) => BigInt(record.dynamodb!.SequenceNumber!));
    expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const admin = localDynamoClient(t.endpoint);
    const { Table } = await admin.send(new DescribeTableCommand({ TableName: t.tables.responses }));
    admin.destroy();
    const record = consumer.handled.find((r) => r.dynamodb?.Keys?.sk?.S === written[7])!;
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: Table!.LatestStreamArn,
      awsRegion: expect.any(String),
      eventID: expect.any(String),
      dynamodb: {
        Keys: { pk: { S: responseKey(periodId, `o.${periodId}-0007`).pk }, sk: { S: written[7] } },
        // DynamoDB JSON, as in the event on AWS: numbers as strings, lists as L.
        NewImage: { periodId: { S: periodId }, points: { N: '7' }, units: { L: [{ S: 'tax-bureau' }] }, sk: { S: written[7] } },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_IMAGE',
      },
    });
    const created = record.dynamodb!.ApproximateCreationDateTime!;
    expect(Number.isInteger(created)).toBe(true);
    expect(Math.abs(created - started)).toBeLessThan(120);
  });

  it('hands an empty map over as DynamoDB Streams writes it, { M: {} }, though DynamoDB Local writes {}', async () => {
    // prepare: a ballot with no answers outside its units, as the one-unit forms store it
    const periodId = newPeriod();
    const key = responseKey(periodId, 'o.empty');
    await t.db.send(new PutCommand({ TableName: t.tables.responses, Item: { ...key, answers: {}, units: { 'tax-bureau': { overall: 'satisfied', problems: [] } } } }));
    const consumer = scriptedConsumer();

    // act
    await reader(consumer.handler).drain();

    // assert
    const image = consumer.handled[0]!.dynamodb!.NewImage!;
    expect(image.answers).toEqual({ M: {} });
    expect(image.units).toEqual({ M: { 'tax-bureau': { M: { overall: { S: 'satisfied' }, problems: { L: [] } } } } });
    expect(unmarshall(image as Parameters<typeof unmarshall>[0])).toMatchObject({ answers: {}, units: { 'tax-bureau': { overall: 'satisfied', problems: [] } } });
  });

  it('never hands over a salt, nor a change or removal of a ballot', async () => {
    // prepare
    const periodId = newPeriod();
    const [ballot] = await writeBallots(periodId, 1);
    const key = responseKey(periodId, `o.${periodId}-0000`);
    await t.db.send(new PutCommand({ TableName: t.tables.responses, Item: saltItem(`2026-${periodId}`, 'salt-of-the-day') }));
    await t.db.send(new UpdateCommand({ TableName: t.tables.responses, Key: key, UpdateExpression: 'SET points = :p', ExpressionAttributeValues: { ':p': 99 } }));
    await t.db.send(new DeleteCommand({ TableName: t.tables.responses, Key: key }));
    await t.db.send(new DeleteCommand({ TableName: t.tables.responses, Key: { pk: saltItem(`2026-${periodId}`, '').pk, sk: `2026-${periodId}` } }));
    const [later] = await writeBallots(periodId, 1, 1);
    const consumer = scriptedConsumer();

    // act
    await reader(consumer.handler).drain();

    // assert
    const all = consumer.events.flatMap((event) => event.Records);
    expect(all.every((record) => record.eventName === 'INSERT' && record.dynamodb!.Keys!.sk!.S!.startsWith(BALLOT_PREFIX))).toBe(true);
    expect(ofPeriod(periodId, sortKeysOf(all))).toEqual([ballot, later]);
    expect(all.some((record) => record.dynamodb?.NewImage?.salt)).toBe(false);
  });

  it('hands a record the handler reports as failed over again, with every record after it, and none before it', async () => {
    // prepare: on its first batch, the handler cannot count the fourth record
    const periodId = newPeriod();
    const written = await writeBallots(periodId, 10);
    let failed = false;
    const consumer = scriptedConsumer((records): BatchVerdict => {
      const at = records.findIndex((r) => r.dynamodb?.Keys?.sk?.S === written[3]);
      if (at < 0 || failed) return 'handle';
      failed = true;
      return { failFrom: at };
    });

    // act
    const started = reader(consumer.handler);
    await started.drain();

    // assert
    const batches = consumer.events.map((event) => ofPeriod(periodId, sortKeysOf(event.Records))).filter((keys) => keys.length > 0);
    expect(batches).toEqual([written, written.slice(3)]);
    expect(ofPeriod(periodId, sortKeysOf(consumer.handled))).toEqual(written);
    expect(started.failures).toEqual([]);
  });

  it('splits a batch whose handler throws, retries the record that still fails, then gives it to the on-failure sink and goes on', async () => {
    // prepare: the sixth of eight ballots always makes the handler throw
    const periodId = newPeriod();
    const written = await writeBallots(periodId, 8);
    const poison = written[5];
    const consumer = scriptedConsumer((records) => (records.some((r) => r.dynamodb?.Keys?.sk?.S === poison) ? { throw: 'cannot count this one' } : 'handle'));
    const failureFile = join(scratch, 'failures.jsonl');
    const started = reader(consumer.handler, withStream({ retryAttempts: 2 }), { failureFile });

    // act
    await started.drain();
    const after = await writeBallots(periodId, 2, 8);
    await started.drain();

    // assert: halves on each error (no retry counted), then the one record retried twice
    const sizes = consumer.events.map((event) => ofPeriod(periodId, sortKeysOf(event.Records)).length).filter((n) => n > 0);
    expect(sizes).toEqual([8, 4, 4, 2, 1, 1, 1, 1, 2, 2]);
    expect(ofPeriod(periodId, sortKeysOf(consumer.handled))).toEqual([...written.filter((sk) => sk !== poison), ...after]);
    expect(started.failures).toHaveLength(1);
    const [failure] = started.failures;
    expect(sortKeysOf(failure!.records)).toEqual([poison]);
    expect(failure!.lastError).toContain('cannot count this one');
    expect(failure!.message).toMatchObject({
      version: '1.0',
      requestContext: { condition: 'RetryAttemptsExhausted', functionArn: expect.stringContaining('countResponses') },
      DDBStreamBatchInfo: {
        startSequenceNumber: failure!.records[0]!.dynamodb!.SequenceNumber,
        endSequenceNumber: failure!.records[0]!.dynamodb!.SequenceNumber,
        batchSize: 1,
        streamArn: failure!.records[0]!.eventSourceARN,
      },
    });
    const lines = readFileSync(failureFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => sortKeysOf(line.records))).toEqual([[poison]]);
  });

  it('retries a batch after a passing fault and loses nothing', async () => {
    // prepare: the first invocation that sees this period throws, later ones succeed
    const periodId = newPeriod();
    const written = await writeBallots(periodId, 3);
    let thrown = 0;
    const consumer = scriptedConsumer((records) => {
      if (thrown < 3 && records.some((r) => r.dynamodb?.Keys?.sk?.S?.includes(periodId))) {
        thrown += 1;
        return { throw: 'DynamoDB throttled' };
      }
      return 'handle';
    });

    // act
    const started = reader(consumer.handler);
    await started.drain();

    // assert
    expect(ofPeriod(periodId, sortKeysOf(consumer.handled))).toEqual(written);
    expect(started.failures).toEqual([]);
  });

  it('drains without waiting out the batching window, and hands over a part batch by itself once the window has passed', async () => {
    // prepare
    const periodId = newPeriod();
    const consumer = scriptedConsumer();
    const started = reader(consumer.handler, withStream({ maxBatchingWindowSeconds: 1 }));
    await started.drain();

    // act: a drain right after writing
    const first = await writeBallots(periodId, 3);
    const drainStarted = performance.now();
    await started.drain();
    const drainMs = performance.now() - drainStarted;
    // then nobody waits: the window alone hands the next records over
    const second = await writeBallots(periodId, 2, 3);
    await expect.poll(() => ofPeriod(periodId, sortKeysOf(consumer.handled)).length, { timeout: 5_000, interval: 100 }).toBe(5);

    // assert
    expect(ofPeriod(periodId, sortKeysOf(consumer.handled))).toEqual([...first, ...second]);
    expect(drainMs).toBeLessThan(1_000);
  });

  it('goes on after the last record handled when started again on a checkpoint file, as a mapping keeps its place', async () => {
    // prepare
    const periodId = newPeriod();
    const checkpointFile = join(scratch, 'checkpoints.json');
    const before = await writeBallots(periodId, 3);
    const first = scriptedConsumer();
    const one = reader(first.handler, countResponses, { checkpointFile });
    await one.drain();
    await one.stop();

    // act
    const after = await writeBallots(periodId, 2, 3);
    const second = scriptedConsumer();
    await reader(second.handler, countResponses, { checkpointFile }).drain();

    // assert
    expect(ofPeriod(periodId, sortKeysOf(first.handled))).toEqual(before);
    expect(ofPeriod(periodId, sortKeysOf(second.handled))).toEqual(after);
    expect(existsSync(checkpointFile)).toBe(true);
  });

  it('rejects a drain once stopped', async () => {
    const started = reader(scriptedConsumer().handler);
    await started.stop();
    await expect(started.drain()).rejects.toThrow(/stopped/);
  });
});

describe('createTables', () => {
  it('turns the stream on for a kept responses table made before it had one, and leaves its items', async () => {
    // prepare: a responses table as an older Pingyi made it, without a stream
    const names = tableNames(`it-old-${Date.now()}`);
    const admin = localDynamoClient(t.endpoint);
    await admin.send(
      new CreateTableCommand({
        TableName: names.responses,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    await t.db.send(new PutCommand({ TableName: names.responses, Item: { pk: 'P#old#0', sk: 'B#o.kept' } }));

    try {
      // act
      const created = await createTables(admin, names);

      // assert
      expect(created).not.toContain(names.responses);
      const { Table } = await admin.send(new DescribeTableCommand({ TableName: names.responses }));
      expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
      const { Table: catalog } = await admin.send(new DescribeTableCommand({ TableName: names.catalog }));
      expect(catalog?.StreamSpecification).toBeUndefined();
      expect(await countItems(t.db, names.responses, 'P#old#0')).toBe(1);
    } finally {
      await deleteTables(admin, names);
      admin.destroy();
    }
  });
});

describe('the local stack with its stream reader', () => {
  let test: TestStack;
  const consumer = scriptedConsumer((records) =>
    records.some((r) => r.dynamodb?.NewImage?.poison?.BOOL === true) ? { throw: 'poison' } : 'handle',
  );

  beforeAll(async () => {
    test = await startTestStack('streams', { streams: { handlers: { countResponses: consumer.handler }, pollMs: 50, retryDelayMs: 0 } });
  });
  afterAll(async () => {
    await test?.stop();
  });

  it('hands the ballots written to its responses table to the counting function, and drainStreams waits for them', async () => {
    // prepare
    const { stack } = test;
    const periodId = newPeriod();
    const items = Array.from({ length: 5 }, (_, i) => ({ ...responseKey(periodId, `o.${i}`), periodId }));

    // act
    await t.db.send(new BatchWriteCommand({ RequestItems: { [stack.tables.responses]: items.map((Item) => ({ PutRequest: { Item } })) } }));
    await t.db.send(new PutCommand({ TableName: stack.tables.responses, Item: saltItem('2026-11-29', 'salt') }));
    await stack.drainStreams();

    // assert
    expect(sortKeysOf(consumer.handled).sort()).toEqual(items.map((item) => item.sk).sort());
    expect(consumer.events.flatMap((event) => event.Records).every((r) => r.eventSourceARN?.includes(stack.tables.responses))).toBe(true);
  });

  it('gives up a batch after the declared retries, shows it in streamFailures and in the data dir, and goes on', async () => {
    // prepare
    const { stack } = test;
    const periodId = newPeriod();
    const poison = { ...responseKey(periodId, 'o.poison'), periodId, poison: true };
    const next = { ...responseKey(periodId, 'o.next'), periodId };

    // act
    await t.db.send(new PutCommand({ TableName: stack.tables.responses, Item: poison }));
    await t.db.send(new PutCommand({ TableName: stack.tables.responses, Item: next }));
    await stack.drainStreams();

    // assert
    expect(stack.streamFailures).toHaveLength(1);
    expect(sortKeysOf(stack.streamFailures[0]!.records)).toEqual([poison.sk]);
    expect(stack.streamFailures[0]!.message.requestContext.condition).toBe('RetryAttemptsExhausted');
    const poisonCalls = consumer.events.filter((event) => sortKeysOf(event.Records).includes(poison.sk));
    // one try of the pair, its split, then the poison alone: once and its declared retries
    expect(poisonCalls.filter((event) => event.Records.length === 1)).toHaveLength(countResponses.stream.retryAttempts + 1);
    expect(sortKeysOf(consumer.handled)).toContain(next.sk);
    expect(readFileSync(join(test.dataDir, 'stream-failures.jsonl'), 'utf8')).toContain(poison.sk);
  });
});
