import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BUCKETS } from './functions/store/buckets.ts';
import { TABLES } from './functions/store/tables.ts';
import LongestFirstAcrossProjects from './test/sequencer.ts';

// Handler unit tests import handlers, which read their table bindings at import time.
const unitTableEnv = Object.fromEntries(Object.values(TABLES).map((t) => [t.envVar, `unit-${t.id}`]));
// ... and their bucket bindings: a folder, as under `npm start` (functions/store/exports/export-store.ts).
const unitBucketEnv = Object.fromEntries(Object.values(BUCKETS).map((b) => [b.envVar, `file:${join(tmpdir(), `pingyi-unit-${b.localDir}`)}`]));

/**
 * `npm test` runs every project, all in one pool of workers. Each integration file starts its own DynamoDB
 * Local on first use (test/integration/helpers.ts `dynamoEndpoint`) and makes its own tables; each e2e file
 * starts the whole local stack, as `npm start` does, with its data in memory and on free ports, and its own
 * Chromium.
 *
 * Workers: one file at a time unless `VITEST_MAX_WORKERS=<n>` says otherwise. Measured on 2 cores
 * (2026-11-29): with three workers, and again with two, the integration files' then shared DynamoDB Local,
 * starved beside a browser file's JVM and Chromium, missed the clients' 2 s request timeout, and a
 * type-checking file missed its hook timeout. Tried again with two workers once each integration file had its
 * own DynamoDB Local (same day, later): two browser files (citizen, review) missed their 30 s waits beside an
 * integration file, whose fault tests took 103 s instead of 41. More workers may pay on more cores, where
 * `VITEST_MAX_WORKERS` tries them. Within the integration project and the e2e project (each file brings a JVM
 * and a Chromium) files run one at a time whatever the count. test/sequencer.ts starts the longest files first
 * and mixes the projects, so that with several workers a browser file runs beside a unit or integration file.
 */

// The SDK's notice that its 2027 releases need Node 22 would repeat in every test worker.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? 1),
    sequence: { sequencer: LongestFirstAcrossProjects },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Beside browser files on 2 cores, a property test of a few seconds may take twice as long as alone.
          testTimeout: 20_000,
          env: { ...unitTableEnv, ...unitBucketEnv, AWS_REGION: 'cn-north-1', POWERTOOLS_LOG_LEVEL: 'SILENT' },
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
