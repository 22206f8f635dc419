import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll } from 'vitest';
import { createDocumentClient } from '../../functions/store/client';
import type { TableKey } from '../../functions/store/tables';
import { createTables, deleteTables, localDynamoClient, localFunctionEnv, startDynamoDbLocal, tableNames, type DynamoDbLocal } from '../../infra/local/dynamodb';
import { startLocal, type LocalStack, type LocalStackOptions } from '../../infra/local/stack';
import { loadHandler } from '../../infra/local/lambda';
import { localBucketEnv } from '../../infra/local/buckets';
import { startStreamReader, type StreamReader } from '../../infra/local/streams';
import { streamConsumers } from '../../functions/routes';
import { bindBallotKeys } from '../fixtures/ballot-keys';

/**
 * What every integration test file shares: fresh tables of its own in the run's DynamoDB Local, the
 * function environment pointing at them (so the real deps factories of functions/store/deps.ts work).
 * Builders for catalog entities are in test/fixtures.
 */

export interface TestTables {
  endpoint: string;
  tables: Record<TableKey, string>;
  /** The document client the functions use, pointed at DynamoDB Local. */
  db: DynamoDBDocumentClient;
  /**
   * Resolves once the counting function has counted every ballot stored so far: the local stream reader
   * (infra/local/streams.ts) feeds it the responses table's stream, as on AWS — started on first use.
   */
  countBallots(): Promise<void>;
  /** Deletes the tables and closes the client (and stops the stream reader). */
  drop(): Promise<void>;
}

let dynamo: Promise<DynamoDbLocal> | undefined;

/**
 * The endpoint of this test file's own DynamoDB Local (in memory), started on first use and stopped after the
 * file's last hook. One per file rather than one per run: a run-long instance took every file's tables, stream
 * records (kept a day after a table is deleted, as on AWS) and counters, and by the last files answered past the
 * clients' 2 s request timeout (CI, 2026-11-29), although each of those files passes alone in seconds.
 */
export async function dynamoEndpoint(): Promise<string> {
  dynamo ??= startDynamoDbLocal({ inMemory: true });
  return (await dynamo).endpoint;
}
// Registered when a test file imports this module, before its own hooks: runs after them (hooks run as a stack).
afterAll(async () => {
  if (dynamo) await (await dynamo).stop();
}, 60_000);

/**
 * Creates uniquely named tables (from functions/store/tables.ts) for one test file and sets process.env
 * as the functions' Lambda configuration would: endpoint, region, throwaway credentials, table names, and
 * the ballot keys (the test ring, fixtures/ballot-keys.ts).
 */
export async function freshTables(): Promise<TestTables> {
  const endpoint = await dynamoEndpoint();
  const tables = tableNames(`it-${randomUUID().slice(0, 8)}`);
  const admin = localDynamoClient(endpoint);
  await createTables(admin, tables);
  Object.assign(process.env, localFunctionEnv(endpoint, tables));
  // The buckets as the local runtime binds them (folders): the export function writes one.
  Object.assign(process.env, localBucketEnv(mkdtempSync(join(tmpdir(), 'pingyi-it-buckets-'))));
  bindBallotKeys();
  const db = createDocumentClient(endpoint);
  let reader: Promise<StreamReader> | undefined;
  const startReader = async () =>
    startStreamReader({
      endpoint,
      consumers: await Promise.all(
        streamConsumers.map(async (consumer) => ({ consumer, tableName: tables[consumer.stream.table], handler: await loadHandler(consumer.entry, tables.responses) })),
      ),
      pollMs: 50,
      retryDelayMs: 50,
    });
  return {
    endpoint,
    tables,
    db,
    async countBallots() {
      await (await (reader ??= startReader())).drain();
    },
    async drop() {
      if (reader) await (await reader).stop();
      db.destroy();
      await deleteTables(admin, tables);
      admin.destroy();
    },
  };
}

/** How many items a partition holds (a COUNT query, so nothing is read into the test). */
export async function countItems(db: DynamoDBDocumentClient, table: string, pk: string): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Select: 'COUNT',
        ExclusiveStartKey,
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

/** A local stack on the run's DynamoDB Local, in tables and a data dir of its own. */
export interface TestStack {
  stack: LocalStack;
  dataDir: string;
  /** Stops the stack, deletes its tables and its data dir. */
  stop(): Promise<void>;
}

/**
 * Starts the local stack (`npm start`'s runtime) on the shared DynamoDB Local, with uniquely named tables
 * (`it-<name>-…`), no pages, quiet, and the tally left to the test (it runs once an hour). `options`
 * overrides any of that, e.g. `{ seed: true }` for the demo district; a `dataDir` given is used (and
 * removed on stop), so a ballot-key ring written there first is the one the stack's functions use.
 */
export async function startTestStack(name: string, options: LocalStackOptions = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pingyi-it-'));
  const stack = await startLocal({
    dynamoEndpoint: await dynamoEndpoint(),
    tablePrefix: `it-${name}-${randomUUID().slice(0, 8)}`,
    seed: false,
    tallyEveryMs: 60 * 60 * 1000,
    quiet: true,
    web: false,
    ...options,
    dataDir,
  });
  return {
    stack,
    dataDir,
    async stop() {
      await stack.stop();
      const admin = localDynamoClient(await dynamoEndpoint());
      try {
        await deleteTables(admin, stack.tables);
      } finally {
        admin.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A raw export through the local API as the dashboard makes it: asked for (202), written by the export function
 * once the local stream reader hands it the job (drained here, as the page waits), then read back — the answer
 * to the request when it is not 202, else the export as read.
 */
export async function exportThroughApi(
  stack: Pick<LocalStack, 'url' | 'drainStreams'>,
  periodId: string,
  { token, includeText = false, lang = 'en' }: { token: string; includeText?: boolean; lang?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = { authorization: `Bearer ${token}`, 'accept-language': lang };
  const asked = await fetch(`${stack.url}/periods/${periodId}/response-exports`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ includeText }),
  });
  const job = (await asked.json()) as Record<string, unknown>;
  if (asked.status !== 202) return { status: asked.status, body: job };
  await stack.drainStreams();
  const read = await fetch(`${stack.url}/periods/${periodId}/response-exports/${String(job.exportId)}`, { headers });
  return { status: read.status, body: (await read.json()) as Record<string, unknown> };
}
