import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BatchWriteItemCommand, UpdateTableCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { build } from 'esbuild';
import type { FormVersion } from '../../functions/domain/evaluation/form';
import type { Period } from '../../functions/domain/evaluation/period';
import type { Response } from '../../functions/domain/evaluation/response';
import { BUCKETS } from '../../functions/store/buckets';
import { responseKey } from '../../functions/store/evaluation/response-store';
import { createTables, deleteTables, localDynamoClient, localFunctionEnv, tableNames } from '../../infra/local/dynamodb';
import { DURING_PERIOD, aFormContent, aFormVersion, aPeriod, aResponse, anOpenAdmission } from '../fixtures/catalog';
import { formItem, formVersionItem, periodItem } from '../fixtures/items';
import { aForm } from '../fixtures/catalog';

/**
 * The raw export of a big period (issue 8, benchmark 7b): `count` ballots (one unit rated, the group, every
 * tenth with a comment; ~330 bytes each) seeded into fresh tables of the bench's DynamoDB Local with
 * BatchWriteItem, 24 requests in flight. Then, each in a child process of its own so that its peak RSS is
 * its alone (process.resourceUsage().maxRSS of the whole process: node, the bundled SDK and the work): the
 * bare floor (Query the 16 shards one page after another, write each item as a JSON line), the export
 * function's code writing its CSV to the local bucket folder, the floor again, and the export's code fed
 * from memory. The first three read the same items from DynamoDB Local.
 */
export interface ExportFigures {
  count: number;
  seedMs: number;
  exportRows: number;
  exportMs: number;
  exportRssBeforeMb: number;
  exportPeakRssMb: number;
  exportFileBytes: number;
  /** The export's code fed from memory-light replay of the same items (no DynamoDB): its own rate. */
  replayRows: number;
  replayMs: number;
  replayPeakRssMb: number;
  bareRows: number;
  bareMs: number;
  bareRssBeforeMb: number;
  barePeakRssMb: number;
}

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./export-child.ts', import.meta.url));

/**
 * The child bundled as `cdk deploy` bundles a function (esbuild, ESM, minified, the SDK inside) and run by
 * plain node, so its memory is the code's and the SDK's, not a TypeScript loader's.
 */
async function bundleChild(outDir: string): Promise<string> {
  const outfile = join(outDir, 'export-child.mjs');
  await build({
    entryPoints: [CHILD],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}
const PERIOD_ID = 'bench-export';
const SEED_IN_FLIGHT = 24;

function ballot(i: number): Response {
  return aResponse({
    ballotRef: `o.bench${i.toString(36).padStart(17, '0')}`,
    periodId: PERIOD_ID,
    formId: 'bench-form',
    answers: { group: i % 5 === 0 ? 'enterprise' : 'citizen' },
    units: {
      [i % 2 === 0 ? 'tax-bureau' : 'service-centre']: {
        overall: (['verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'dontKnow'] as const)[i % 5]!,
        ...(i % 10 === 0 ? { comment: '窗口工作人员态度很好，办事效率高，希望继续保持。' } : {}),
      },
    },
    submittedAt: new Date(DURING_PERIOD.getTime() + i * 1000).toISOString(),
    admission: anOpenAdmission({ clientKey: `QmVuY2hDbGllbnQ${(i % 997).toString().padStart(3, '0')}` }),
  });
}

async function seed(client: DynamoDBClient, tables: Record<'catalog' | 'responses', string>, count: number): Promise<number> {
  const period: Period = aPeriod({ periodId: PERIOD_ID });
  const version: FormVersion = aFormVersion({ formId: 'bench-form', periodId: PERIOD_ID, content: aFormContent() });
  const catalog = [periodItem(period), formItem(aForm({ formId: 'bench-form', periodId: PERIOD_ID })), formVersionItem(version)];
  await client.send(new BatchWriteItemCommand({ RequestItems: { [tables.catalog]: catalog.map((i) => ({ PutRequest: { Item: marshall(i, { removeUndefinedValues: true }) } })) } }));

  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + 25);
      let requests: WriteRequest[] = [];
      for (let i = from; i < next; i++) {
        const r = ballot(i);
        requests.push({ PutRequest: { Item: marshall({ ...responseKey(PERIOD_ID, r.ballotRef), ...r }, { removeUndefinedValues: true }) } });
      }
      if (from % 100_000 === 0 && from > 0) console.error(`  seeded ${from.toLocaleString('en')} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      while (requests.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tables.responses]: requests } }));
        requests = out.UnprocessedItems?.[tables.responses] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_IN_FLIGHT }, worker));
  return performance.now() - started;
}

async function child(script: string, mode: 'export' | 'bare' | 'replay', env: NodeJS.ProcessEnv, outDir: string) {
  const { stdout } = await run(process.execPath, [script, mode, PERIOD_ID, outDir], { env, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { rows: number; ms: number; rssBeforeMb: number; peakRssMb: number };
}

export async function measureExport(endpoint: string, count: number): Promise<ExportFigures> {
  const tables = tableNames(`bench-export-${process.pid}`);
  const admin = localDynamoClient(endpoint);
  const outDir = mkdtempSync(join(tmpdir(), 'pingyi-bench-export-'));
  try {
    await createTables(admin, tables);
    // The export reads with Query; a million stream records would only weigh on DynamoDB Local's heap.
    await admin.send(new UpdateTableCommand({ TableName: tables.responses, StreamSpecification: { StreamEnabled: false } })).catch(() => undefined);
    const seedMs = await seed(admin, tables, count);
    const env = {
      ...process.env,
      ...localFunctionEnv(endpoint, tables),
      [BUCKETS.exports.envVar]: `file:${outDir}`,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
    const script = await bundleChild(outDir);
    // The bare loop runs before and after the export (DynamoDB Local's JIT warms up on the first pass); the
    // faster of its two runs is the baseline, which can only make the export's ratio smaller.
    const bareFirst = await child(script, 'bare', env, outDir);
    const exported = await child(script, 'export', env, outDir);
    const bareAgain = await child(script, 'bare', env, outDir);
    const bare = bareAgain.ms < bareFirst.ms ? bareAgain : bareFirst;
    const csv = readdirSync(outDir).find((f) => f.endsWith('.csv'));
    const size = csv ? statSync(join(outDir, csv)).size : 0;
    const replayed = await child(script, 'replay', { ...env, REPLAY_ITEMS: String(count) }, outDir);
    return {
      count,
      seedMs,
      exportRows: exported.rows,
      exportMs: exported.ms,
      exportRssBeforeMb: exported.rssBeforeMb,
      exportPeakRssMb: exported.peakRssMb,
      exportFileBytes: size,
      replayRows: replayed.rows,
      replayMs: replayed.ms,
      replayPeakRssMb: replayed.peakRssMb,
      bareRows: bare.rows,
      bareMs: bare.ms,
      bareRssBeforeMb: bare.rssBeforeMb,
      barePeakRssMb: bare.peakRssMb,
    };
  } finally {
    await deleteTables(admin, tables).catch(() => undefined);
    admin.destroy();
    rmSync(outDir, { recursive: true, force: true });
  }
}

// `tsx test/bench/export.ts <endpoint> <count>`: this figure alone, against a running DynamoDB Local.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [endpoint, count] = process.argv.slice(2);
  console.log(JSON.stringify(await measureExport(endpoint!, Number(count ?? 100_000)), null, 2));
}
