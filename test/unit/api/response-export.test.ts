import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZResponseExport } from '../../../functions/domain/evaluation/response-export';
import { responseItem } from '../../fixtures/items';
import { aCommentQuestion, aFormContent, aFormVersion, aGroupQuestion, aRatingQuestion, aResponse, anOpenAdmission } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { aDistrict, storeDistrict } from './district';
import { UNIT_TABLE, fakeTables } from './fake-tables';

/**
 * The export handler on AWS's path: DynamoDB and S3 behind aws-sdk-client-mock. The function is bound to a
 * bucket (not the unit project's folder), so it uploads with lib-storage and presigns with the SDK's
 * presigner — offline, with throwaway credentials.
 */
const saved = vi.hoisted(() => {
  const before = { ...process.env };
  process.env.EXPORTS_BUCKET = 'pingyi-test-exports';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLEEXPORTS';
  process.env.AWS_SECRET_ACCESS_KEY = 'not-a-real-secret-only-for-signing';
  return before;
});
afterAll(() => {
  process.env = saved;
});

const { handler } = await import('../../../functions/api/evaluation/export-responses');

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

const CLIENT_KEY = 'Q2xpZW50S2V5T2ZUZXN0cw';
const COMMENT = '窗口人员态度冷淡，电话 13812345678';
const version = aFormVersion({ content: aFormContent({ questions: [aRatingQuestion(), aGroupQuestion(), aCommentQuestion()] }) });
const BALLOTS = Array.from({ length: 5 }, (_, i) =>
  aResponse({
    ballotRef: `i.batch9-${i}`,
    receiptCode: `AAAA-BBBB-CC${String(i).padStart(2, '0')}`,
    admission: i === 0 ? anOpenAdmission({ clientKey: CLIENT_KEY }) : { kind: 'invitation', batchId: 'batch9' },
    units: { 'tax-bureau': { overall: i % 2 === 0 ? 'satisfied' : 'dissatisfied', ...(i === 0 ? { comment: COMMENT } : {}) } },
  }),
);

/** The bytes S3 was given: the single PutObject's body, or the parts of a multipart upload. */
function uploaded(): Buffer {
  const bodies = [...s3.commandCalls(PutObjectCommand), ...s3.commandCalls(UploadPartCommand)].map((c) => c.args[0].input.Body);
  return Buffer.concat(bodies.map((b) => Buffer.from(b as Uint8Array)));
}

const exportEvent = (groups: string[], body: unknown, periodId = '2026-annual') =>
  httpEvent('exportResponses', { params: { periodId }, body, claims: staffClaims(...groups), headers: { 'accept-language': 'en' } });

beforeEach(() => {
  ddb.reset();
  s3.reset();
  const tables = fakeTables(ddb);
  storeDistrict(tables, aDistrict({ versions: [version] }));
  tables.put(UNIT_TABLE.responses, ...BALLOTS.map(responseItem));
  s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
  s3.on(UploadPartCommand).resolves({ ETag: '"part"' });
  s3.on(CompleteMultipartUploadCommand).resolves({});
});

describe('exportResponses handler', () => {
  it('uploads the file to the bucket and answers a presigned link that expires in 15 minutes', async () => {
    // act
    const res = await handler(exportEvent(['supervisor'], {}), lambdaContext());

    // assert
    expect(res.statusCode, res.body).toBe(200);
    const body = ZResponseExport.parse(JSON.parse(res.body!));
    expect(body).toMatchObject({ rows: 5, ballots: 5, unreadable: 0, includeText: false });
    const url = new URL(body.url);
    expect(url.hostname).toContain('pingyi-test-exports');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('response-content-disposition')).toContain('responses-2026-annual-');
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'pingyi-test-exports', ContentType: 'text/csv; charset=utf-8' });
    expect(put.Key).toMatch(/^exports\/[0-9a-f-]{36}\.csv$/);
    const records = parse(uploaded().toString('utf8').slice(1), { relax_column_count: true }) as string[][];
    expect(records[0]).toEqual(['Period', '2026 annual appraisal', '2026-annual']);
    // period, data as of, text or not, a blank line, the header, five ballots
    expect(records).toHaveLength(3 + 1 + 1 + 5);
  });

  it('never writes a client key, a receipt code, a reference, a batch or a comment for a supervisor', async () => {
    // act
    const res = await handler(exportEvent(['supervisor'], { includeText: false }), lambdaContext());

    // assert
    expect(res.statusCode).toBe(200);
    const text = uploaded().toString('utf8');
    for (const secret of [CLIENT_KEY, 'AAAA-BBBB-CC00', 'i.batch9-0', 'batch9', '13812345678', '窗口人员']) expect(text).not.toContain(secret);
  });

  it('refuses text answers to a supervisor (403) and writes nothing', async () => {
    // act
    const res = await handler(exportEvent(['supervisor'], { includeText: true }), lambdaContext());

    // assert
    expect(res.statusCode).toBe(403);
    expect(s3.calls()).toHaveLength(0);
  });

  it('writes text answers for an admin who asks for them', async () => {
    // act
    const res = await handler(exportEvent(['admin'], { includeText: true }), lambdaContext());

    // assert
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toMatchObject({ includeText: true });
    const text = uploaded().toString('utf8');
    expect(text).toContain(COMMENT);
    expect(text).not.toContain(CLIENT_KEY);
  });

  it('names every bad field (400) and an unknown period (404)', async () => {
    // act
    const bad = await handler(exportEvent(['admin'], { includeText: 'yes', extra: 1 }), lambdaContext());
    const unknown = await handler(exportEvent(['admin'], {}, 'no-such-period'), lambdaContext());

    // assert
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!).fields.map((f: { path: string }) => f.path)).toContain('includeText');
    expect(unknown.statusCode).toBe(404);
    expect(s3.calls()).toHaveLength(0);
  });

  it('answers 503 with Retry-After when S3 fails, and hands out no link', async () => {
    // prepare
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Please reduce your request rate.' }),
    );

    // act
    const res = await handler(exportEvent(['supervisor'], {}), lambdaContext());

    // assert
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(res.body).not.toContain('https://');
  });

  it('answers 503 with Retry-After when DynamoDB fails mid-read, and nothing reaches the bucket', async () => {
    // prepare
    ddb.on(QueryCommand, { TableName: UNIT_TABLE.responses }).rejects(
      new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: {} }),
    );

    // act
    const res = await handler(exportEvent(['supervisor'], {}), lambdaContext());

    // assert
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });
});
