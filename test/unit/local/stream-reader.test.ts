import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as SdkRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countResponses } from '../../../functions/routes/evaluation';
import { startStreamReader, toLambdaRecord, type StreamReader } from '../../../infra/local/streams';
import { scriptedConsumer, sortKeysOf } from '../../fixtures/stream-handlers';

/**
 * The local stream reader's shard rules, on a stream whose shards DynamoDB Local does not split on demand:
 * a parent shard read to its end before its child, a child whose parent is gone read at once.
 */

const STREAM_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/it-Responses/stream/2026-11-29T00:00:00.000';
const streams = mockClient(DynamoDBStreamsClient);
const dynamo = mockClient(DynamoDBClient);
let reader: StreamReader | undefined;

/** A ballot's INSERT record as the stream API gives it (SDK types: a Date, binary as bytes). */
const ballotRecord = (n: number): SdkRecord => ({
  eventID: `event-${n}`,
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'ddblocal',
  dynamodb: {
    ApproximateCreationDateTime: new Date(),
    Keys: { pk: { S: 'P#2026#a' }, sk: { S: `B#o.${n}` } },
    NewImage: { pk: { S: 'P#2026#a' }, sk: { S: `B#o.${n}` }, n: { N: String(n) } },
    SequenceNumber: String(n).padStart(21, '0'),
    SizeBytes: 40,
    StreamViewType: 'NEW_IMAGE',
  },
});

beforeEach(() => {
  streams.reset();
  dynamo.reset();
  dynamo.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: STREAM_ARN, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } } });
});
afterEach(async () => {
  await reader?.stop();
  reader = undefined;
});

function start(handler: ReturnType<typeof scriptedConsumer>['handler']) {
  reader = startStreamReader({
    endpoint: 'http://127.0.0.1:1',
    consumers: [{ consumer: countResponses, tableName: 'it-Responses', handler }],
    pollMs: 5,
    retryDelayMs: 0,
    log: () => undefined,
  });
  return reader;
}

describe('the local stream reader and shards', () => {
  it('reads a parent shard to its end, and hands its records over, before it reads the child', async () => {
    // prepare: the child is listed first; the parent is closed (no next iterator) after two records
    streams.on(DescribeStreamCommand).resolves({
      StreamDescription: { StreamArn: STREAM_ARN, Shards: [{ ShardId: 'child', ParentShardId: 'parent' }, { ShardId: 'parent' }] },
    });
    streams.on(GetShardIteratorCommand, { ShardId: 'parent' }).resolves({ ShardIterator: 'parent-0' });
    streams.on(GetShardIteratorCommand, { ShardId: 'child' }).resolves({ ShardIterator: 'child-0' });
    streams.on(GetRecordsCommand, { ShardIterator: 'parent-0' }).resolves({ Records: [ballotRecord(1), ballotRecord(2)] });
    streams.on(GetRecordsCommand, { ShardIterator: 'child-0' }).resolves({ Records: [ballotRecord(3), ballotRecord(4)], NextShardIterator: 'child-1' });
    streams.on(GetRecordsCommand, { ShardIterator: 'child-1' }).resolves({ Records: [], NextShardIterator: 'child-1' });
    const consumer = scriptedConsumer();

    // act
    await start(consumer.handler).drain();

    // assert
    expect(sortKeysOf(consumer.handled)).toEqual(['B#o.1', 'B#o.2', 'B#o.3', 'B#o.4']);
    expect(consumer.events.map((event) => sortKeysOf(event.Records))).toEqual([['B#o.1', 'B#o.2'], ['B#o.3', 'B#o.4']]);
    const iterators = streams.commandCalls(GetShardIteratorCommand).map((call) => call.args[0].input);
    expect(iterators.map((input) => [input.ShardId, input.ShardIteratorType])).toEqual([
      ['parent', 'TRIM_HORIZON'],
      ['child', 'TRIM_HORIZON'],
    ]);
    // A closed shard is not read again.
    expect(streams.commandCalls(GetRecordsCommand, { ShardIterator: 'parent-0' })).toHaveLength(1);
  });

  it('reads a child at once when its parent is no longer in the stream (trimmed after 24 h)', async () => {
    // prepare
    streams.on(DescribeStreamCommand).resolves({ StreamDescription: { StreamArn: STREAM_ARN, Shards: [{ ShardId: 'child', ParentShardId: 'gone' }] } });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'child-0' });
    streams.on(GetRecordsCommand, { ShardIterator: 'child-0' }).resolves({ Records: [ballotRecord(7)], NextShardIterator: 'child-1' });
    streams.on(GetRecordsCommand, { ShardIterator: 'child-1' }).resolves({ Records: [], NextShardIterator: 'child-1' });
    const consumer = scriptedConsumer();

    // act
    await start(consumer.handler).drain();

    // assert
    expect(sortKeysOf(consumer.handled)).toEqual(['B#o.7']);
  });

  it('lists every page of shards', async () => {
    // prepare: two pages of DescribeStream
    streams.on(DescribeStreamCommand).callsFake((input: { ExclusiveStartShardId?: string }) =>
      input.ExclusiveStartShardId === 'first'
        ? { StreamDescription: { StreamArn: STREAM_ARN, Shards: [{ ShardId: 'second' }] } }
        : { StreamDescription: { StreamArn: STREAM_ARN, Shards: [{ ShardId: 'first' }], LastEvaluatedShardId: 'first' } },
    );
    streams.on(GetShardIteratorCommand, { ShardId: 'first' }).resolves({ ShardIterator: 'first-0' });
    streams.on(GetShardIteratorCommand, { ShardId: 'second' }).resolves({ ShardIterator: 'second-0' });
    streams.on(GetRecordsCommand, { ShardIterator: 'first-0' }).resolves({ Records: [ballotRecord(1)] });
    streams.on(GetRecordsCommand, { ShardIterator: 'second-0' }).resolves({ Records: [ballotRecord(2)] });
    const consumer = scriptedConsumer();

    // act
    await start(consumer.handler).drain();

    // assert
    expect(sortKeysOf(consumer.handled).sort()).toEqual(['B#o.1', 'B#o.2']);
  });
});

describe('the local stream reader between rounds', () => {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** One open shard whose every read gives `perRead(n)` new records (n: the read's number, from 1). */
  function trickle(perRead: (n: number) => number) {
    let next = 1;
    let reads = 0;
    streams.on(DescribeStreamCommand).resolves({ StreamDescription: { StreamArn: STREAM_ARN, Shards: [{ ShardId: 'only' }] } });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it' });
    streams.on(GetRecordsCommand).callsFake(() => {
      reads += 1;
      const records = Array.from({ length: perRead(reads) }, () => ballotRecord(next++));
      return { Records: records, NextShardIterator: 'it' };
    });
  }

  function startPolling(pollMs: number, handler: ReturnType<typeof scriptedConsumer>['handler']) {
    reader = startStreamReader({
      endpoint: 'http://127.0.0.1:1',
      consumers: [{ consumer: countResponses, tableName: 'it-Responses', handler }],
      pollMs,
      retryDelayMs: 0,
      log: () => undefined,
    });
    return reader;
  }

  it('reads on at the poll interval, not at once, while the records read only wait in a batch, and lists the shards once meanwhile', async () => {
    // prepare: a record on every read until the drain; the counting function's batch (100 records, 5 s window) is not due
    let flowing = true;
    trickle(() => (flowing ? 1 : 0));
    const consumer = scriptedConsumer();

    // act
    const started = startPolling(100, consumer.handler);
    await pause(600);
    const readsBeforeDrain = streams.commandCalls(GetRecordsCommand).length;
    const listingsBeforeDrain = streams.commandCalls(DescribeStreamCommand).length;
    flowing = false;
    await started.drain();

    // assert: about one read per 100 ms (a read at once after each would make hundreds in 600 ms)
    expect(readsBeforeDrain).toBeGreaterThanOrEqual(2);
    expect(readsBeforeDrain).toBeLessThanOrEqual(10);
    expect(listingsBeforeDrain).toBe(1);
    expect(consumer.events).toHaveLength(1);
    expect(consumer.handled.length).toBeGreaterThanOrEqual(readsBeforeDrain);
    // The drain lists the shards again: it must see a shard opened since.
    expect(streams.commandCalls(DescribeStreamCommand).length).toBeGreaterThan(listingsBeforeDrain);
  });

  it('reads on at once after a full page, where more records wait', async () => {
    // prepare: a full page (1,000 records), then one record on each later read
    trickle((n) => (n === 1 ? 1_000 : 1));
    const consumer = scriptedConsumer();

    // act: a poll interval far longer than the test; the second read must come without waiting for it
    startPolling(60_000, consumer.handler);
    await vi.waitFor(() => expect(streams.commandCalls(GetRecordsCommand).length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    await pause(200);

    // assert: the full page, its batches handed over, and the read right after it; then the reader waits
    expect(streams.commandCalls(GetRecordsCommand)).toHaveLength(2);
    expect(consumer.handled).toHaveLength(1_000);
  });
});

describe('toLambdaRecord', () => {
  it('keeps the images in DynamoDB JSON, with binary as base64, an empty map as { M: {} } and the creation time in epoch seconds, as the Lambda event has them', () => {
    // prepare
    const record = ballotRecord(5);
    record.dynamodb!.NewImage!.key = { B: new Uint8Array([1, 2, 3]) };
    record.dynamodb!.NewImage!.nested = { M: { keys: { BS: [new Uint8Array([255])] }, list: { L: [{ B: new Uint8Array([0]) }, { N: '1' }] } } };
    // DynamoDB Local's stream writes an empty map as {} (the SDK hands that on as it is)
    record.dynamodb!.NewImage!.answers = {} as never;
    record.dynamodb!.ApproximateCreationDateTime = new Date('2026-11-29T04:47:12.345Z');

    // act
    const event = toLambdaRecord(record, STREAM_ARN);

    // assert
    expect(event).toEqual({
      eventID: 'event-5',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: expect.any(String),
      eventSourceARN: STREAM_ARN,
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2026-11-29T04:47:12Z') / 1000,
        Keys: { pk: { S: 'P#2026#a' }, sk: { S: 'B#o.5' } },
        NewImage: {
          pk: { S: 'P#2026#a' },
          sk: { S: 'B#o.5' },
          n: { N: '5' },
          key: { B: 'AQID' },
          nested: { M: { keys: { BS: ['/w=='] }, list: { L: [{ B: 'AA==' }, { N: '1' }] } } },
          answers: { M: {} },
        },
        SequenceNumber: '000000000000000000005',
        SizeBytes: 40,
        StreamViewType: 'NEW_IMAGE',
      },
    });
  });
});
