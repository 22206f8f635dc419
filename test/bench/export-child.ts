import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { exportResponses } from '../../functions/domain/evaluation/response-export';
import { tableName } from '../../functions/store/client';
import { responseExportDeps } from '../../functions/store/deps';
import { SHARDS } from '../../functions/store/evaluation/response-store';

/**
 * One side of the export benchmark, run in a process of its own so its peak RSS is its own:
 * `export` — the export function's code (store/deps.ts responseExportDeps, the local bucket folder);
 * `bare` — the floor: Query every shard one page after another with the same document client and write
 * each item as a JSON line to a file, respecting backpressure, nothing else;
 * `replay` — the export's own code (rows, digests, CSV, the local file) fed pages of a thousand from the
 * first 100,000 items `bare` wrote (held in memory, cycled to REPLAY_ITEMS) instead of DynamoDB Local:
 * the exporter's own rate when reading is not the limit (on DynamoDB, 16 partitions read side by side).
 * Prints one JSON line: rows, milliseconds, and the process's peak RSS before and after the work.
 */
const [mode, periodId, outDir] = process.argv.slice(2) as ['export' | 'bare' | 'replay', string, string];
const mb = (kb: number) => kb / 1024;
// Both sides use this client: the functions' own (store/client.ts), but with a 30 s deadline per attempt instead of
// 2 s, since DynamoDB Local holding a million items on a shared two-core machine now and then stalls for seconds.
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
  }),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
);
const rssBefore = mb(process.resourceUsage().maxRSS);

let rows = 0;
let startedAt = performance.now();
if (mode === 'export') {
  const result = await exportResponses(responseExportDeps(db), periodId, { lang: 'zh-CN', includeText: false });
  rows = result.rows;
} else if (mode === 'replay') {
  const total = Number(process.env.REPLAY_ITEMS);
  const items = await firstItems(join(outDir, 'bare.jsonl'), 100_000);
  async function* pages() {
    for (let sent = 0; sent < total; sent += 1_000) {
      const from = sent % items.length;
      yield items.slice(from, from + Math.min(1_000, total - sent));
    }
  }
  // Timed from here: the items are in memory, as a page of DynamoDB's is once it arrived.
  startedAt = performance.now();
  const result = await exportResponses({ ...responseExportDeps(db), periodItemPages: pages }, periodId, { lang: 'zh-CN', includeText: false });
  rows = result.rows;
} else {
  const out = createWriteStream(join(outDir, 'bare.jsonl'));
  for (let shard = 0; shard < SHARDS; shard++) {
    const pages = paginateQuery(
      { client: db },
      { TableName: tableName('responses'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `P#${periodId}#${shard.toString(16)}` } },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        rows += 1;
        if (!out.write(`${JSON.stringify(item)}\n`)) await once(out, 'drain');
      }
    }
  }
  out.end();
  await once(out, 'finish');
}
const ms = performance.now() - startedAt;
console.log(JSON.stringify({ mode, rows, ms, rssBeforeMb: rssBefore, peakRssMb: mb(process.resourceUsage().maxRSS) }));

/** The first `max` items `bare` wrote (the replay cycles through them: their rows cost the same). */
async function firstItems(file: string, max: number): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    items.push(JSON.parse(line) as Record<string, unknown>);
    if (items.length === max) break;
  }
  lines.close();
  return items;
}
