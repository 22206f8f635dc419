import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AttachmentStorePort, StoredAttachment } from '../../domain/cases/attachments';
import { BUCKETS } from '../buckets';
import { attachment } from '../exports/export-store';

/**
 * The attachment store behind one port (domain/cases/attachments.ts), chosen by the attachments bucket's
 * binding (store/buckets.ts): a bucket name on AWS — presigned PUT URLs with the declared Content-Type and
 * Content-Length signed (S3 refuses any other type or size), HeadObject and a ranged GetObject to check an
 * upload, presigned GET links for staff —, or `file:<folder>` under `npm start` and the tests — a folder
 * the local API server accepts uploads into (`PUT /local-uploads/<key>?token=…`, with the same limits) and
 * serves links from (`/local-attachments/<token>`).
 */

/** Where the local API server takes uploads and serves download links. */
export const LOCAL_UPLOAD_PATH = '/local-uploads/';
export const LOCAL_ATTACHMENT_PATH = '/local-attachments/';

/** How many first bytes `describe` reads to tell a file's real type. */
const HEAD_BYTES = 16;
const S3_LIMITS = { maxAttempts: 3, connectionTimeout: 1_000, requestTimeout: 3_000 } as const;
const NAME = /^[A-Za-z0-9_-]{32}$/;
/** The tag of an upload no case has claimed yet: the bucket's lifecycle deletes it after `pendingExpiryDays`. */
const PENDING_TAG = 'pending=true';

/** The attachment store this function is bound to, or undefined when its route does not name the bucket. */
export function attachmentStoreFromEnv(env: NodeJS.ProcessEnv = process.env, s3?: S3Client, now = () => new Date()): AttachmentStorePort | undefined {
  const ref = env[BUCKETS.attachments.envVar];
  if (!ref) return undefined;
  if (ref.startsWith('file:')) return localAttachmentStore(ref.slice('file:'.length), BUCKETS.attachments, now);
  return s3AttachmentStore(s3 ?? createAttachmentS3Client(), ref, now);
}

/**
 * The S3 client of the attachment functions, made once per cold start. Checksums only where S3 requires
 * them: otherwise the SDK would sign the CRC32 of an empty body into an upload URL, and S3 would refuse the file.
 */
export function createAttachmentS3Client(): S3Client {
  const { maxAttempts, connectionTimeout, requestTimeout } = S3_LIMITS;
  return new S3Client({ maxAttempts, requestChecksumCalculation: 'WHEN_REQUIRED', requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true } });
}

const secondsUntil = (at: Date, now: Date) => Math.max(1, Math.round((at.getTime() - now.getTime()) / 1000));

/**
 * The S3 implementation: the original file name travels as the object's `filename` metadata (URL-encoded: S3
 * metadata is ASCII); an upload is tagged `pending=true` by a signed header, and claiming it removes its tags.
 */
export function s3AttachmentStore(s3: S3Client, bucket: string, now = () => new Date()): AttachmentStorePort {
  return {
    async presignUpload(key, file, expiresAt) {
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        ContentType: file.contentType,
        ContentLength: file.size,
        Metadata: { filename: encodeURIComponent(file.fileName) },
        Tagging: PENDING_TAG,
      });
      const url = await getSignedUrl(s3, command, {
        expiresIn: secondsUntil(expiresAt, now()),
        signableHeaders: new Set(['content-type', 'content-length']),
        // Sent as a header (signed), so the browser cannot leave the tag out.
        unhoistableHeaders: new Set(['x-amz-tagging']),
      });
      return { url, headers: { 'content-type': file.contentType, 'x-amz-tagging': PENDING_TAG } };
    },

    async markAttached(keys) {
      await Promise.all(keys.map((key) => s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [] } }))));
    },

    async describe(key, options = {}) {
      let found;
      try {
        found = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        // Without s3:ListBucket (never granted), S3 answers a missing key 403, not 404: both mean nothing is there.
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || status === 403) return undefined;
        throw error;
      }
      const size = found.ContentLength ?? 0;
      let head: Uint8Array = new Uint8Array();
      if (options.head && size > 0) {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${HEAD_BYTES - 1}` }));
        head = (await object.Body?.transformToByteArray()) ?? head;
      }
      return { contentType: found.ContentType ?? '', size, fileName: decodeName(found.Metadata?.filename), head };
    },

    downloadUrl(key, file, expiresAt) {
      const command = new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: attachment(file.fileName), ResponseContentType: file.contentType });
      return getSignedUrl(s3, command, { expiresIn: secondsUntil(expiresAt, now()) });
    },
  };
}

function decodeName(encoded: string | undefined): string {
  try {
    return encoded ? decodeURIComponent(encoded) : 'attachment';
  } catch {
    return 'attachment';
  }
}

/** What the local store keeps beside a stored file. */
interface LocalMeta {
  contentType: string;
  size: number;
  fileName: string;
  /** Not claimed by a case yet: deleted after the bucket's `pendingExpiryDays`. */
  pending?: boolean;
}
/** An upload URL's terms, as S3 keeps them in the signature: type, size, name, until when, and the token's hash. */
interface LocalTicket extends LocalMeta {
  tokenHash: string;
  expiresAt: string;
}
/** A download link's target. */
interface LocalLink {
  key: string;
  fileName: string;
  contentType: string;
  expiresAt: string;
}

const token = () => randomBytes(24).toString('base64url');
const hashOf = (t: string) => createHash('sha256').update(t).digest('base64');
const readJson = <T>(path: string): Promise<T | undefined> => readFile(path, 'utf8').then((t) => JSON.parse(t) as T, () => undefined);
const folders = (dir: string) => ({ objects: join(dir, 'objects'), uploads: join(dir, 'uploads'), links: join(dir, 'links') });

/**
 * The local implementation in `<dir>`: `objects/<key>` with `objects/<key>.json` (type, size, name, pending),
 * `uploads/<key>.json` for an upload URL not used yet, `links/<token>.json` for a download link. Stored
 * files older than the bucket's expiry (unclaimed ones: its pending expiry), and expired upload URLs and
 * links, are deleted on each new upload URL, as S3's lifecycle rules and signature expiry do.
 */
export function localAttachmentStore(
  dir: string,
  expiry: { expiryDays: number; pendingExpiryDays?: number },
  now = () => new Date(),
): AttachmentStorePort {
  const f = folders(dir);
  return {
    async presignUpload(key, file, expiresAt) {
      await Promise.all(Object.values(f).map((d) => mkdir(d, { recursive: true })));
      await sweep(dir, now(), expiry);
      const t = token();
      const ticket: LocalTicket = { ...file, tokenHash: hashOf(t), expiresAt: expiresAt.toISOString() };
      await writeFile(join(f.uploads, `${key}.json`), JSON.stringify(ticket), { flag: 'wx' });
      return { url: `${LOCAL_UPLOAD_PATH}${key}?token=${t}`, headers: { 'content-type': file.contentType } };
    },

    async describe(key, options = {}) {
      if (!NAME.test(key)) return undefined;
      const meta = await readJson<LocalMeta>(join(f.objects, `${key}.json`));
      const info = await stat(join(f.objects, key)).catch(() => undefined);
      if (!meta || !info) return undefined;
      let head: Uint8Array = new Uint8Array();
      if (options.head) {
        const handle = await open(join(f.objects, key), 'r');
        try {
          const buffer = Buffer.alloc(HEAD_BYTES);
          const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
          head = new Uint8Array(buffer.subarray(0, bytesRead));
        } finally {
          await handle.close();
        }
      }
      const stored: StoredAttachment = { contentType: meta.contentType, size: info.size, fileName: meta.fileName, head };
      return stored;
    },

    async markAttached(keys) {
      for (const key of keys) {
        const path = join(f.objects, `${key}.json`);
        const meta = NAME.test(key) ? await readJson<LocalMeta>(path) : undefined;
        if (meta) await writeFile(path, JSON.stringify({ ...meta, pending: false }));
      }
    },

    async downloadUrl(key, file, expiresAt) {
      await mkdir(f.links, { recursive: true });
      const t = token();
      const link: LocalLink = { key, fileName: file.fileName, contentType: file.contentType, expiresAt: expiresAt.toISOString() };
      await writeFile(join(f.links, `${t}.json`), JSON.stringify(link));
      return `${LOCAL_ATTACHMENT_PATH}${t}`;
    },
  };
}

async function sweep(dir: string, now: Date, expiry: { expiryDays: number; pendingExpiryDays?: number }): Promise<void> {
  const f = folders(dir);
  const before = (days: number) => now.getTime() - days * 86_400_000;
  for (const entry of await readdir(f.objects)) {
    if (!NAME.test(entry)) continue;
    const info = await stat(join(f.objects, entry)).catch(() => undefined);
    const meta = await readJson<LocalMeta>(join(f.objects, `${entry}.json`));
    const days = meta?.pending && expiry.pendingExpiryDays !== undefined ? expiry.pendingExpiryDays : expiry.expiryDays;
    if (info && info.mtimeMs < before(days)) {
      await rm(join(f.objects, entry), { force: true });
      await rm(join(f.objects, `${entry}.json`), { force: true });
    }
  }
  for (const folder of [f.uploads, f.links]) {
    for (const entry of await readdir(folder)) {
      const path = join(folder, entry);
      const item = await readJson<{ expiresAt: string }>(path);
      if (!item || Date.parse(item.expiresAt) <= now.getTime()) await rm(path, { force: true });
    }
  }
}

/** The outcome of a local upload, as S3 would answer it: 200 stored; 403 a wrong, used or expired URL, or another type or size than signed. */
export type LocalUploadResult = { status: 200 } | { status: 400 | 403; reason: string };

/**
 * Takes a file PUT to a local upload URL (for the local API server), on the terms its URL was made with:
 * the token, before it expires, once, with the declared Content-Type and exactly the declared number of
 * bytes (Content-Length signed, as on S3). The file is written as `.part` and renamed only when complete.
 */
export async function acceptLocalUpload(
  dir: string,
  key: string,
  request: { token: string | null; contentType: string | undefined; contentLength: string | undefined; body: Readable },
  now = new Date(),
): Promise<LocalUploadResult> {
  const f = folders(dir);
  const refuse = (status: 400 | 403, reason: string): LocalUploadResult => {
    request.body.resume();
    return { status, reason };
  };
  if (!NAME.test(key) || !request.token) return refuse(403, 'AccessDenied');
  const ticketPath = join(f.uploads, `${key}.json`);
  const ticket = await readJson<LocalTicket>(ticketPath);
  if (!ticket) return refuse(403, 'AccessDenied');
  const given = Buffer.from(hashOf(request.token), 'base64');
  const expected = Buffer.from(ticket.tokenHash, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse(403, 'SignatureDoesNotMatch');
  if (Date.parse(ticket.expiresAt) <= now.getTime()) return refuse(403, 'Request has expired');
  if (request.contentType !== ticket.contentType || request.contentLength !== String(ticket.size)) return refuse(403, 'SignatureDoesNotMatch');
  // One use: a second PUT to the same URL finds no ticket.
  await rm(ticketPath, { force: true });
  const part = join(f.objects, `${key}.part`);
  let bytes = 0;
  try {
    await pipeline(
      request.body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          if (bytes > ticket.size) throw new Error('more bytes than declared');
          yield chunk;
        }
      },
      createWriteStream(part, { flags: 'wx' }),
    );
  } catch {
    await rm(part, { force: true });
    return { status: 400, reason: 'IncompleteBody' };
  }
  if (bytes !== ticket.size) {
    await rm(part, { force: true });
    return { status: 400, reason: 'IncompleteBody' };
  }
  const meta: LocalMeta = { contentType: ticket.contentType, size: ticket.size, fileName: ticket.fileName, pending: true };
  await writeFile(join(f.objects, `${key}.json`), JSON.stringify(meta));
  await rename(part, join(f.objects, key));
  return { status: 200 };
}

/** A stored file by its download link's token (for the local API server); undefined for no such link or an expired one. */
export async function openLocalAttachment(
  dir: string,
  linkToken: string,
  now = new Date(),
): Promise<{ stream: Readable; size: number; headers: Record<string, string> } | undefined> {
  if (!NAME.test(linkToken)) return undefined;
  const f = folders(dir);
  const link = await readJson<LocalLink>(join(f.links, `${linkToken}.json`));
  if (!link || Date.parse(link.expiresAt) <= now.getTime() || !NAME.test(link.key)) return undefined;
  const file = join(f.objects, link.key);
  const info = await stat(file).catch(() => undefined);
  if (!info) return undefined;
  return {
    stream: createReadStream(file),
    size: info.size,
    headers: { 'content-type': link.contentType, 'content-disposition': attachment(link.fileName), 'cache-control': 'no-store' },
  };
}
