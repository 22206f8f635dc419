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
import { marshall } from '@aws-sdk/util-dynamodb';
import { EXPORT_RUN_SECONDS, ZResponseExport, type ResponseExport } from '../../../functions/domain/evaluation/export-job';
import { aQueuedExport, exportJobItem } from '../../fixtures/exports';
import { responseItem } from '../../fixtures/items';
import { aCommentQuestion, aFormContent, aFormVersion, aGroupQuestion, aRatingQuestion, aResponse, anOpenAdmission } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { aDistrict, storeDistrict } from './district';
import { UNIT_TABLE, fakeTables } from './fake-tables';

/**
 * The raw export on AWS's path: asked for (202, a job in the tallies table), written by the export function
 * as the tallies table's stream hands it the job, then read back with its link. DynamoDB and S3 behind
 * aws-sdk-client-mock; the functions are bound to a bucket (not the unit project's folder), so the export
 * function uploads with lib-storage and the reading function presigns with the SDK's presigner — offline,
 * with throwaway credentials.
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
const { handler: read } = await import('../../../functions/api/evaluation/get-response-export');
const { handler: run } = await import('../../../functions/jobs/run-response-exports');

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
const readEvent = (exportId: string, periodId = '2026-annual') =>
  httpEvent('getResponseExport', { params: { periodId, exportId }, claims: staffClaims('supervisor'), headers: { 'accept-language': 'en' } });

let tables: ReturnType<typeof fakeTables>;
const jobItems = () => tables.items(UNIT_TABLE.tallies).filter((item) => String(item.sk).startsWith('X#'));

/** The export function handed a job as the tallies table's stream hands it over: its new image. */
const runJob = (item: Record<string, unknown>) =>
  run({ Records: [{ eventName: 'INSERT', dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) as never, SequenceNumber: '100' } }] }, lambdaContext());

/** Asks for an export, runs the export function on the job it recorded, and reads the export back. */
async function exportAs(groups: string[], body: unknown): Promise<{ asked: ResponseExport; ran: unknown; export: ResponseExport; status: number }> {
  const asked = await handler(exportEvent(groups, body), lambdaContext());
  expect(asked.statusCode, asked.body).toBe(202);
  const job = ZResponseExport.parse(JSON.parse(asked.body!));
  const ran = await runJob(jobItems().find((item) => item.exportId === job.exportId)!);
  const res = await read(readEvent(job.exportId), lambdaContext());
  return { asked: job, ran, export: ZResponseExport.parse(JSON.parse(res.body!)), status: res.statusCode ?? 0 };
}

beforeEach(() => {
  ddb.reset();
  s3.reset();
  tables = fakeTables(ddb);
  storeDistrict(tables, aDistrict({ versions: [version] }));
  tables.put(UNIT_TABLE.responses, ...BALLOTS.map(responseItem));
  s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
  s3.on(UploadPartCommand).resolves({ ETag: '"part"' });
  s3.on(CompleteMultipartUploadCommand).resolves({});
});

describe('the raw export: asked for, written by the export function, read back', () => {
  it('queues the export (202) without touching the bucket; the export function uploads the file; reading it gives a presigned link that expires in 15 minutes', async () => {
    // act
    const asked = await handler(exportEvent(['supervisor'], {}), lambdaContext());
    const queued = ZResponseExport.parse(JSON.parse(asked.body!));
    const uploadsBefore = s3.calls().length;
    const ran = await runJob(jobItems()[0]!);
    const res = await read(readEvent(queued.exportId), lambdaContext());

    // assert
    expect(asked.statusCode).toBe(202);
    expect(queued).toMatchObject({ periodId: '2026-annual', state: 'queued', includeText: false });
    expect(uploadsBefore).toBe(0);
    expect(ran).toEqual({ batchItemFailures: [] });
    expect(res.statusCode, res.body).toBe(200);
    const body = ZResponseExport.parse(JSON.parse(res.body!));
    expect(body).toMatchObject({ state: 'done', rows: 5, ballots: 5, unreadable: 0, includeText: false });
    const url = new URL(body.url!);
    expect(url.hostname).toContain('pingyi-test-exports');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('response-content-disposition')).toContain('responses-2026-annual-');
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'pingyi-test-exports', ContentType: 'text/csv; charset=utf-8' });
    expect(put.Key).toMatch(/^exports\/[0-9a-f-]{36}\.csv$/);
    expect(url.pathname).toBe(`/${put.Key}`);
    const records = parse(uploaded().toString('utf8').slice(1), { relax_column_count: true }) as string[][];
    expect(records[0]).toEqual(['Period', '2026 annual appraisal', '2026-annual']);
    // period, data as of, text or not, a blank line, the header, five ballots
    expect(records).toHaveLength(3 + 1 + 1 + 5);
  });

  it('never writes a client key, a receipt code, a reference, a batch or a comment for a supervisor', async () => {
    // act
    const { export: done } = await exportAs(['supervisor'], { includeText: false });

    // assert
    expect(done.state).toBe('done');
    const text = uploaded().toString('utf8');
    for (const secret of [CLIENT_KEY, 'AAAA-BBBB-CC00', 'i.batch9-0', 'batch9', '13812345678', '窗口人员']) expect(text).not.toContain(secret);
  });

  it('refuses text answers to a supervisor (403) and queues nothing', async () => {
    // act
    const res = await handler(exportEvent(['supervisor'], { includeText: true }), lambdaContext());

    // assert
    expect(res.statusCode).toBe(403);
    expect(jobItems()).toEqual([]);
    expect(s3.calls()).toHaveLength(0);
  });

  it('writes text answers for an admin who asks for them', async () => {
    // act
    const { export: done } = await exportAs(['admin'], { includeText: true });

    // assert
    expect(done).toMatchObject({ state: 'done', includeText: true });
    const text = uploaded().toString('utf8');
    expect(text).toContain(COMMENT);
    expect(text).not.toContain(CLIENT_KEY);
  });

  it('names every bad field (400) and an unknown period (404), queueing nothing; an unknown export is 404', async () => {
    // act
    const bad = await handler(exportEvent(['admin'], { includeText: 'yes', extra: 1 }), lambdaContext());
    const unknown = await handler(exportEvent(['admin'], {}, 'no-such-period'), lambdaContext());
    const never = await read(readEvent('00000000-0000-4000-8000-000000000000'), lambdaContext());

    // assert
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!).fields.map((f: { path: string }) => f.path)).toContain('includeText');
    expect(unknown.statusCode).toBe(404);
    expect(never.statusCode).toBe(404);
    expect(jobItems()).toEqual([]);
    expect(s3.calls()).toHaveLength(0);
  });

  it('records the export failed (dependency) when S3 fails, hands out no link, and does not hand the job back to the stream', async () => {
    // prepare
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Please reduce your request rate.' }),
    );

    // act
    const { ran, export: failed } = await exportAs(['supervisor'], {});

    // assert
    expect(ran).toEqual({ batchItemFailures: [] });
    expect(failed).toMatchObject({ state: 'failed', failure: 'dependency' });
    expect(failed.url).toBeUndefined();
    expect(JSON.stringify(failed)).not.toContain('reduce your request rate');
  });

  it('records the export failed when DynamoDB fails mid-read, and nothing reaches the bucket', async () => {
    // prepare
    ddb.on(QueryCommand, { TableName: UNIT_TABLE.responses }).rejects(
      new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: {} }),
    );

    // act
    const { export: failed } = await exportAs(['supervisor'], {});

    // assert
    expect(failed).toMatchObject({ state: 'failed', failure: 'dependency' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('writes a job the stream delivers twice once', async () => {
    // prepare
    const { asked } = await exportAs(['supervisor'], {});
    const uploads = s3.commandCalls(PutObjectCommand).length;

    // act
    const again = await runJob(exportJobItem(aQueuedExport({ exportId: asked.exportId })));

    // assert
    expect(again).toEqual({ batchItemFailures: [] });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(uploads);
    expect(jobItems()[0]).toMatchObject({ state: 'done', runs: 1 });
  });

  it('claims again a job whose run stopped without a word, but not one still running within its time', async () => {
    // prepare: two jobs marked running, one since longer than a run may take
    const now = Date.now();
    const stale = aQueuedExport({ exportId: '11111111-1111-4111-8111-111111111111', state: 'running', runs: 1, startedAt: new Date(now - (EXPORT_RUN_SECONDS + 60) * 1000).toISOString() });
    const live = aQueuedExport({ exportId: '22222222-2222-4222-8222-222222222222', state: 'running', runs: 1, startedAt: new Date(now - 60_000).toISOString() });
    tables.put(UNIT_TABLE.tallies, exportJobItem(stale), exportJobItem(live));

    // act
    await runJob(exportJobItem(aQueuedExport({ exportId: stale.exportId })));
    await runJob(exportJobItem(aQueuedExport({ exportId: live.exportId })));

    // assert
    expect(jobItems().map((item) => [item.exportId, item.state, item.runs])).toEqual([
      [stale.exportId, 'done', 2],
      [live.exportId, 'running', 1],
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('reads a job gone quiet for longer than any run as failed (timedOut), and a file past its day as expired, without a link', async () => {
    // prepare
    const long = Date.now() - 2 * 86_400_000;
    const quiet = aQueuedExport({ exportId: '33333333-3333-4333-8333-333333333333', requestedAt: new Date(long).toISOString() });
    const file = { ref: 'exports/x.csv', filename: 'responses-2026-annual.csv', dataAsOf: new Date(long).toISOString(), rows: 1, ballots: 1, unreadable: 0 };
    const old = aQueuedExport({ exportId: '44444444-4444-4444-8444-444444444444', state: 'done', runs: 1, requestedAt: new Date(long).toISOString(), startedAt: new Date(long).toISOString(), finishedAt: new Date(long).toISOString(), file });
    tables.put(UNIT_TABLE.tallies, exportJobItem(quiet), exportJobItem(old));

    // act
    const [timedOut, expired] = (await Promise.all([quiet, old].map(async (job) => ZResponseExport.parse(JSON.parse((await read(readEvent(job.exportId), lambdaContext())).body!))))) as [ResponseExport, ResponseExport];

    // assert
    expect(timedOut).toMatchObject({ state: 'failed', failure: 'timedOut' });
    expect(expired.state).toBe('expired');
    expect(expired.url).toBeUndefined();
    expect(expired.filename).toBeUndefined();
  });
});
