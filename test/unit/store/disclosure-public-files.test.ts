import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { localPublicFiles, publicFilesFromEnv, readLocalPublicFile, s3PublicFiles } from '../../../functions/store/disclosure/public-files';
import { BUCKETS } from '../../../functions/store/buckets';

/** The public root behind one port: S3 objects under the site bucket's prefix on AWS, a folder under `npm start`. */

const s3 = mockClient(S3Client);
const cloudFront = mockClient(CloudFrontClient);
const freshDir = () => mkdtempSync(join(tmpdir(), 'pingyi-public-files-'));
const cdn = () => ({ cloudFront: new CloudFrontClient({ region: 'us-east-1' }), distributionId: 'E2SITE' });

beforeEach(() => {
  s3.reset();
  cloudFront.reset();
});

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

  it("invalidates a removed file's URL in the site distribution after deleting it, a caller reference per removal; a put invalidates nothing", async () => {
    // prepare
    const files = s3PublicFiles(new S3Client({ region: 'ap-east-1' }), 'site-bucket', BUCKETS.publications.site.prefix, cdn());

    // act
    await files.put('disclosure/p1.json', '{"a":1}');
    await files.remove('disclosure/p1.json');
    await files.remove('disclosure/p2.json');

    // assert
    const invalidations = cloudFront.commandCalls(CreateInvalidationCommand).map((c) => c.args[0].input);
    expect(invalidations).toEqual([
      { DistributionId: 'E2SITE', InvalidationBatch: { CallerReference: expect.stringMatching(/^remove-/), Paths: { Quantity: 1, Items: ['/public/disclosure/p1.json'] } } },
      { DistributionId: 'E2SITE', InvalidationBatch: { CallerReference: expect.stringMatching(/^remove-/), Paths: { Quantity: 1, Items: ['/public/disclosure/p2.json'] } } },
    ]);
    expect(invalidations[0]!.InvalidationBatch!.CallerReference).not.toBe(invalidations[1]!.InvalidationBatch!.CallerReference);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(2);
  });

  it('fails the removal when CloudFront refuses the invalidation, and invalidates nothing when the delete failed', async () => {
    // prepare
    const files = s3PublicFiles(new S3Client({ region: 'ap-east-1' }), 'site-bucket', 'public/', cdn());
    cloudFront.on(CreateInvalidationCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyInvalidationsInProgress' }));
    s3.on(DeleteObjectCommand, { Key: 'public/disclosure/stuck.json' }).rejects(new Error('S3 went away'));

    // act
    const refused = files.remove('disclosure/p1.json');
    await expect(refused).rejects.toThrow('Rate exceeded');
    const undeleted = files.remove('disclosure/stuck.json');

    // assert
    await expect(undeleted).rejects.toThrow('S3 went away');
    expect(cloudFront.commandCalls(CreateInvalidationCommand)).toHaveLength(1);
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

  it("on AWS needs the site distribution's id too, and invalidates in that distribution", async () => {
    // prepare
    const bucket = { [BUCKETS.publications.envVar]: 'site-bucket' };
    const clients = { s3: new S3Client({ region: 'ap-east-1' }), cloudFront: new CloudFrontClient({ region: 'us-east-1' }) };

    // act
    const unbound = () => publicFilesFromEnv(bucket, clients);
    const files = publicFilesFromEnv({ ...bucket, [BUCKETS.publications.site.distributionEnvVar]: 'E2SITE' }, clients);
    await files.remove('disclosure/p1.json');

    // assert
    expect(unbound).toThrow(/PUBLICATIONS_DISTRIBUTION_ID is not set/);
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'site-bucket', Key: 'public/disclosure/p1.json' });
    expect(cloudFront.commandCalls(CreateInvalidationCommand)[0]!.args[0].input.DistributionId).toBe('E2SITE');
  });

  it('under npm start writes to the folder and invalidates nothing', async () => {
    // prepare
    const dir = freshDir();

    // act
    const files = publicFilesFromEnv({ [BUCKETS.publications.envVar]: `file:${dir}` });
    await files.put('disclosure/p1.json', '{}');
    await files.remove('disclosure/p1.json');

    // assert
    expect(existsSync(join(dir, 'disclosure/p1.json'))).toBe(false);
    expect(cloudFront.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });
});
