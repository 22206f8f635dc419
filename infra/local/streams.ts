import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue as SdkAttributeValue,
  type _Record as SdkRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamConsumer } from '../../functions/routes';
import { STREAM_CONSUMER_TIMEOUT_SECONDS, matchesFilterPattern, streamFilterPattern, type FilterPattern } from '../constructs/stream-mapping';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from './dynamodb';
import { invoke, type LambdaHandler } from './lambda';

/**
 * The local event source mapping: reads DynamoDB Local's stream of a table and invokes each stream consumer
 * of functions/routes.ts with batches of it, as Lambda does on AWS (infra/constructs/stream-consumer.ts):
 *
 * - every shard of the stream is read, a child shard only once its parent is read to its end; a shard is
 *   read from its oldest record (TRIM_HORIZON) the first time — `npm start` on fresh data has an empty
 *   table anyway — and, where a checkpoint file is given (persistent data), after the last record handled
 *   on a later start, as a mapping keeps its position across deployments;
 * - records pass the consumer's filter (the same pattern as the mapping's, stream-mapping.ts) before
 *   batching; a batch holds up to `batchSize` records of one shard, handed over when full, when the batching
 *   window has passed, or at once while someone waits in `drain()`;
 * - the event is the one Lambda builds: `Records` with `eventID`, `eventName`, `eventSource` `aws:dynamodb`,
 *   `eventSourceARN`, `awsRegion` and `dynamodb` — `Keys`, `NewImage` in DynamoDB JSON, `SequenceNumber`,
 *   `SizeBytes`, `StreamViewType`, `ApproximateCreationDateTime` in epoch seconds;
 * - the handler is called through lambda.ts `invoke`, with a context like Lambda's, as routes and jobs are;
 * - an answer with `batchItemFailures` hands the first failed record and every later one over again (one
 *   retry); a thrown error (or an answer naming no record of the batch) splits the batch in two, each half
 *   handed over on its own — no retry counted — and a single record that fails is retried; after
 *   `retryAttempts` retries, or once a record is older than `maxRecordAgeSeconds`, the records go to the
 *   on-failure sink: logged, kept in `failures`, and appended to the failure file. No record is ever
 *   skipped: each is handled, or given to the sink, in order, before the next.
 *
 * Shards are read one after the other, so `parallelizationFactor` (one batch per shard at a time on AWS by
 * default) has no local effect. They are listed again every SHARD_LIST_MS, and at once when a drain waits,
 * when none is open, or when a closed shard's child is not known yet. A round reads on at once only while
 * records remain (a full page, a hand-over just made); records that wait in a batch are read on at the base
 * poll, so a steady trickle of writes does not keep the reader, and DynamoDB Local, busy with a call per record.
 */

/** One consumer the reader feeds: its declaration, the local table whose stream it reads, and its handler. */
export interface LocalStreamConsumer {
  consumer: StreamConsumer;
  /** The local name of `consumer.stream.table`. */
  tableName: string;
  handler: LambdaHandler;
}

export interface StreamReaderOptions {
  /** DynamoDB Local's endpoint (its stream API answers on the same one). */
  endpoint: string;
  consumers: readonly LocalStreamConsumer[];
  /**
   * How long to wait before reading the shards again when a round had nothing new, or only records that now
   * wait in a batch; default 250 ms (Lambda polls about 4 times a second).
   */
  pollMs?: number;
  /** Wait before the first retry of a failed batch, doubled on each further one up to 5 s; default 200 ms. */
  retryDelayMs?: number;
  /**
   * One invocation's time limit, for every consumer; default each function's on AWS (its `runtime.timeoutSeconds`,
   * else STREAM_CONSUMER_TIMEOUT_SECONDS).
   */
  timeoutMs?: number;
  /** Where each shard's position is kept across restarts (persistent data); none reads every shard from its oldest record. */
  checkpointFile?: string;
  /** Where each batch given up is appended as a JSON line (the local on-failure destination). */
  failureFile?: string;
  /** Where the on-failure sink and read errors are reported; default console.error. */
  log?: (line: string) => void;
}

/** A batch given up on, as the on-failure destination receives it, with the records themselves. */
export interface StreamFailure {
  consumerId: string;
  /** The message Lambda sends to an on-failure destination of a DynamoDB stream mapping. */
  message: OnFailureMessage;
  /** The records (on AWS only their shard and sequence numbers travel; the stream keeps them 24 h). */
  records: DynamoDBRecord[];
  /** The last error thrown, or the records the last answer reported as failed. */
  lastError: string;
}

export interface OnFailureMessage {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

export interface StreamReader {
  /**
   * Resolves once every record written to the streams before the call has been handed to its consumer and
   * handled (or given to the on-failure sink): a full read of every shard, begun after the call, found
   * nothing new and nothing waits in a batch. Rejects if the reader is stopped first.
   */
  drain(): Promise<void>;
  /** The batches given up on so far, oldest first. */
  readonly failures: readonly StreamFailure[];
  /** Stops reading: the batch in progress finishes (its invocation is awaited), nothing new starts. Safe to call twice. */
  stop(): Promise<void>;
}

/** What a shard's reading has come to. */
interface ShardState {
  id: string;
  parentId: string | undefined;
  iterator: string | undefined;
  /** GetRecords gave no next iterator: the shard is closed and read to its end. */
  closed: boolean;
  /** The last sequence number read from the shard (filtered out or buffered). */
  readUpTo: string | undefined;
  /** The last sequence number handled or given up, with every record before it. */
  handledUpTo: string | undefined;
  /** The iterator was just renewed after GetRecords refused it. */
  renewed: boolean;
  /** Filtered records waiting to be handed over, in order. */
  buffer: DynamoDBRecord[];
  /** When the oldest buffered record was read (the batching window starts there). */
  bufferedSince: number;
}

class Stopped extends Error {}

const MAX_RETRY_DELAY_MS = 5_000;
const ERROR_BACKOFF_MS = 1_000;
const GET_RECORDS_LIMIT = 1_000;
const RENEWABLE_ITERATOR = new Set(['ExpiredIteratorException', 'TrimmedDataAccessException']);
/**
 * How often the shards of a stream with an open one are listed again; a new shard comes as a closed one's
 * child (DynamoDB rolls them every few hours), and that is listed at once.
 */
const SHARD_LIST_MS = 5_000;

/** What a round of reading found: see ConsumerReader.readRound. */
type RoundActivity = 'more' | 'buffered' | 'quiet';

/** Starts reading the streams of `options.consumers`' tables. */
export function startStreamReader(options: StreamReaderOptions): StreamReader {
  const pollMs = options.pollMs ?? 250;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const timeoutMs = options.timeoutMs;
  const log = options.log ?? ((line: string) => console.error(line));
  const abort = new AbortController();
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
  });
  const tables = localDynamoClient(options.endpoint);
  const checkpoints = new Checkpoints(options.checkpointFile, log);
  const failures: StreamFailure[] = [];
  let stopped = false;

  const readers = options.consumers.map(
    (local) =>
      new ConsumerReader(local, {
        streams,
        tables,
        signal: abort.signal,
        pollMs,
        retryDelayMs,
        timeoutMs,
        checkpoints,
        log,
        isStopped: () => stopped,
        giveUp: (failure) => {
          failures.push(failure);
          log(
            `stream consumer ${failure.consumerId}: gave up on ${failure.records.length} record(s) of shard ` +
              `${failure.message.DDBStreamBatchInfo.shardId} (${failure.message.DDBStreamBatchInfo.startSequenceNumber}…` +
              `${failure.message.DDBStreamBatchInfo.endSequenceNumber}, ${failure.message.requestContext.condition}): ${failure.lastError}`,
          );
          if (options.failureFile) {
            mkdirSync(dirname(options.failureFile), { recursive: true });
            appendFileSync(options.failureFile, `${JSON.stringify(failure)}\n`);
          }
        },
      }),
  );
  const running = readers.map((reader) => reader.run());

  let stopping: Promise<void> | undefined;
  return {
    drain: async () => {
      if (stopped) throw new Error('the stream reader was stopped');
      await Promise.all(readers.map((reader) => reader.drain()));
    },
    get failures() {
      return failures;
    },
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        abort.abort();
        for (const reader of readers) reader.wake();
        await Promise.all(running);
        streams.destroy();
        tables.destroy();
      })()),
  };
}

interface ReaderContext {
  streams: DynamoDBStreamsClient;
  tables: DynamoDBClient;
  signal: AbortSignal;
  pollMs: number;
  retryDelayMs: number;
  /** Every consumer's time limit, when given (else each its own). */
  timeoutMs?: number;
  checkpoints: Checkpoints;
  log: (line: string) => void;
  isStopped: () => boolean;
  giveUp: (failure: StreamFailure) => void;
}

/** The outcome of one invocation with a batch. */
type Outcome = { kind: 'ok' } | { kind: 'partial'; from: number; error: string } | { kind: 'error'; error: string };

/** Reads one table's stream for one consumer, shard by shard, in a loop of rounds. */
class ConsumerReader {
  private readonly pattern: FilterPattern;
  private readonly functionName: string;
  private streamArn: string | undefined;
  private shards = new Map<string, ShardState>();
  /** When the shards were last listed (DescribeStream); they are listed again after SHARD_LIST_MS, or at once when needed. */
  private listedAt = Number.NEGATIVE_INFINITY;
  /** Rounds begun so far; a drain is answered by a quiet round begun after it was asked for. */
  private round = 0;
  private waiters: { afterRound: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private wakeUp: (() => void) | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly local: LocalStreamConsumer,
    private readonly ctx: ReaderContext,
  ) {
    this.pattern = streamFilterPattern(local.consumer.stream.table, local.consumer.stream.filter);
    this.functionName = `pingyi-local-consumer-${local.consumer.id}`;
  }

  drain(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ afterRound: this.round, resolve, reject });
      this.wake();
    });
  }

  wake(): void {
    this.wakeUp?.();
  }

  async run(): Promise<void> {
    while (!this.ctx.isStopped()) {
      try {
        this.round += 1;
        const round = this.round;
        const activity = await this.readRound();
        this.lastError = undefined;
        if (activity === 'quiet') {
          for (const waiter of this.waiters.filter((w) => w.afterRound < round)) waiter.resolve();
          this.waiters = this.waiters.filter((w) => w.afterRound >= round);
        }
        // Someone still waiting asked during this round: the next round begins at once. So does one after a
        // hand-over, a full page or a renewed iterator, as Lambda polls again at once when records remain;
        // records that only wait in a batch are followed by the base poll (or the end of their window).
        if (this.waiters.length === 0) await this.sleep(activity === 'more' ? 0 : this.idleWait());
      } catch (error) {
        if (error instanceof Stopped || this.ctx.isStopped()) break;
        this.onReadError(error as Error);
        await this.sleep(ERROR_BACKOFF_MS);
      }
    }
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the stream reader was stopped'));
  }

  /** How long to wait when nothing was read: the poll interval, or less where a batching window ends sooner. */
  private idleWait(): number {
    const windowMs = this.local.consumer.stream.maxBatchingWindowSeconds * 1000;
    let wait = this.ctx.pollMs;
    for (const shard of this.shards.values()) {
      if (shard.buffer.length > 0) wait = Math.min(wait, Math.max(0, shard.bufferedSince + windowMs - Date.now()));
    }
    return wait;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /** Logs a read error once (DynamoDB Local restarting, a table dropped); the next rounds try again. */
  private onReadError(error: Error): void {
    if (error.name === 'ResourceNotFoundException') {
      // The table (or its stream) is gone or was made again: start over on its latest stream.
      this.streamArn = undefined;
      this.shards.clear();
    }
    for (const shard of this.shards.values()) shard.iterator = undefined;
    const message = `${error.name}: ${error.message}`;
    if (message !== this.lastError) this.ctx.log(`stream consumer ${this.local.consumer.id}: reading ${this.local.tableName}'s stream failed (${message}); trying again`);
    this.lastError = message;
  }

  /**
   * One round: lists the shards (when due), reads each readable one once, and hands over the batches that
   * are due. 'more' when a batch was handed over or a shard may hold more at once (a full page, a renewed
   * iterator); 'buffered' when records were read and wait in a batch; 'quiet' when nothing was read.
   */
  private async readRound(): Promise<RoundActivity> {
    const streamArn = (this.streamArn ??= await this.latestStreamArn());
    const draining = this.waiters.length > 0;
    if (draining || this.shardsMayHaveChanged() || Date.now() - this.listedAt >= SHARD_LIST_MS) {
      await this.listShards(streamArn);
      this.listedAt = Date.now();
    }
    let activity: RoundActivity = 'quiet';
    const note = (found: RoundActivity) => {
      if (found === 'more' || (found === 'buffered' && activity === 'quiet')) activity = found;
    };
    for (const shard of this.shards.values()) {
      if (this.ctx.isStopped()) throw new Stopped();
      const parent = shard.parentId === undefined ? undefined : this.shards.get(shard.parentId);
      // A child's records come after its parent's: read it once the parent is read to its end and handled.
      if (parent && !(parent.closed && parent.buffer.length === 0)) continue;
      if (!shard.closed) note(await this.readShard(streamArn, shard));
      if (await this.handOver(streamArn, shard, draining)) note('more');
    }
    return activity;
  }

  /**
   * Whether the shards must be listed now rather than at the next SHARD_LIST_MS: none is open to read (a
   * stream that has none yet), or a closed one's child is not known yet. A drain lists them too: it must see
   * a shard opened since the last listing.
   */
  private shardsMayHaveChanged(): boolean {
    const shards = [...this.shards.values()];
    const parents = new Set(shards.map((shard) => shard.parentId));
    return !shards.some((shard) => !shard.closed) || shards.some((shard) => shard.closed && !parents.has(shard.id));
  }

  private async latestStreamArn(): Promise<string> {
    const { Table } = await this.ctx.tables.send(new DescribeTableCommand({ TableName: this.local.tableName }), { abortSignal: this.ctx.signal });
    if (!Table?.LatestStreamArn || !Table.StreamSpecification?.StreamEnabled) {
      throw new Error(`the table ${this.local.tableName} has no stream; store/tables.ts must give ${this.local.consumer.stream.table} one`);
    }
    return Table.LatestStreamArn;
  }

  private async listShards(streamArn: string): Promise<void> {
    let ExclusiveStartShardId: string | undefined;
    const listed: Shard[] = [];
    do {
      const { StreamDescription } = await this.ctx.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ...(ExclusiveStartShardId ? { ExclusiveStartShardId } : {}) }),
        { abortSignal: this.ctx.signal },
      );
      listed.push(...(StreamDescription?.Shards ?? []));
      ExclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    for (const shard of listed) {
      if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
      const handledUpTo = this.ctx.checkpoints.get(streamArn, shard.ShardId);
      this.shards.set(shard.ShardId, {
        id: shard.ShardId,
        parentId: shard.ParentShardId,
        iterator: undefined,
        renewed: false,
        closed: false,
        readUpTo: handledUpTo,
        handledUpTo,
        buffer: [],
        bufferedSince: 0,
      });
    }
  }

  /** Reads a shard once from where it was left: 'more' when it may hold more at once, 'buffered' when it gave records, else 'quiet'. */
  private async readShard(streamArn: string, shard: ShardState): Promise<RoundActivity> {
    shard.iterator ??= await this.shardIterator(streamArn, shard);
    let page;
    try {
      page = await this.ctx.streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: GET_RECORDS_LIMIT }), {
        abortSignal: this.ctx.signal,
      });
    } catch (error) {
      shard.iterator = undefined;
      // An expired iterator, or one DynamoDB Local no longer takes — an iterator got while the shard was
      // empty fails once other tables' writes have moved its sequence numbers on: a new one, after the last
      // record read, at once; a second failure in a row is an error.
      if (RENEWABLE_ITERATOR.has((error as Error).name) && !shard.renewed) {
        shard.renewed = true;
        return 'more';
      }
      throw error;
    }
    shard.renewed = false;
    const records = page.Records ?? [];
    for (const record of records) {
      const event = toLambdaRecord(record, streamArn);
      shard.readUpTo = record.dynamodb?.SequenceNumber ?? shard.readUpTo;
      if (!matchesFilterPattern(this.pattern, event)) continue;
      if (shard.buffer.length === 0) shard.bufferedSince = Date.now();
      shard.buffer.push(event);
    }
    if (shard.buffer.length === 0 && shard.readUpTo !== shard.handledUpTo) this.checkpoint(streamArn, shard, shard.readUpTo);
    shard.iterator = page.NextShardIterator;
    if (shard.iterator === undefined) shard.closed = true;
    if (records.length >= GET_RECORDS_LIMIT) return 'more';
    return records.length > 0 ? 'buffered' : 'quiet';
  }

  private async shardIterator(streamArn: string, shard: ShardState): Promise<string> {
    const from = shard.readUpTo;
    const ask = (after: string | undefined) =>
      this.ctx.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.id,
          ...(after === undefined ? { ShardIteratorType: 'TRIM_HORIZON' } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
        }),
        { abortSignal: this.ctx.signal },
      );
    try {
      const { ShardIterator } = await ask(from);
      if (!ShardIterator) throw new Error(`no iterator for shard ${shard.id}`);
      return ShardIterator;
    } catch (error) {
      if ((error as Error).name !== 'TrimmedDataAccessException' || from === undefined) throw error;
      // The checkpoint is older than anything the stream keeps: everything kept is new.
      this.ctx.log(`stream consumer ${this.local.consumer.id}: shard ${shard.id} no longer holds ${from}; reading it from its oldest record`);
      const { ShardIterator } = await ask(undefined);
      if (!ShardIterator) throw new Error(`no iterator for shard ${shard.id}`);
      return ShardIterator;
    }
  }

  /** Hands over the shard's due batches; true when it handed over any. */
  private async handOver(streamArn: string, shard: ShardState, draining: boolean): Promise<boolean> {
    const { batchSize, maxBatchingWindowSeconds } = this.local.consumer.stream;
    let handed = false;
    for (;;) {
      const due =
        shard.buffer.length >= batchSize ||
        (shard.buffer.length > 0 && (draining || shard.closed || Date.now() - shard.bufferedSince >= maxBatchingWindowSeconds * 1000));
      if (!due) return handed;
      const batch = shard.buffer.slice(0, batchSize);
      await this.deliver(streamArn, shard, batch);
      shard.buffer.splice(0, batch.length);
      shard.bufferedSince = Date.now();
      const last = shard.buffer.length === 0 ? shard.readUpTo : batch.at(-1)!.dynamodb!.SequenceNumber;
      this.checkpoint(streamArn, shard, last);
      handed = true;
    }
  }

  private checkpoint(streamArn: string, shard: ShardState, sequenceNumber: string | undefined): void {
    if (sequenceNumber === undefined) return;
    shard.handledUpTo = sequenceNumber;
    this.ctx.checkpoints.set(streamArn, shard.id, sequenceNumber);
  }

  /**
   * Hands a batch over until every record of it is handled or given up, in order (see the module comment
   * for the rules). Throws Stopped, leaving the rest unhandled and not checkpointed, when the reader stops.
   */
  private async deliver(streamArn: string, shard: ShardState, batch: DynamoDBRecord[]): Promise<void> {
    const { retryAttempts, maxRecordAgeSeconds } = this.local.consumer.stream;
    const run = async (records: DynamoDBRecord[], retriesUsed: number, invocations: number): Promise<number> => {
      let current = records;
      let retries = retriesUsed;
      let invoked = invocations;
      for (;;) {
        if (this.ctx.isStopped()) throw new Stopped();
        const tooOld = current.findLastIndex((r) => (r.dynamodb?.ApproximateCreationDateTime ?? Infinity) * 1000 < Date.now() - maxRecordAgeSeconds * 1000);
        if (tooOld >= 0) {
          this.giveUp(streamArn, shard, current.slice(0, tooOld + 1), 'RecordAgeExceeded', invoked, 'older than the maximum record age');
          current = current.slice(tooOld + 1);
          if (current.length === 0) return invoked;
        }
        const outcome = await this.invoke(current);
        invoked += 1;
        if (outcome.kind === 'ok') return invoked;
        if (outcome.kind === 'partial') {
          current = current.slice(outcome.from);
        } else if (current.length > 1) {
          const half = Math.ceil(current.length / 2);
          invoked = await run(current.slice(0, half), retries, invoked);
          return run(current.slice(half), retries, invoked);
        }
        if (retries >= retryAttempts) {
          this.giveUp(streamArn, shard, current, 'RetryAttemptsExhausted', invoked, outcome.error);
          return invoked;
        }
        retries += 1;
        await this.pause(Math.min(MAX_RETRY_DELAY_MS, this.ctx.retryDelayMs * 2 ** (retries - 1)));
      }
    };
    await run(batch, 0, 0);
  }

  private pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }

  /** One invocation, read as Lambda reads the answer of a mapping with ReportBatchItemFailures. */
  private async invoke(records: DynamoDBRecord[]): Promise<Outcome> {
    const event: DynamoDBStreamEvent = { Records: records };
    let answer: unknown;
    try {
      const timeoutMs = this.ctx.timeoutMs ?? (this.local.consumer.runtime?.timeoutSeconds ?? STREAM_CONSUMER_TIMEOUT_SECONDS) * 1000;
      answer = await invoke(this.local.handler, event, this.functionName, timeoutMs);
    } catch (error) {
      return { kind: 'error', error: `${(error as Error).name}: ${(error as Error).message}` };
    }
    // No answer, or no list of failures, is success (the whole batch was handled).
    const failed = (answer as Partial<DynamoDBBatchResponse> | null | undefined)?.batchItemFailures;
    if (failed === undefined || failed === null || (Array.isArray(failed) && failed.length === 0)) return { kind: 'ok' };
    const positions = Array.isArray(failed)
      ? failed.map((item) => records.findIndex((r) => typeof item?.itemIdentifier === 'string' && r.dynamodb?.SequenceNumber === item.itemIdentifier))
      : [-1];
    // Lambda takes an answer naming something that is not a record of the batch as a failure of all of it.
    if (positions.includes(-1)) return { kind: 'error', error: `batchItemFailures names no record of the batch: ${JSON.stringify(failed)}` };
    const from = Math.min(...positions);
    return { kind: 'partial', from, error: `record ${records[from]!.dynamodb!.SequenceNumber} reported as failed` };
  }

  private giveUp(
    streamArn: string,
    shard: ShardState,
    records: DynamoDBRecord[],
    condition: OnFailureMessage['requestContext']['condition'],
    invocations: number,
    lastError: string,
  ): void {
    const first = records[0]!.dynamodb!;
    const last = records.at(-1)!.dynamodb!;
    const arrival = (seconds: number | undefined) => new Date((seconds ?? 0) * 1000).toISOString();
    this.ctx.giveUp({
      consumerId: this.local.consumer.id,
      message: {
        requestContext: {
          requestId: randomUUID(),
          functionArn: `arn:aws:lambda:${LOCAL_REGION}:000000000000:function:${this.functionName}`,
          condition,
          approximateInvokeCount: invocations,
        },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(condition === 'RetryAttemptsExhausted' ? { functionError: 'Unhandled' } : {}) },
        version: '1.0',
        timestamp: new Date().toISOString(),
        DDBStreamBatchInfo: {
          shardId: shard.id,
          startSequenceNumber: first.SequenceNumber!,
          endSequenceNumber: last.SequenceNumber!,
          approximateArrivalOfFirstRecord: arrival(first.ApproximateCreationDateTime),
          approximateArrivalOfLastRecord: arrival(last.ApproximateCreationDateTime),
          batchSize: records.length,
          streamArn,
        },
      },
      records,
      lastError,
    });
  }
}

/** A stream record as the Lambda service hands it to a function (images stay DynamoDB JSON; binary as base64). */
export function toLambdaRecord(record: SdkRecord, streamArn: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_REGION,
    dynamodb: {
      ...(stream.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      ...(stream.Keys ? { Keys: toEventImage(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: toEventImage(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: toEventImage(stream.OldImage) } : {}),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    eventSourceARN: streamArn,
  };
}

function toEventImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toEventValue(value)]));
}

/**
 * The SDK's attribute value as the JSON of a Lambda event: the same, except binary, which is base64 there,
 * and an empty map: DynamoDB Local's stream (3.3) writes it as `{}`, where DynamoDB Streams, and so the
 * event on AWS, has `{ "M": {} }` — a ballot with no answers outside its units has one.
 */
function toEventValue(value: SdkAttributeValue): AttributeValue {
  if (Object.keys(value).length === 0) return { M: {} };
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toEventImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toEventValue) };
  return value as AttributeValue;
}

/** Each shard's last handled sequence number, by stream, kept in a JSON file when one is given. */
class Checkpoints {
  private readonly positions: Record<string, Record<string, string>>;

  constructor(
    private readonly file: string | undefined,
    log: (line: string) => void,
  ) {
    this.positions = {};
    if (!file || !existsSync(file)) return;
    try {
      this.positions = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
    } catch (error) {
      // Every record is then handed over again from the oldest kept: more work, never a record lost.
      log(`stream checkpoints in ${file} do not read (${(error as Error).message}); reading every shard from its oldest record`);
    }
  }

  get(streamArn: string, shardId: string): string | undefined {
    return this.positions[streamArn]?.[shardId];
  }

  set(streamArn: string, shardId: string, sequenceNumber: string): void {
    (this.positions[streamArn] ??= {})[shardId] = sequenceNumber;
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.positions));
    renameSync(temporary, this.file);
  }
}
