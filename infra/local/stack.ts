import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ballotKeySource } from '../../functions/store/ballot-keys';
import { createDocumentClient } from '../../functions/store/client';
import type { TableKey } from '../../functions/store/tables';
import { jobs, streamConsumers, type Role } from '../../functions/routes';
import type { MachineScope } from '../../functions/routes/route';
import { buildWeb } from '../../web/build';
import { VIEWER_ADDRESS_HEADER } from '../constructs/edge-headers';
import { createApiServer, loadRouteHandlers } from './api-server';
import { OUTBOX_PAGE_LIMIT, recentMonths } from './outbox-page';
import { outboxStore } from '../../functions/store/notifications/outbox-store';
import { localBucketDir, localBucketEnv } from './buckets';
import {
  LOCAL_TABLE_PREFIX,
  createTables,
  localDynamoClient,
  localFunctionEnv,
  startDynamoDbLocal,
  tableNames,
  type DynamoDbLocal,
} from './dynamodb';
import { loadLocalIssuer } from './jwt';
import { DEFAULT_DATA_DIR, jwtKeyFile } from './paths';
import { invoke, loadHandler, type LambdaHandler } from './lambda';
import { startScheduler, type Scheduler } from './scheduler';
import { localSecretEnv } from './secrets';
import { seedDemo, type DemoSeed } from './seed';
import { startStreamReader, type StreamFailure } from './streams';

/**
 * The whole of Pingyi on one machine, behind `npm start` and the browser tests: DynamoDB Local with the
 * tables of functions/store/tables.ts, the secrets of functions/store/secrets.ts in files of the data dir,
 * the demo seed, the functions of functions/routes.ts behind a local API Gateway (with its JWT authorizer)
 * on one port together with the built web pages, the scheduled jobs, and the stream consumers fed from
 * DynamoDB Local's streams (streams.ts). Nothing calls AWS.
 */

export type JobId = (typeof jobs)[number]['id'];
export type StreamConsumerId = (typeof streamConsumers)[number]['id'];

/** How the local stream reader runs (streams.ts); the defaults are `npm start`'s. */
export interface LocalStreamOptions {
  /** Replaces a stream consumer's function, e.g. with one that records its events or fails on purpose. */
  handlers?: Partial<Record<StreamConsumerId, LambdaHandler>>;
  /** How often an idle shard is read again; default 250 ms. */
  pollMs?: number;
  /** Wait before the first retry of a failed batch (doubling after); default 200 ms. */
  retryDelayMs?: number;
}

export interface LocalStackOptions {
  /** Port of the API and pages; 0 (the default) picks a free one. */
  port?: number;
  /** Keep DynamoDB data in memory only; otherwise it persists in `<dataDir>/dynamodb/`. */
  inMemory?: boolean;
  /** Write the demo district and its ratings (idempotent); default true. */
  seed?: boolean;
  /** How often the tally job runs; default its `everyMinutes.local` from functions/routes.ts. */
  tallyEveryMs?: number;
  /** No access log, no job log, only errors from the functions' logger. */
  quiet?: boolean;
  /**
   * Where persistent data, the token signing key, the ballot keys (`ballot-keys.json`) and the built pages
   * live; default `.local/` in the repo. A test's own data dir gives it its own ballot keys.
   */
  dataDir?: string;
  /** Use this running DynamoDB (e.g. the integration tests' one) instead of starting DynamoDB Local. */
  dynamoEndpoint?: string;
  /** Table names are `<tablePrefix>-Catalog` etc.; default `pingyi-local`. */
  tablePrefix?: string;
  /** Build and serve the web pages; default true. */
  web?: boolean;
  /**
   * Called when the DynamoDB Local started here died and cannot come back: its data was in memory, or it
   * would not restart. Persistent data is restarted on automatically (and said so on stderr). By default
   * the message is printed and the stack goes on answering 503.
   */
  onDynamoLost?: (message: string) => void;
  /** The local stream reader's settings and handlers. */
  streams?: LocalStreamOptions;
}

export interface LocalStack {
  /** `http://127.0.0.1:<port>`: the API and the pages. */
  url: string;
  /** A token for a demo staff member with this role, accepted by this stack (and by `npm run token`'s). */
  token(role: Role): Promise<string>;
  /** Another system's client-credentials token with this scope (`npm run token -- service-records`). */
  machineToken(scope: MachineScope): Promise<string>;
  /** Runs a scheduled job now (after a run of it in progress) and resolves when it is done. */
  runJob(id: JobId): Promise<void>;
  /**
   * Resolves once every record written to a table's stream before the call has been handed to its stream
   * consumer and handled — or given up to the on-failure sink: what a test awaits before it reads what a
   * consumer wrote (the counters) or runs a job that reads it.
   */
  drainStreams(): Promise<void>;
  /**
   * The batches the stream consumers gave up on after their retries (the local on-failure destination),
   * oldest first; also appended to `<dataDir>/stream-failures.jsonl` and printed.
   */
  readonly streamFailures: readonly StreamFailure[];
  /** Stops the scheduler, the server and DynamoDB Local (no java process is left). Safe to call twice. */
  stop(): Promise<void>;
  /** The DynamoDB endpoint the functions use. */
  dynamoEndpoint: string;
  tables: Record<TableKey, string>;
  /** What the demo seed wrote; undefined with `seed: false`. */
  seed: DemoSeed | undefined;
  /** Milliseconds DynamoDB Local took to answer its first request; undefined when an endpoint was given. */
  dynamoStartupMs: number | undefined;
  /** The DynamoDB Local this stack started (to stall, kill or restart it in fault tests); undefined when an endpoint was given. */
  dynamo: DynamoDbLocal | undefined;
}

const JOB_TIMEOUT_MS = 15 * 60 * 1000;

/** The configuration the functions were loaded with in this process (modules are imported once). */
let functionsLoadedWith: string | undefined;

/**
 * Starts the local stack and resolves when it serves requests. On failure, whatever was already started is
 * stopped again. The functions are imported once per process, bound to the tables and endpoint of the
 * first stack, as a Lambda container is; a second stack in one process must use the same ones.
 */
export async function startLocal(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const inMemory = options.inMemory ?? false;
  const quiet = options.quiet ?? false;
  const tables = tableNames(options.tablePrefix ?? LOCAL_TABLE_PREFIX);
  mkdirSync(dataDir, { recursive: true });

  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  };

  try {
    if (!inMemory && !options.dynamoEndpoint) checkDataVersion(dataDir);
    const webDir = options.web === false ? undefined : inMemory ? mkdtempSync(join(tmpdir(), 'pingyi-web-')) : join(dataDir, 'web');
    if (webDir && inMemory) cleanups.push(() => rmSync(webDir, { recursive: true, force: true }));
    // The buckets' folders of an in-memory stack live as long as its data: stacks side by side (the e2e files
    // run in parallel) never read each other's exports or public files, and none outlives its run.
    const bucketRoot = inMemory ? mkdtempSync(join(tmpdir(), 'pingyi-buckets-')) : dataDir;
    if (inMemory) cleanups.push(() => rmSync(bucketRoot, { recursive: true, force: true }));

    const [dynamo, issuer] = await settleAll(
      [
        options.dynamoEndpoint ? Promise.resolve(undefined) : startDynamoDbLocal({ inMemory, dataDir }),
        loadLocalIssuer(jwtKeyFile(dataDir)),
        webDir ? buildWeb(webDir) : Promise.resolve(),
      ] as const,
      (started) => {
        const local = started[0] as DynamoDbLocal | undefined;
        return local?.stop();
      },
    );
    if (dynamo) {
      cleanups.push(() => dynamo.stop());
      const lost = options.onDynamoLost ?? ((message: string) => console.error(`local stack: ${message}`));
      cleanups.push(superviseDynamo(dynamo, lost));
    }
    const endpoint = options.dynamoEndpoint ?? (dynamo as DynamoDbLocal).endpoint;

    const admin = localDynamoClient(endpoint);
    try {
      await createTables(admin, tables);
    } finally {
      admin.destroy();
    }

    // The functions read this at import, as Lambda hands it to them at a cold start.
    // The local adapter sets the viewer's address as the API's CloudFront distribution does on AWS.
    const env = {
      ...localFunctionEnv(endpoint, tables),
      ...localSecretEnv(dataDir),
      ...localBucketEnv(bucketRoot),
      CLIENT_ADDRESS_HEADER: VIEWER_ADDRESS_HEADER,
    };
    if (functionsLoadedWith !== undefined && functionsLoadedWith !== JSON.stringify(env)) {
      throw new Error('startLocal: the functions of this process are bound to another stack; start one stack per process');
    }
    Object.assign(process.env, env);
    if (quiet) process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

    let seed: DemoSeed | undefined;
    if (options.seed ?? true) {
      const db = createDocumentClient(endpoint);
      try {
        seed = await seedDemo(db, tables, { ballotKeys: ballotKeySource(env) });
      } finally {
        db.destroy();
      }
    }

    const apiRoutes = await loadRouteHandlers();
    const jobHandlers = await Promise.all(jobs.map(async (job) => ({ job, handler: await loadHandler(job.entry) })));
    const consumerHandlers = await Promise.all(
      streamConsumers.map(async (consumer) => ({
        consumer,
        tableName: tables[consumer.stream.table],
        handler: options.streams?.handlers?.[consumer.id] ?? (await loadHandler(consumer.entry)),
      })),
    );
    functionsLoadedWith = JSON.stringify(env);

    const log = quiet ? undefined : (line: string) => console.log(line);
    // The local outbox page reads the notifications table as it stands (outbox-page.ts).
    const outboxDb = createDocumentClient(endpoint);
    cleanups.push(() => outboxDb.destroy());
    const outbox = outboxStore(outboxDb, tables.notifications);
    const server = createApiServer({
      routes: apiRoutes,
      verifyToken: issuer.verify,
      webDir,
      log,
      exportsDir: localBucketDir(bucketRoot, 'exports'),
      publicDir: localBucketDir(bucketRoot, 'publications'),
      outbox: async () =>
        (await Promise.all(recentMonths(new Date()).map((month) => outbox.monthNotifications(month, OUTBOX_PAGE_LIMIT)))).flat().slice(0, OUTBOX_PAGE_LIMIT),
    });
    const port = await listen(server, options.port ?? 0);
    cleanups.push(() => closeServer(server));

    const streamReader = startStreamReader({
      endpoint,
      consumers: consumerHandlers,
      pollMs: options.streams?.pollMs,
      retryDelayMs: options.streams?.retryDelayMs,
      // Where the data persists, so does each shard's position: a restart goes on after the last record
      // handled. Data in memory (or a test's tables) starts empty, its streams with it.
      checkpointFile: !inMemory && !options.dynamoEndpoint ? join(dataDir, 'stream-checkpoints.json') : undefined,
      failureFile: join(dataDir, 'stream-failures.jsonl'),
      log: (line) => console.error(`streams: ${line}`),
    });
    cleanups.push(() => streamReader.stop());

    const scheduler: Scheduler = startScheduler(
      jobHandlers.map(({ job, handler }) => ({
        id: job.id,
        everyMs: (job.id === 'tally' ? options.tallyEveryMs : undefined) ?? job.everyMinutes.local * 60_000,
        run: async () => {
          // Locally the figures wait for the counting function to catch up with the stream, so a tally (or a
          // recount) counts every ballot stored before it began; on AWS it counts what has been counted.
          if ('tallies' in job.tables) {
            try {
              await streamReader.drain();
            } catch (error) {
              // The stack stops (the reader first, below): a run that has not begun has nothing to finish.
              if (stopping) return;
              throw error;
            }
          }
          await invoke(handler, scheduledEvent(job.id), `pingyi-local-job-${job.id}`, JOB_TIMEOUT_MS);
        },
      })),
      { log },
    );
    // The reader stops before the scheduler waits for its runs: a run waiting for the streams to drain (the first
    // tally, two seconds after the start) would otherwise hold the stop until the stream consumers have handled
    // every record — the demo seed's ballots take a while — or, where DynamoDB Local is gone, for ever.
    cleanups.push(async () => {
      await streamReader.stop();
      await scheduler.stop();
    });

    let stopping: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      token: (role) => issuer.sign(role),
      machineToken: (scope) => issuer.signMachine(scope),
      runJob: (id) => scheduler.runJob(id),
      drainStreams: () => streamReader.drain(),
      get streamFailures() {
        return streamReader.failures;
      },
      stop: () => (stopping ??= cleanUp()),
      dynamoEndpoint: endpoint,
      tables,
      seed,
      dynamoStartupMs: dynamo?.startupMs,
      dynamo,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** More unplanned exits than this within RESTART_WINDOW_MS, and DynamoDB Local is not restarted again. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

/**
 * Watches the DynamoDB Local of this stack: when it dies with persistent data, restarts it on the same
 * data and port (the functions keep their endpoint) and says so; when its data was in memory, or it dies
 * again and again, or will not start, reports it as lost. Returns what stops the watching.
 */
function superviseDynamo(dynamo: DynamoDbLocal, lost: (message: string) => void): () => void {
  const exits: number[] = [];
  return dynamo.onExit((exit) => {
    // Killed, it printed nothing worth repeating; exiting by itself, its last lines say why.
    const said = exit.signal || !exit.output ? '' : `\n${exit.output.split('\n').slice(-10).join('\n')}`;
    const how = `DynamoDB Local (pid ${exit.pid}) ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}`;
    if (!dynamo.dbPath) {
      lost(`${how}. Its data was in memory only and cannot come back.${said}`);
      return;
    }
    const now = performance.now();
    exits.push(now);
    while (exits[0]! < now - RESTART_WINDOW_MS) exits.shift();
    if (exits.length > MAX_RESTARTS) {
      lost(`${how}, the ${exits.length}th time within a minute: not restarting it again.${said}`);
      return;
    }
    console.error(`${how}; restarting it on the same data (${dynamo.dbPath}) and port …${said}`);
    dynamo.restart().then(
      () => console.error(`DynamoDB Local is back on ${dynamo.endpoint} (pid ${dynamo.pid}), ready in ${(dynamo.startupMs / 1000).toFixed(1)} s.`),
      (error: unknown) => lost(`${how} and could not be restarted: ${(error as Error).message}`),
    );
  });
}

/**
 * The shape of the data `npm start` keeps in `.local/`: raised whenever stored items change shape in a way
 * the code cannot read (version 2: forms with questions and versions, one item per response; version 3:
 * ballots keyed by their token or submission digest, with receipt codes and admission, periods with an
 * admission policy, the reviews table).
 */
export const LOCAL_DATA_VERSION = 3;

/**
 * Refuses to start on data kept by an older version of Pingyi, saying what to do, rather than failing
 * later on items that no longer read; marks a new data dir with the current version.
 */
function checkDataVersion(dataDir: string): void {
  const marker = join(dataDir, 'data-version');
  const stored = existsSync(marker) ? Number(readFileSync(marker, 'utf8').trim()) : existsSync(join(dataDir, 'dynamodb')) ? 1 : undefined;
  if (stored !== undefined && stored !== LOCAL_DATA_VERSION) {
    throw new Error(
      `the local data in ${dataDir} was written by an older Pingyi (data version ${stored}, now ${LOCAL_DATA_VERSION}); ` +
        'remove it (rm -rf .local) or start with --in-memory',
    );
  }
  writeFileSync(marker, `${LOCAL_DATA_VERSION}\n`);
}

/**
 * Awaits every start-up step; if one fails, undoes the ones that succeeded (here: stops DynamoDB Local)
 * before rethrowing, so a failed start leaves no java process behind.
 */
async function settleAll<T extends readonly Promise<unknown>[]>(
  steps: T,
  undo: (results: unknown[]) => Promise<void> | void,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const values = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
  if (failed) {
    await undo(values);
    throw failed.reason;
  }
  return values as { -readonly [K in keyof T]: Awaited<T[K]> };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.removeListener('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The event EventBridge Scheduler sends a job: its handlers ignore it, but it is shaped like the real one. */
function scheduledEvent(jobId: string) {
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: '000000000000',
    time,
    region: process.env.AWS_REGION,
    resources: [`arn:aws:scheduler:local:000000000000:schedule/default/pingyi-local-${jobId}`],
    detail: {},
  };
}
