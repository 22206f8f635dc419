import { BatchWriteItemCommand, DynamoDBClient, UpdateTableCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { fileURLToPath } from 'node:url';
import { cstDay } from '../../functions/domain/evaluation/client-key';
import { countDelivery, counting, type CountingDeps, type StreamedBallot } from '../../functions/domain/evaluation/counting';
import { submissionHashOf, type Response } from '../../functions/domain/evaluation/response';
import { runTally, type TallyRun } from '../../functions/domain/evaluation/tally';
import { countingDeps, runTallyDeps } from '../../functions/store/deps';
import { responseKey } from '../../functions/store/evaluation/response-store';
import type { TableKey } from '../../functions/store/tables';
import { createTables, deleteTables, localDynamoClient, localFunctionEnv, startDynamoDbLocal, tableNames } from '../../infra/local/dynamodb';
import { aForm, aFormContent, aFormVersion, aResponse, anOpenPeriod, someGroups } from '../fixtures/catalog';
import { formItem, formVersionItem, groupItem, periodItem } from '../fixtures/items';
import { meter } from './capacity';

/**
 * The tally's read capacity as the counted ballots grow (issue 8, benchmark 7a): in fresh tables of the
 * bench's DynamoDB Local, a period whose one-unit form lists four units.
 * - baseline: 1,000 ballots (FRESH_BALLOTS) stored and counted, then one metered tally run (`runTally(runTallyDeps(db))`);
 * - subject: `counted` ballots (100,000 by default) stored and counted, a tally run, then 1,000 new ones
 *   stored and counted, then one metered tally run.
 * Ballots come in as service records (tokenized: no open-ballot limits apply) or, in the second variant, as
 * open ballots from distinct clients spread over 24 days (so no limit is passed and no unit is hot).
 *
 * Ballots are written with BatchWriteItem as the submit function stores them (responseKey + a valid
 * Response), and counted by the code the counting function runs: each stored item as the stream's INSERT
 * record, made a StreamedBallot by jobs/count-responses.ts `ballotOf`, then `countDelivery(counting(deps))`
 * in deliveries of 100, `PARALLEL_DELIVERIES` at a time — not through the local stream reader (tested in
 * test/integration/streams.test.ts), which would make 100,000 too slow here. The counting's own capacity
 * is metered on the counting deps' client: what the stream consumer costs per ballot.
 */
export type TallyVariant = 'tokenized' | 'open';

export interface Capacity {
  reads: number;
  writes: number;
}

/** Capacity with the transactions behind it: DynamoDB Local reports 2 units a TransactWriteItems, whatever its items. */
export interface CountingCapacity extends Capacity {
  /** TransactWriteItems that wrote. */
  transactions: number;
  /** Their items. */
  transactionItems: number;
  /**
   * The write units DynamoDB would charge: as reported, with each transaction's 2 replaced by 2 per item
   * (its items are all under 1 KB).
   */
  writesAtDynamoDbRate: number;
}

export interface TallyCapacityFigures {
  variant: TallyVariant;
  /** Ballots counted before the new ones in the subject. */
  counted: number;
  /** New ballots in both (FRESH_BALLOTS). */
  fresh: number;
  /** The baseline: one tally run over `fresh` ballots on an empty table. */
  baselineTally: Capacity;
  /** The subject: one tally run after `fresh` new ballots over `counted`. */
  subjectTally: Capacity;
  /** The subject's first tally run (over `counted`, no run before it): for reference. */
  firstTallyOverCounted: Capacity;
  /** Counting `fresh` ballots into empty counters, in total. */
  countingBaseline: CountingCapacity;
  /** Counting the `fresh` new ballots over `counted`, in total. */
  countingSubject: CountingCapacity;
  /** Counting the `counted` ballots, in total. */
  countingBulk: CountingCapacity;
  seedMs: number;
  countMs: number;
  /** What the metered tally runs reported (ballots they counted, units). */
  baselineRun: Pick<TallyRun, 'ballots' | 'units' | 'excluded'>;
  subjectRun: Pick<TallyRun, 'ballots' | 'units' | 'excluded'>;
  /** Units' days marked hot (open ballots past a limit) in the subject: none, or the figure reads their ballots. */
  hotDays: string[];
  /** The subject's tally run again with one unit's day marked past a limit, and how many ballots that unit-day holds. */
  hotDayTally: Capacity;
  hotDayBallots: number;
  /**
   * The run after that: the day ended long ago, so the run above settled it (tally.ts SettledDay), and this one
   * adds its settled change instead of reading its ballots.
   */
  settledDayTally: Capacity;
}

const FORM_ID = 'bench-tally-form';
const UNITS = ['tax-bureau', 'service-centre', 'market-supervision', 'human-resources'];
const LEVELS = ['verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'veryDissatisfied', 'dontKnow'];
const DELIVERY = 100;
/** Deliveries counted side by side, each with countDelivery's own concurrency (COUNTING_CONCURRENCY). */
export const PARALLEL_DELIVERIES = Number(process.env.BENCH_TALLY_DELIVERIES ?? 4);
const SEED_IN_FLIGHT = 16;
const DAY_MS = 24 * 3_600_000;
/** Open ballots are spread over this much of the period (it opened 30 days ago), oldest first. */
const SPREAD_MS = 24 * DAY_MS;

/** The i-th ballot of a period of `total`, submitted at its place in the spread. */
function ballotAt(variant: TallyVariant, periodId: string, i: number, total: number, start: number): Response {
  const at = new Date(start + Math.floor((i * SPREAD_MS) / total));
  const group = i % 3 === 0 ? 'enterprise' : 'citizen';
  return aResponse({
    ballotRef: `${variant === 'open' ? 'o' : 'r'}.bench${i.toString(36).padStart(10, '0')}`,
    submissionHash: submissionHashOf(`bench-tally-${periodId}-${i}`),
    formId: FORM_ID,
    version: 1,
    periodId,
    group,
    answers: { group },
    units: { [UNITS[i % UNITS.length]!]: { overall: LEVELS[(i * 7) % LEVELS.length]! } },
    submittedAt: at.toISOString(),
    admission:
      variant === 'open'
        ? { kind: 'open', day: cstDay(at), clientKey: `benchClient${i.toString(36).padStart(9, '0')}` }
        : { kind: 'serviceRecord' },
  });
}

/**
 * meter() (capacity.ts) plus the TransactWriteItems that wrote and their items: DynamoDB Local reports
 * 2 capacity units for a transaction of 1, 2 or 4 items alike, where DynamoDB charges 2 per item and KB.
 */
function countingMeter(db: DynamoDBDocumentClient) {
  const units = meter(db);
  let transactions = 0;
  let transactionItems = 0;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (/^TransactWrite/.test(context.commandName ?? '')) {
        transactions += 1;
        transactionItems += (args.input as { TransactItems?: unknown[] }).TransactItems?.length ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'benchTransactionMeter' },
  );
  return {
    take(): CountingCapacity {
      const { reads, writes } = units.take();
      const out = { reads, writes, transactions, transactionItems, writesAtDynamoDbRate: writes - 2 * transactions + 2 * transactionItems };
      transactions = 0;
      transactionItems = 0;
      return out;
    },
  };
}

/**
 * The functions' document client (store/client.ts), but with 30 s per attempt instead of 2 s: DynamoDB Local
 * on a shared two-core machine holds a transaction for seconds now and then, which DynamoDB never does. What is
 * measured is capacity, not time, so waiting changes no figure; a delivery that still fails is handed over again.
 */
const benchDocumentClient = (endpoint: string) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, maxAttempts: 3, requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true } }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );

const itemOf = (r: Response) => marshall({ ...responseKey(r.periodId, r.ballotRef), ...r }, { removeUndefinedValues: true });

/** Sets the functions' table bindings to `tables` while `fn` runs (the deps factories read them), then puts them back. */
async function boundTo<T>(endpoint: string, tables: Record<TableKey, string>, fn: () => Promise<T>): Promise<T> {
  const env = localFunctionEnv(endpoint, tables);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Runs `work` over [from, to) in chunks of `size`, `inFlight` chunks at a time. */
async function inChunks(from: number, to: number, size: number, inFlight: number, work: (start: number, end: number) => Promise<void>) {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const start = next;
      next = Math.min(to, next + size);
      await work(start, next);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

interface Seeded {
  periodId: string;
  variant: TallyVariant;
  total: number;
  start: number;
}

async function seed(admin: DynamoDBClient, table: string, p: Seeded, from: number, to: number): Promise<void> {
  await inChunks(from, to, 25, SEED_IN_FLIGHT, async (start, end) => {
    let requests: WriteRequest[] = [];
    for (let i = start; i < end; i++) requests.push({ PutRequest: { Item: itemOf(ballotAt(p.variant, p.periodId, i, p.total, p.start)) } });
    while (requests.length > 0) {
      const out = await admin.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = out.UnprocessedItems?.[table] ?? [];
    }
  });
}

type BallotOf = (record: DynamoDBRecord) => StreamedBallot | undefined;

/** Counts ballots [from, to) as the counting function would on their stream records, in deliveries of 100. */
async function count(deps: CountingDeps, ballotOf: BallotOf, p: Seeded, from: number, to: number): Promise<void> {
  await inChunks(from, to, DELIVERY, PARALLEL_DELIVERIES, async (start, end) => {
    const records: DynamoDBRecord[] = [];
    for (let i = start; i < end; i++) {
      const NewImage = itemOf(ballotAt(p.variant, p.periodId, i, p.total, p.start)) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
      records.push({ eventName: 'INSERT', dynamodb: { NewImage, SequenceNumber: String(i) } });
    }
    // A new counting per delivery, as the handler makes one per invocation (its reads are cached per delivery).
    // A delivery that failed part-way (DynamoDB Local stalling past the client's 2 s on a busy machine) is handed
    // over again from the ballot that failed, as the stream does; counting is idempotent, so a ballot whose write
    // landed although its answer did not is `countedBefore` the second time. Retried work is in the figures.
    // Every ballot is new: each is counted once, in some attempt — or its write landed unanswered and a later
    // attempt finds it counted before.
    let pending = records;
    let counted = 0;
    let foundCounted = 0;
    for (let attempt = 1; ; attempt++) {
      const { outcomes, failedAt, error } = await countDelivery(counting(deps), pending.map(ballotOf));
      counted += outcomes.counted;
      if (attempt > 1) foundCounted += outcomes.countedBefore;
      if (failedAt === undefined) break;
      if (attempt === DELIVERY_ATTEMPTS) throw new Error(`counting failed at ballot ${start + (records.length - pending.length) + failedAt}`, { cause: error });
      console.error(`  delivery of ballots ${start}–${end - 1} failed (${(error as Error).name}); handed over again`);
      pending = pending.slice(failedAt);
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
    if (counted > end - start || counted + foundCounted < end - start) throw new Error(`counted ${counted} of ${end - start} (${foundCounted} found counted on a retry)`);
  });
}

/** How often a delivery is handed over before the benchmark gives up (the counting function's mapping retries 10 times). */
const DELIVERY_ATTEMPTS = 5;

const runOf = (runs: TallyRun[], periodId: string) => {
  const run = runs.find((r) => r.periodId === periodId);
  if (!run) throw new Error(`the tally did not run period ${periodId}`);
  return { ballots: run.ballots, units: run.units, excluded: run.excluded };
};

/**
 * One period in fresh tables: `counted` ballots stored and counted and a tally run (when counted > 0), then
 * `fresh` more stored and counted and one metered tally run.
 */
async function scenario(endpoint: string, variant: TallyVariant, counted: number, fresh: number, log: (line: string) => void) {
  const tables = tableNames(`bench-tally-${variant}-${counted}-${process.pid}`);
  const admin = localDynamoClient(endpoint);
  const countDb = benchDocumentClient(endpoint);
  const tallyDb = benchDocumentClient(endpoint);
  try {
    await createTables(admin, tables);
    // The ballots are counted from their items here, not read from the stream, and nothing reads the tallies'
    // stream (the audit chain's): their records would only weigh on DynamoDB Local, whose transactions on a table
    // with a stream slow down as the stream grows (counting 5,000 ballots took over three minutes with it on).
    for (const key of ['responses', 'tallies'] as const) {
      await admin.send(new UpdateTableCommand({ TableName: tables[key], StreamSpecification: { StreamEnabled: false } })).catch(() => undefined);
    }
    return await boundTo(endpoint, tables, async () => {
      // Imported once the tables are bound: the handler module makes its deps at load (unused here).
      const { ballotOf } = await import('../../functions/jobs/count-responses');
      const periodId = `bench-tally-${variant}`;
      const period = anOpenPeriod({ periodId });
      const p: Seeded = { periodId, variant, total: counted + fresh, start: Date.parse(period.opensAt) + 3 * DAY_MS };
      const catalog = [
        periodItem(period),
        formItem(aForm({ formId: FORM_ID, periodId, draft: aFormContent({ unitIds: UNITS }) })),
        formVersionItem(aFormVersion({ formId: FORM_ID, periodId, content: aFormContent({ unitIds: UNITS }) })),
        ...someGroups().map(groupItem),
      ];
      await admin.send(new BatchWriteItemCommand({ RequestItems: { [tables.catalog]: catalog.map((i) => ({ PutRequest: { Item: marshall(i, { removeUndefinedValues: true }) } })) } }));

      const countMeter = countingMeter(countDb);
      const tallyMeter = meter(tallyDb);
      const cDeps = countingDeps(countDb);
      const tDeps = runTallyDeps(tallyDb);
      let seedMs = 0;
      let countMs = 0;
      let countingBulk: CountingCapacity = { reads: 0, writes: 0, transactions: 0, transactionItems: 0, writesAtDynamoDbRate: 0 };
      let firstTally: Capacity = { reads: 0, writes: 0 };
      if (counted > 0) {
        let t0 = performance.now();
        await seed(admin, tables.responses, p, 0, counted);
        seedMs = performance.now() - t0;
        log(`  ${variant}: stored ${counted.toLocaleString('en')} in ${(seedMs / 1000).toFixed(0)} s; counting them ...`);
        t0 = performance.now();
        await count(cDeps, ballotOf, p, 0, counted);
        countMs = performance.now() - t0;
        countingBulk = countMeter.take();
        log(`  ${variant}: counted ${counted.toLocaleString('en')} in ${(countMs / 1000).toFixed(0)} s`);
        await runTally(tDeps);
        firstTally = tallyMeter.take();
      }
      await seed(admin, tables.responses, p, counted, counted + fresh);
      countMeter.take();
      await count(cDeps, ballotOf, p, counted, counted + fresh);
      const countingFresh = countMeter.take();
      tallyMeter.take();
      const runs = await runTally(tDeps);
      const tally = tallyMeter.take();
      const hot = [...(await cDeps.hotDays(periodId))].sort();
      // Then one unit's first day marked as past a limit, as one phone rating it four times would: the run
      // reads that unit's ballots of that day (their markers, then the ballots), not the unit's whole period.
      const day = cstDay(new Date(p.start));
      await cDeps.markHot(periodId, UNITS[0]!, day);
      tallyMeter.take();
      await runTally(tDeps);
      const hotDayTally = tallyMeter.take();
      // That day ended weeks ago: the run above settled it, and the next adds it as settled.
      await runTally(tDeps);
      const settledDayTally = tallyMeter.take();
      const hotDayBallots = (await tDeps.countedRefs(periodId, UNITS[0]!, day)).length;
      return { tally, run: runOf(runs, periodId), countingFresh, countingBulk, firstTally, seedMs, countMs, hot, hotDayTally, hotDayBallots, settledDayTally };
    });
  } finally {
    countDb.destroy();
    tallyDb.destroy();
    await deleteTables(admin, tables).catch(() => undefined);
    admin.destroy();
  }
}

/**
 * New ballots in both halves: 1,000, as the figure asks; `BENCH_TALLY_FRESH` lowers it for CI's short
 * run, which checks that the benchmark works, not its figures (each new ballot is counted on DynamoDB Local at
 * ~20-50 a second).
 */
export const FRESH_BALLOTS = Number(process.env.BENCH_TALLY_FRESH ?? 1_000);

/** Both halves of the figure for one variant: the baseline (FRESH_BALLOTS on an empty table) and the subject (`counted` + FRESH_BALLOTS). */
export async function measureTallyCapacity(
  endpoint: string,
  variant: TallyVariant,
  counted: number,
  log: (line: string) => void = (line) => console.error(line),
): Promise<TallyCapacityFigures> {
  const fresh = FRESH_BALLOTS;
  const baseline = await scenario(endpoint, variant, 0, fresh, log);
  const subject = await scenario(endpoint, variant, counted, fresh, log);
  return {
    variant,
    counted,
    fresh,
    baselineTally: baseline.tally,
    subjectTally: subject.tally,
    firstTallyOverCounted: subject.firstTally,
    countingBaseline: baseline.countingFresh,
    countingSubject: subject.countingFresh,
    countingBulk: subject.countingBulk,
    seedMs: subject.seedMs,
    countMs: subject.countMs,
    baselineRun: baseline.run,
    subjectRun: subject.run,
    hotDays: subject.hot,
    hotDayTally: subject.hotDayTally,
    hotDayBallots: subject.hotDayBallots,
    settledDayTally: subject.settledDayTally,
  };
}

// `tsx test/bench/tally-capacity.ts [count] [tokenized|open] [endpoint]`: this figure alone; without an
// endpoint it starts a DynamoDB Local of its own, in memory.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const [count, variant, endpoint] = process.argv.slice(2);
  const local = endpoint ? undefined : await startDynamoDbLocal({ inMemory: true });
  try {
    const figures = await measureTallyCapacity(endpoint ?? local!.endpoint, (variant as TallyVariant | undefined) ?? 'tokenized', Number(count ?? 100_000));
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await local?.stop();
  }
}
