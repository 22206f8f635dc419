import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZTallyReport, type TallyReport } from '../../functions/domain/tally-report';
import { catalogStore } from '../../functions/store/catalog-store';
import { createDocumentClient } from '../../functions/store/client';
import { deleteTables, localDynamoClient } from '../../infra/local/dynamodb';
import { startLocal, type LocalStack } from '../../infra/local/stack';
import { aFormFor, anEndedPeriod } from '../fixtures/catalog';

/**
 * The local HTTP API end to end, as `npm start` serves it: the real handlers behind the local API Gateway,
 * on the run's DynamoDB Local with tables of this file's own, seeded with the demo district.
 */
describe('local API (npm start stack)', () => {
  let stack: LocalStack;
  let dataDir: string;
  let formId: string;
  let periodId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pingyi-it-'));
    stack = await startLocal({
      port: 0,
      dataDir,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tablePrefix: `it-api-${randomUUID().slice(0, 8)}`,
      seed: true,
      tallyEveryMs: 60 * 60 * 1000,
      quiet: true,
    });
    if (!stack.seed) throw new Error('the stack was not seeded');
    ({ formId, periodId } = stack.seed);
  });

  afterAll(async () => {
    await stack?.stop();
    const admin = localDynamoClient(inject('dynamoEndpoint'));
    if (stack) await deleteTables(admin, stack.tables);
    admin.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const rating = (unitId: string, overrides: Record<string, unknown> = {}) => ({
    formId,
    periodId,
    unitId,
    rating: 'satisfied',
    group: 'citizen',
    submissionId: randomUUID(),
    ...overrides,
  });
  const bearer = async (role: 'supervisor' | 'admin' | 'unitHandler') => ({ authorization: `Bearer ${await stack.token(role)}` });
  const readTallies = async (): Promise<TallyReport> => {
    const res = await fetch(`${stack.url}/periods/${periodId}/tallies`, { headers: await bearer('supervisor') });
    expect(res.status).toBe(200);
    return ZTallyReport.parse(await res.json());
  };

  describe('POST /responses', () => {
    it('stores a rating and answers 201 with its receipt', async () => {
      // prepare
      const body = rating('qingshui-town');

      // act
      const res = await post(body);

      // assert
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ receiptId: body.submissionId, submittedAt: expect.any(String) });
    });

    it('answers 400 naming every failing field, in Chinese by default', async () => {
      // act
      const res = await post({ formId, rating: 'meh', group: 'alien' });

      // assert
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; fields: { path: string; message: string }[] };
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.fields.map((f) => f.path).sort()).toEqual(['group', 'periodId', 'rating', 'unitId']);
      for (const field of body.fields) expect(field.message).toMatch(/[\u4e00-\u9fff]/);
    });

    it('answers 400 in English when the request asks for it', async () => {
      // act
      const res = await post({ formId, rating: 'meh', group: 'alien' }, { 'accept-language': 'en' });

      // assert
      expect(res.status).toBe(400);
      const body = (await res.json()) as { fields: { path: string; message: string }[] };
      expect(body.fields).toHaveLength(4);
      for (const field of body.fields) {
        expect(field.message).not.toMatch(/[\u4e00-\u9fff]/);
        expect(field.message).toMatch(/[A-Za-z]{3,}/);
      }
    });

    it('answers 404 for a unit the form does not list', async () => {
      // act
      const res = await post(rating('no-such-unit'));

      // assert
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('answers 409 when the period has ended', async () => {
      // prepare
      const ended = anEndedPeriod({ periodId: 'ended-2025' });
      const db = createDocumentClient(stack.dynamoEndpoint);
      const catalog = catalogStore(db, stack.tables.catalog);
      await catalog.putPeriod(ended);
      await catalog.putForm(aFormFor(ended, ['tax-bureau'], { formId: 'ended-2025-form' }));
      db.destroy();

      // act
      const res = await post({ ...rating('tax-bureau'), formId: 'ended-2025-form', periodId: 'ended-2025' });

      // assert
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'PERIOD_CLOSED' });
    });
  });

  describe('supervisor routes', () => {
    it('answers 401 without a token, as the JWT authorizer does', async () => {
      // act
      const res = await fetch(`${stack.url}/periods/${periodId}/tallies`);

      // assert
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Unauthorized' });
    });

    it('answers 403 to a unit handler', async () => {
      // act
      const res = await fetch(`${stack.url}/periods/${periodId}/tallies`, { headers: await bearer('unitHandler') });

      // assert
      expect(res.status).toBe(403);
    });

    it('answers 200 with the report to a supervisor', async () => {
      // act
      const report = await readTallies();

      // assert
      expect(report.period.periodId).toBe(periodId);
      expect(report.rows).toHaveLength(10);
    });

    it('downloads the report as CSV with a BOM and the units’ Chinese names', async () => {
      // act
      const res = await fetch(`${stack.url}/periods/${periodId}/tallies.csv`, { headers: await bearer('admin') });

      // assert
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(new TextDecoder().decode(bytes)).toContain('区政务服务中心');
    });

    it('shows a new rating in listTallies once the tally job has run', async () => {
      // prepare
      await stack.runJob('tally');
      const before = (await readTallies()).rows.find((r) => r.unit.unitId === 'xinhe-subdistrict')?.tally;
      expect((await post(rating('xinhe-subdistrict', { rating: 'dissatisfied' }))).status).toBe(201);

      // act
      await stack.runJob('tally');

      // assert
      const after = (await readTallies()).rows.find((r) => r.unit.unitId === 'xinhe-subdistrict')?.tally;
      expect(after?.n).toBe((before?.n ?? 0) + 1);
      expect(after?.counts.dissatisfied).toBe((before?.counts.dissatisfied ?? 0) + 1);
    });
  });

  describe('documents and pages', () => {
    it('publishes an OpenAPI document with the operations of the evaluation slice', async () => {
      // act
      const doc = (await (await fetch(`${stack.url}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { operationId?: string }>>;
      };

      // assert
      const operationIds = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
      expect(operationIds).toEqual(expect.arrayContaining(['health', 'getForm', 'submitResponse', 'listTallies', 'downloadTallies']));
    });

    it('serves the built home page and the local /config.json on the same origin', async () => {
      // act
      const home = await fetch(`${stack.url}/`);
      const config = await fetch(`${stack.url}/config.json`);

      // assert
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await config.json()).toEqual({ apiBase: '', auth: { kind: 'local' } });
    });
  });
});
