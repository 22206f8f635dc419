import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { localPublicFiles, publicFilesFromEnv, readLocalPublicFile, s3PublicFiles } from '../../../functions/store/disclosure/public-files';
import { BUCKETS } from '../../../functions/store/buckets';

/** The public root behind one port: S3 objects under the site bucket's prefix on AWS, a folder under `npm start`. */

const s3 = mockClient(S3Client);
const freshDir = () => mkdtempSync(join(tmpdir(), 'pingyi-public-files-'));

beforeEach(() => s3.reset());

describe('s3PublicFiles', () => {
  it("writes JSON under the site bucket's prefix with CloudFront's caching: the index a minute, a publication for good", async () => {
    // prepare
    const files = s3PublicFiles(new S3Client({ region: 'ap-east-1' }), 'site-bucket', BUCKETS.publications.site.prefix);

    // act
    await files.put('disclosure/index.json', '{}');
    await files.put('disclosure/p1.json', '{"a":1}');
    await files.remove('disclosure/p1.json');

    // assert
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'site-bucket', Key: 'public/disclosure/index.json', Body: '{}', ContentType: 'application/json; charset=utf-8', CacheControl: 'public, max-age=60' },
      { Bucket: 'site-bucket', Key: 'public/disclosure/p1.json', Body: '{"a":1}', ContentType: 'application/json; charset=utf-8', CacheControl: 'public, max-age=31536000, immutable' },
    ]);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'site-bucket', Key: 'public/disclosure/p1.json' }]);
  });

  it('refuses a path that could leave the prefix, sending nothing', async () => {
    // prepare
    const files = s3PublicFiles(new S3Client({ region: 'ap-east-1' }), 'site-bucket', 'public/');

    // act and assert
    for (const path of ['../index.html', 'disclosure/../../index.html', '/disclosure/x.json', 'disclosure//x.json', '']) {
      await expect(files.put(path, '{}'), path).rejects.toThrow(/not a public file path/);
    }
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('localPublicFiles', () => {
  it('writes whole files the local server serves with the same headers, and deletes them', async () => {
    // prepare
    const dir = freshDir();
    const files = localPublicFiles(dir);

    // act
    await files.put('disclosure/index.json', '{"publications":[]}');
    await files.put('commitments/2026-annual/p1/root.json', '{}');
    const index = await readLocalPublicFile(dir, 'disclosure/index.json');
    const root = await readLocalPublicFile(dir, 'commitments/2026-annual/p1/root.json');
    await files.remove('commitments/2026-annual/p1/root.json');

    // assert
    expect(index?.body.toString()).toBe('{"publications":[]}');
    expect(index?.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=60' });
    expect(root?.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(existsSync(join(dir, 'commitments/2026-annual/p1/root.json'))).toBe(false);
    expect(readdirSync(join(dir, 'disclosure'))).toEqual(['index.json']);
    expect(await readLocalPublicFile(dir, '../../etc/passwd')).toBeUndefined();
    expect(await readLocalPublicFile(dir, 'disclosure/index.json.part')).toBeUndefined();
    expect(await readLocalPublicFile(dir, 'disclosure/none.json')).toBeUndefined();
  });
});

describe('publicFilesFromEnv', () => {
  it('fails at cold start without the publications binding', () => {
    // act and assert
    expect(() => publicFilesFromEnv({})).toThrow(/PUBLICATIONS_BUCKET is not set/);
  });
});
