import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { PublicFiles } from '../../domain/disclosure/ports';
import { publicCacheControl } from '../../domain/disclosure/public-paths';
import { BUCKETS } from '../buckets';

/**
 * The public root the disclosure page reads, behind one port (domain/disclosure/ports.ts `PublicFiles`), chosen
 * by the publications binding (store/buckets.ts): a bucket name on AWS — objects under the site bucket's
 * `public/` prefix, with the Cache-Control CloudFront and browsers keep them by —, or `file:<folder>` under
 * `npm start` and the tests — files the local server serves at the same `/public/…` URLs with the same headers.
 */

const S3_LIMITS = { maxAttempts: 3, connectionTimeout: 1_000, requestTimeout: 5_000 } as const;
/** A path under the public root: folders and names of letters, digits, `.`, `_` and `-`, no `..`. */
const PATH = /^(?!.*\.\.)[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

function checked(path: string): string {
  if (!PATH.test(path)) throw new Error(`not a public file path: ${path}`);
  return path;
}

/**
 * The public files this function is bound to; fails at cold start when the publications binding is missing, or
 * on AWS when the site distribution's id is (infra/constructs/api-function.ts binds both).
 */
export function publicFilesFromEnv(env: NodeJS.ProcessEnv = process.env, clients: { s3?: S3Client; cloudFront?: CloudFrontClient } = {}): PublicFiles {
  const { envVar, site } = BUCKETS.publications;
  const ref = env[envVar];
  if (!ref) throw new Error(`${envVar} is not set: this function is not bound to the publications bucket`);
  if (ref.startsWith('file:')) return localPublicFiles(ref.slice('file:'.length));
  const distributionId = env[site.distributionEnvVar];
  if (!distributionId) throw new Error(`${site.distributionEnvVar} is not set: this function is not bound to the site distribution`);
  const { maxAttempts, connectionTimeout, requestTimeout } = S3_LIMITS;
  const requestHandler = { connectionTimeout, requestTimeout, throwOnRequestTimeout: true };
  return s3PublicFiles(clients.s3 ?? new S3Client({ maxAttempts, requestHandler }), ref, site.prefix, {
    // CloudFront's API has one endpoint (us-east-1; cn-northwest-1 in the China partition), which the SDK picks.
    cloudFront: clients.cloudFront ?? new CloudFrontClient({ maxAttempts, requestHandler }),
    distributionId,
  });
}

/** Where CloudFront serves the bucket's files, to invalidate a removed one in. */
export interface PublicCdn {
  cloudFront: CloudFrontClient;
  distributionId: string;
}

/**
 * JSON objects under `prefix` of the bucket, each with its Cache-Control (publicCacheControl). A removed one is
 * deleted, then invalidated at `/<prefix><path>` in the distribution (when `cdn` is given): one invalidation
 * path, of the thousand a month CloudFront does free, per withdrawal. Its caller reference is made once per
 * removal, so the SDK's retries of it are one invalidation.
 */
export function s3PublicFiles(s3: S3Client, bucket: string, prefix: string, cdn?: PublicCdn): PublicFiles {
  return {
    async put(path, body) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${prefix}${checked(path)}`,
          Body: body,
          ContentType: 'application/json; charset=utf-8',
          CacheControl: publicCacheControl(path),
        }),
      );
    },
    async remove(path) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${prefix}${checked(path)}` }));
      if (!cdn) return;
      await cdn.cloudFront.send(
        new CreateInvalidationCommand({
          DistributionId: cdn.distributionId,
          InvalidationBatch: { CallerReference: `remove-${randomUUID()}`, Paths: { Quantity: 1, Items: [`/${prefix}${path}`] } },
        }),
      );
    },
  };
}

/** Files under `dir`, each written whole (a `.part` renamed into place), so a reader never sees half a file. */
export function localPublicFiles(dir: string): PublicFiles {
  return {
    async put(path, body) {
      const file = join(dir, checked(path));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.part`, body);
      await rename(`${file}.part`, file);
    },
    async remove(path) {
      await rm(join(dir, checked(path)), { force: true });
    },
  };
}

/**
 * A local public file by its path under `/public/`, for the local server: its bytes and the headers the site
 * serves it with; undefined when there is none (or the path is not one a publication writes).
 */
export async function readLocalPublicFile(dir: string, path: string): Promise<{ body: Buffer; headers: Record<string, string> } | undefined> {
  if (!PATH.test(path) || !path.endsWith('.json')) return undefined;
  const root = resolve(dir);
  const file = resolve(root, path);
  if (!file.startsWith(root + sep)) return undefined;
  const body = await readFile(file).catch(() => undefined);
  if (!body) return undefined;
  return { body, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': publicCacheControl(path) } };
}
