import { join, resolve } from 'node:path';
import { BUCKETS, type BucketKey } from '../../functions/store/buckets';

/** The folder under the data dir that stands in for a bucket of functions/store/buckets.ts (`.local/exports/`). */
export const localBucketDir = (dataDir: string, key: BucketKey): string => resolve(join(dataDir, BUCKETS[key].localDir));

/**
 * The functions' environment for the buckets of the local stack: `<envVar>=file:<absolute folder>`, which
 * functions/store/exports/export-store.ts writes to where it would upload to S3 on AWS. Locally every
 * function shares one process, so every function gets it; on AWS only those whose route names the bucket.
 */
export function localBucketEnv(dataDir: string): Record<string, string> {
  return Object.fromEntries((Object.keys(BUCKETS) as BucketKey[]).map((key) => [BUCKETS[key].envVar, `file:${localBucketDir(dataDir, key)}`]));
}
