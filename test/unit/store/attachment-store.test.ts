import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  LOCAL_ATTACHMENT_PATH,
  acceptLocalUpload,
  localAttachmentStore,
  openLocalAttachment,
  s3AttachmentStore,
} from '../../../functions/store/attachments/attachment-store';

/** The attachment store: S3's presigned URLs hold the declared type and size; the local stand-in enforces the same. */

const T0 = new Date('2026-11-27T02:00:00.000Z');
const KEY = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
const EXPIRY = { expiryDays: 1095, pendingExpiryDays: 1 };
const freshDir = () => mkdtempSync(join(tmpdir(), 'pingyi-attachment-store-'));
const s3Client = () => new S3Client({ region: 'cn-north-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, requestChecksumCalculation: 'WHEN_REQUIRED' });

describe('s3AttachmentStore', () => {
  it('signs an upload URL with the Content-Type and Content-Length, no checksum of an empty body, valid until expiry', async () => {
    // prepare
    const store = s3AttachmentStore(s3Client(), 'attachments-bucket', () => T0);

    // act
    const { url, headers } = await store.presignUpload(KEY, { contentType: 'image/png', size: 68, fileName: '窗口.png' }, new Date(T0.getTime() + 600_000));
    const query = new URL(url).searchParams;

    // assert
    expect(headers).toEqual({ 'content-type': 'image/png', 'x-amz-tagging': 'pending=true' });
    expect(query.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;x-amz-tagging');
    expect(query.get('X-Amz-Expires')).toBe('600');
    expect(query.get('x-amz-meta-filename')).toBe(encodeURIComponent('窗口.png'));
    expect([...query.keys()].filter((k) => k.startsWith('x-amz-checksum'))).toEqual([]);
    expect(new URL(url).pathname).toContain(KEY);
  });

  it('describes an object by HeadObject and its first bytes by a ranged GET, nothing for a missing key, and fails on a fault', async () => {
    // prepare
    const s3 = s3Client();
    const mock = mockClient(s3);
    mock.on(HeadObjectCommand, { Key: KEY }).resolves({ ContentType: 'image/png', ContentLength: PNG.length, Metadata: { filename: encodeURIComponent('窗口.png') } });
    mock.on(HeadObjectCommand, { Key: 'missing' }).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));
    // Without s3:ListBucket, S3 answers a missing key 403.
    mock.on(HeadObjectCommand, { Key: 'unlisted' }).rejects(Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } }));
    mock.on(HeadObjectCommand, { Key: 'broken' }).rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
    // The SDK's body, as far as the store reads it.
    mock.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(PNG.subarray(0, 16)) } as never });
    const store = s3AttachmentStore(s3, 'attachments-bucket', () => T0);

    // act
    const found = await store.describe(KEY, { head: true });
    const missing = await store.describe('missing', { head: true });
    const unlisted = await store.describe('unlisted');
    const broken = store.describe('broken');

    // assert
    expect(found).toEqual({ contentType: 'image/png', size: PNG.length, fileName: '窗口.png', head: new Uint8Array(PNG.subarray(0, 16)) });
    expect(missing).toBeUndefined();
    expect(unlisted).toBeUndefined();
    await expect(broken).rejects.toThrow('Service Unavailable');
    expect(mock.commandCalls(GetObjectCommand)[0]!.args[0].input).toMatchObject({ Key: KEY, Range: 'bytes=0-15' });
  });
});

describe('the local attachment store', () => {
  const upload = (dir: string, url: string, body: Buffer, headers: { contentType?: string; contentLength?: string } = {}, now = T0) =>
    acceptLocalUpload(
      dir,
      url.slice('/local-uploads/'.length, url.indexOf('?')),
      { token: new URL(url, 'http://local').searchParams.get('token'), contentType: headers.contentType ?? 'image/png', contentLength: headers.contentLength ?? String(body.length), body: Readable.from([body]) },
      now,
    );

  it('takes an upload on its URL’s terms once, then describes it and serves it by a link until the link expires', async () => {
    // prepare
    const dir = freshDir();
    const store = localAttachmentStore(dir, EXPIRY, () => T0);
    const { url } = await store.presignUpload(KEY, { contentType: 'image/png', size: PNG.length, fileName: '窗口.png' }, new Date(T0.getTime() + 600_000));

    // act
    const wrongType = await upload(dir, url, PNG, { contentType: 'application/pdf' });
    const wrongSize = await upload(dir, url, Buffer.concat([PNG, PNG]));
    const first = await upload(dir, url, PNG);
    const again = await upload(dir, url, PNG);
    const stored = await store.describe(KEY, { head: true });
    const link = await store.downloadUrl(KEY, stored!, new Date(T0.getTime() + 300_000));
    const served = await openLocalAttachment(dir, link.slice(LOCAL_ATTACHMENT_PATH.length), new Date(T0.getTime() + 60_000));
    const late = await openLocalAttachment(dir, link.slice(LOCAL_ATTACHMENT_PATH.length), new Date(T0.getTime() + 300_000));

    // assert
    expect([wrongType.status, wrongSize.status]).toEqual([403, 403]);
    expect(first.status).toBe(200);
    expect(again.status).toBe(403);
    expect(stored).toEqual({ contentType: 'image/png', size: PNG.length, fileName: '窗口.png', head: new Uint8Array(PNG.subarray(0, 16)) });
    expect(await buffer(served!.stream)).toEqual(PNG);
    expect(late).toBeUndefined();
  });

  it('refuses an expired upload URL and keeps nothing of a body longer than its declared length', async () => {
    // prepare
    const dir = freshDir();
    const store = localAttachmentStore(dir, EXPIRY, () => T0);
    const expired = await store.presignUpload(KEY, { contentType: 'image/png', size: PNG.length, fileName: 'a.png' }, new Date(T0.getTime() + 600_000));
    const other = 'ZZCdEfGhIjKlMnOpQrStUvWxYz012345';
    const lying = await store.presignUpload(other, { contentType: 'image/png', size: 4, fileName: 'b.png' }, new Date(T0.getTime() + 600_000));

    // act
    const late = await upload(dir, expired.url, PNG, {}, new Date(T0.getTime() + 600_000));
    const longer = await upload(dir, lying.url, PNG, { contentLength: '4' });

    // assert
    expect(late.status).toBe(403);
    expect(longer.status).toBe(400);
    expect(await store.describe(KEY)).toBeUndefined();
    expect(await store.describe(other)).toBeUndefined();
  });

  it('deletes an upload no case claimed after a day, and keeps a claimed one', async () => {
    // prepare: two files uploaded (the files' times are the real clock's), one claimed by a case.
    const dir = freshDir();
    const now = { at: new Date() };
    const store = localAttachmentStore(dir, EXPIRY, () => now.at);
    const claimed = 'ClaimedXIjKlMnOpQrStUvWxYz012345';
    for (const key of [KEY, claimed]) {
      const { url } = await store.presignUpload(key, { contentType: 'image/png', size: PNG.length, fileName: 'a.png' }, new Date(now.at.getTime() + 600_000));
      expect((await upload(dir, url, PNG, {}, now.at)).status).toBe(200);
    }
    await store.markAttached([claimed]);

    // act: the next upload URL, two days later, sweeps.
    now.at = new Date(now.at.getTime() + 2 * 86_400_000);
    await store.presignUpload('NextOneXIjKlMnOpQrStUvWxYz012345', { contentType: 'image/png', size: 1, fileName: 'c.png' }, new Date(now.at.getTime() + 600_000));

    // assert
    expect(await store.describe(KEY)).toBeUndefined();
    expect(await store.describe(claimed)).toMatchObject({ contentType: 'image/png', size: PNG.length });
  });

  it('claims stored files on S3 by removing their tags', async () => {
    // prepare
    const s3 = s3Client();
    const mock = mockClient(s3);
    mock.on(PutObjectTaggingCommand).resolves({});

    // act
    await s3AttachmentStore(s3, 'attachments-bucket', () => T0).markAttached([KEY]);

    // assert
    expect(mock.commandCalls(PutObjectTaggingCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'attachments-bucket', Key: KEY, Tagging: { TagSet: [] } }]);
  });
});
