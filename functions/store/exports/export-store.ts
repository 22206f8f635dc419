import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BUCKETS, type BucketKey } from '../buckets';

/**
 * Where a finished export goes and how it is handed out, chosen by the bucket's binding (store/buckets.ts):
 * a bucket name on AWS — a streamed multipart upload to S3 and a presigned GET link —, or `file:<folder>`
 * under `npm start` and the tests — a file in that folder and a link the local API server serves. Either
 * way the link is unguessable and expires, and a file is made downloadable only once it is complete: a
 * failed upload is aborted (S3 drops its parts), a failed local write leaves no file behind.
 */
export interface ExportSink {
  /** Writes the bytes as they come (pulling them: backpressure), then returns the file's name in the store. */
  save(filename: string, contentType: string, chunks: AsyncIterable<Uint8Array>): Promise<{ ref: string }>;
  /** A link to a saved file that expires in EXPORT_LINK_SECONDS, downloading it as `filename`. */
  link(ref: string, filename: string, contentType: string): Promise<{ url: string; expiresAt: Date }>;
}

/** How long a download link works. */
export const EXPORT_LINK_SECONDS = 15 * 60;

/** Where the local API server serves local exports: `/local-exports/<name>`. */
export const LOCAL_EXPORT_PATH = '/local-exports/';

// The S3 client's limits: a 5 MB part may take a while on a slow link; a stalled one fails, then is retried once.
const S3_LIMITS = { maxAttempts: 3, connectionTimeout: 1_000, requestTimeout: 10_000 } as const;
// Parts of 5 MB (S3's least), two in flight: the upload holds about 10 MB whatever the file's size.
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/** A `Content-Disposition: attachment` naming the file, with an ASCII fallback and the RFC 5987 UTF-8 name. */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** The S3 client of the export functions, made once per cold start. */
export function createS3Client(): S3Client {
  const { maxAttempts, connectionTimeout, requestTimeout } = S3_LIMITS;
  return new S3Client({ maxAttempts, requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true } });
}

/** The sink of a bucket this function is bound to; fails at cold start if the binding is missing. */
export function exportSink(key: BucketKey, env: NodeJS.ProcessEnv = process.env, s3?: S3Client, now = () => new Date()): ExportSink {
  const { envVar, expiryDays } = BUCKETS[key];
  const ref = env[envVar];
  if (!ref) throw new Error(`${envVar} is not set: this function is not bound to the ${key} bucket`);
  if (ref.startsWith('file:')) return localExportSink(ref.slice('file:'.length), expiryDays, now);
  return s3ExportSink(s3 ?? createS3Client(), ref, now);
}

/** Uploads to S3 as the bytes come (lib-storage's multipart Upload) and presigns a GET of the object. */
export function s3ExportSink(s3: S3Client, bucket: string, now = () => new Date()): ExportSink {
  return {
    async save(filename, contentType, chunks) {
      const key = `exports/${randomUUID()}.csv`;
      const upload = new Upload({
        client: s3,
        params: { Bucket: bucket, Key: key, Body: Readable.from(chunks), ContentType: contentType, ContentDisposition: attachment(filename) },
        partSize: PART_BYTES,
        queueSize: PARTS_IN_FLIGHT,
        leavePartsOnError: false,
      });
      await upload.done();
      return { ref: key };
    },
    async link(ref, filename, contentType) {
      const url = await getSignedUrl(
        s3,
        new GetObjectCommand({ Bucket: bucket, Key: ref, ResponseContentDisposition: attachment(filename), ResponseContentType: contentType }),
        { expiresIn: EXPORT_LINK_SECONDS },
      );
      return { url, expiresAt: new Date(now().getTime() + EXPORT_LINK_SECONDS * 1000) };
    },
  };
}

/** What the local sink keeps beside a file: its download name, type and when its last link stops working. */
interface LocalExportMeta {
  filename: string;
  contentType: string;
  expiresAt: string;
}

const LOCAL_NAME = /^[A-Za-z0-9_-]{32}$/;

/**
 * Writes to `<dir>/<name>.csv` (first as `.part`, renamed when complete) with `<name>.json` beside it; the
 * name (the ref) is 24 random bytes, and a link is that name under LOCAL_EXPORT_PATH, served until the
 * expiry its last link() set. Files older than the bucket's expiry are deleted on each save, as S3's
 * lifecycle rule deletes them.
 */
export function localExportSink(dir: string, expiryDays: number, now = () => new Date()): ExportSink {
  return {
    async save(filename, contentType, chunks) {
      await mkdir(dir, { recursive: true });
      await sweep(dir, now().getTime() - expiryDays * 86_400_000);
      const name = randomBytes(24).toString('base64url');
      const part = join(dir, `${name}.part`);
      try {
        await pipeline(Readable.from(chunks), createWriteStream(part, { flags: 'wx' }));
      } catch (error) {
        await rm(part, { force: true });
        throw error;
      }
      // Not downloadable until a link is asked for (link() sets when it stops working).
      const meta: LocalExportMeta = { filename, contentType, expiresAt: new Date(0).toISOString() };
      await writeFile(join(dir, `${name}.json`), JSON.stringify(meta));
      await rename(part, join(dir, `${name}.csv`));
      return { ref: name };
    },
    async link(ref) {
      if (!LOCAL_NAME.test(ref)) throw new Error('not a local export');
      const metaFile = join(dir, `${ref}.json`);
      const meta = JSON.parse(await readFile(metaFile, 'utf8')) as LocalExportMeta;
      const expiresAt = new Date(now().getTime() + EXPORT_LINK_SECONDS * 1000);
      await writeFile(metaFile, JSON.stringify({ ...meta, expiresAt: expiresAt.toISOString() }));
      return { url: `${LOCAL_EXPORT_PATH}${ref}`, expiresAt };
    },
  };
}

async function sweep(dir: string, before: number): Promise<void> {
  for (const entry of await readdir(dir)) {
    const path = join(dir, entry);
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < before) await rm(path, { force: true });
  }
}

/**
 * A local export by the name in its link, for the local API server: the stream and its headers, or
 * undefined when there is no such file or its link has expired (answered 404 and 403 as S3 would: here both 404).
 */
export async function openLocalExport(
  dir: string,
  name: string,
  now = new Date(),
): Promise<{ stream: Readable; size: number; headers: Record<string, string> } | undefined> {
  if (!LOCAL_NAME.test(name)) return undefined;
  const meta = await readFile(join(dir, `${name}.json`), 'utf8').then((t) => JSON.parse(t) as LocalExportMeta, () => undefined);
  if (!meta || Date.parse(meta.expiresAt) <= now.getTime()) return undefined;
  const file = join(dir, `${name}.csv`);
  const info = await stat(file).catch(() => undefined);
  if (!info) return undefined;
  return {
    stream: createReadStream(file),
    size: info.size,
    headers: { 'content-type': meta.contentType, 'content-disposition': attachment(meta.filename), 'cache-control': 'no-store' },
  };
}
