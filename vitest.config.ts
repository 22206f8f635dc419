import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BUCKETS } from './functions/store/buckets.ts';
import { TABLES } from './functions/store/tables.ts';

// Handler unit tests import handlers, which read their table bindings at import time.
const unitTableEnv = Object.fromEntries(Object.values(TABLES).map((t) => [t.envVar, `unit-${t.id}`]));
// ... and their bucket bindings: a folder, as under `npm start` (functions/store/exports/export-store.ts).
const unitBucketEnv = Object.fromEntries(Object.values(BUCKETS).map((b) => [b.envVar, `file:${join(tmpdir(), `pingyi-unit-${b.localDir}`)}`]));

/**
 * `npm test` runs every project. The integration project shares one DynamoDB Local started by
 * test/integration/global-setup.ts (each test file makes its own tables); the e2e test starts the whole
 * local stack, as `npm start` does, with its data in memory.
 */
// The SDK's notice that its 2027 releases need Node 22 would repeat in every test worker.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          env: { ...unitTableEnv, ...unitBucketEnv, AWS_REGION: 'cn-north-1', POWERTOOLS_LOG_LEVEL: 'SILENT' },
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
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
