import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZFormDetail } from '../../functions/domain/evaluation/form-admin';
import { ZFormSummary, ZPublishedForm } from '../../functions/domain/evaluation/published-form';
import { ZReceipt } from '../../functions/domain/evaluation/response';
import { ZTallyReport, type TallyReport } from '../../functions/domain/evaluation/tally-report';
import { ERROR } from '../../functions/platform/error-codes';
import { ZErrorBody } from '../../functions/platform/error-body';
import { routes, type Role } from '../../functions/routes';
import { demoWindowContent } from '../../infra/local/seed';
import type { LocalStack } from '../../infra/local/stack';
import { anEndedPeriod } from '../fixtures/catalog';
import { readXlsxParts, recordsOf } from '../fixtures/xlsx';
import { startTestStack, type TestStack } from './helpers';

/**
 * The local HTTP API end to end, as `npm start` serves it: the real handlers behind the local API Gateway,
 * on the run's DynamoDB Local with tables of this file's own, seeded with the demo district.
 */
describe('local API (npm start stack)', () => {
  let test: TestStack | undefined;
  let stack: LocalStack;
  let periodId: string;
  let forms: { annual: string; windows: string };

  beforeAll(async () => {
    test = await startTestStack('api', { port: 0, seed: true, web: true });
    ({ stack } = test);
    if (!stack.seed) throw new Error('the stack was not seeded');
    ({ periodId, forms } = stack.seed);
  });

  afterAll(async () => {
    await test?.stop();
  });

  const bearer = async (role: Role) => ({ authorization: `Bearer ${await stack.token(role)}` });
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const asAdmin = async (method: string, path: string, body?: unknown) => send(method, path, body, await bearer('admin'));
  const windowRating = (unitId: string, overall: string, overrides: Record<string, unknown> = {}) => ({
    formId: forms.windows,
    version: 1,
    units: { [unitId]: { overall, ...(overall.endsWith('issatisfied') ? { problems: ['waiting'] } : {}) } },
    submissionId: randomUUID(),
    ...overrides,
  });
  const readTallies = async (): Promise<TallyReport> => {
    const res = await fetch(`${stack.url}/periods/${periodId}/tallies`, { headers: await bearer('supervisor') });
    expect(res.status).toBe(200);
    return ZTallyReport.parse(await res.json());
  };

  describe('citizens', () => {
    it('list both demo forms as open and get the annual one with its ten units', async () => {
      // act
      const list = await send('GET', '/forms');
      const annual = await send('GET', `/forms/${forms.annual}`);

      // assert
      const summaries = ((await list.json()) as { forms: unknown[] }).forms.map((f) => ZFormSummary.parse(f));
      expect(summaries.map((f) => [f.formId, f.state])).toEqual(
        expect.arrayContaining([
          [forms.annual, 'open'],
          [forms.windows, 'open'],
        ]),
      );
      const form = ZPublishedForm.parse(await annual.json());
      expect(form).toMatchObject({ version: 1, content: { layout: 'allUnits' } });
      expect(form.units).toHaveLength(10);
    });

    it('store a rating with 201 and give its retry the same receipt', async () => {
      // prepare
      const body = windowRating('window-general', 'satisfied');

      // act
      const first = await send('POST', '/responses', body);
      const retry = await send('POST', '/responses', body);

      // assert
      expect(first.status).toBe(201);
      const receipt = ZReceipt.parse(await first.json());
      expect(receipt).toMatchObject({ formId: forms.windows, version: 1 });
      // the code the citizen keeps is not the submission's secret
      expect(JSON.stringify(receipt)).not.toContain(body.submissionId);
      expect(retry.status).toBe(201);
      expect(await retry.json()).toEqual(receipt);
    });

    it('get 400 naming every failing field, in Chinese by default and in English on request', async () => {
      // prepare
      const body = windowRating('window-general', 'great', { answers: { mood: 'x' } });

      // act
      const zh = await send('POST', '/responses', body);
      const en = await send('POST', '/responses', body, { 'accept-language': 'en' });

      // assert
      expect(zh.status).toBe(400);
      const zhBody = ZErrorBody.parse(await zh.json());
      const enBody = ZErrorBody.parse(await en.json());
      expect(zhBody.code).toBe(ERROR.validationFailed);
      expect(zhBody.fields?.map((f) => f.path).sort()).toEqual(['answers.mood', 'units.window-general.overall']);
      for (const field of zhBody.fields ?? []) expect(field.message).toMatch(/[\u4e00-\u9fff]/);
      expect(enBody.fields?.map((f) => f.path).sort()).toEqual(['answers.mood', 'units.window-general.overall']);
      for (const field of enBody.fields ?? []) expect(field.message).not.toMatch(/[\u4e00-\u9fff]/);
    });

    it('get 404 for an unknown form and 409 PERIOD_CLOSED for a form of an ended period', async () => {
      // prepare: an admin publishes a form for a period that has ended
      const { rev: _rev, updatedAt: _at, ...ended } = anEndedPeriod({ periodId: 'ended-2026' });
      expect((await asAdmin('POST', '/admin/periods', ended)).status).toBe(201);
      expect((await asAdmin('POST', '/admin/forms', { formId: 'ended-form', periodId: 'ended-2026', content: demoWindowContent() })).status).toBe(201);
      expect((await asAdmin('POST', '/admin/forms/ended-form/publish', { rev: 1 })).status).toBe(200);

      // act
      const unknown = await send('POST', '/responses', windowRating('window-general', 'satisfied', { formId: 'no-such-form' }));
      const closed = await send('POST', '/responses', windowRating('window-general', 'satisfied', { formId: 'ended-form' }));

      // assert
      expect(unknown.status).toBe(404);
      expect(ZErrorBody.parse(await unknown.json()).code).toBe(ERROR.notFound);
      expect(closed.status).toBe(409);
      expect(ZErrorBody.parse(await closed.json())).toMatchObject({ code: ERROR.periodClosed, reason: 'ended' });
    });
  });

  describe('supervisors', () => {
    it('get 401 without a token, as the JWT authorizer answers, and 403 as a unit handler', async () => {
      // act
      const anonymous = await fetch(`${stack.url}/periods/${periodId}/tallies`);
      const unitHandler = await fetch(`${stack.url}/periods/${periodId}/tallies`, { headers: await bearer('unitHandler') });

      // assert
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ message: 'Unauthorized' });
      expect(unitHandler.status).toBe(403);
      expect(ZErrorBody.parse(await unitHandler.json()).code).toBe(ERROR.forbidden);
    });

    it('read the tally report of every unit of both demo forms', async () => {
      // act
      const report = await readTallies();

      // assert
      expect(report.period.periodId).toBe(periodId);
      expect(report.rows).toHaveLength(13);
      expect(report.rows.map((r) => r.unit.unitId)).toEqual(expect.arrayContaining(['service-centre', 'xinhe-subdistrict', 'window-general']));
      // (in no particular order: DynamoDB keeps no order of a map's keys, such as the period's groupWeights)
      expect(report.groups.map((g) => g.groupId).sort()).toEqual(['appointed-supervisor', 'citizen', 'deputy', 'enterprise']);
    });

    it('download the report as CSV with a BOM and the units’ Chinese names', async () => {
      // act
      const res = await fetch(`${stack.url}/periods/${periodId}/tallies.csv`, { headers: await bearer('admin') });

      // assert
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(new TextDecoder().decode(bytes)).toContain('区政务服务中心');
    });

    it('download the report as XLSX, binary through the gateway, with the JSON report\'s ranking and numbers', async () => {
      // prepare
      await stack.drainStreams();
      await stack.runJob('tally');
      const report = await readTallies();

      // act
      const res = await fetch(`${stack.url}/periods/${periodId}/tallies.xlsx`, { headers: await bearer('supervisor') });

      // assert
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
      expect(new TextDecoder().decode(bytes.subarray(0, 2))).toBe('PK');
      const units = recordsOf((await readXlsxParts(bytes)).get('单位排名')!);
      expect(units.map((u) => [u.单位编号, u.排名, u.综合得分, u['有效样本数(N)']])).toEqual(
        report.rows.map((r) => [r.unit.unitId, r.rank, r.tally?.compositeScore ?? null, r.tally?.n ?? null]),
      );
    });

    it('see a new rating in the report once the tally job has run', async () => {
      // prepare
      await stack.drainStreams();
      await stack.runJob('tally');
      const before = (await readTallies()).rows.find((r) => r.unit.unitId === 'window-business')?.tally;
      expect((await send('POST', '/responses', windowRating('window-business', 'dissatisfied'))).status).toBe(201);

      // act: the counting function counts it from the stream, then the tally derives the figures
      await stack.drainStreams();
      await stack.runJob('tally');

      // assert
      const after = (await readTallies()).rows.find((r) => r.unit.unitId === 'window-business')?.tally;
      expect(after?.n).toBe((before?.n ?? 0) + 1);
      expect(after?.counts.dissatisfied).toBe((before?.counts.dissatisfied ?? 0) + 1);
    });
  });

  describe('admins', () => {
    it('create a form, save its draft, publish it once, preview it and close it, after which it takes no responses', async () => {
      // prepare
      const formId = 'windows-extra';

      // act
      const created = await asAdmin('POST', '/admin/forms', { formId, periodId, content: demoWindowContent() });
      const saved = await asAdmin('PUT', `/admin/forms/${formId}/draft`, {
        content: { ...demoWindowContent(), unitIds: ['window-general'] },
        rev: 1,
      });
      const published = await asAdmin('POST', `/admin/forms/${formId}/publish`, { rev: 2 });
      const again = await asAdmin('POST', `/admin/forms/${formId}/publish`, { rev: 3 });
      const preview = await asAdmin('GET', `/admin/forms/${formId}/preview`);
      const closed = await asAdmin('POST', `/admin/forms/${formId}/close`, { rev: 3 });
      const rating = await send('POST', '/responses', windowRating('window-general', 'satisfied', { formId }));

      // assert
      expect(created.status).toBe(201);
      expect(saved.status).toBe(200);
      expect(ZFormDetail.parse(await published.json())).toMatchObject({ form: { latestVersion: 1, rev: 3 }, versions: [{ version: 1 }] });
      expect(again.status).toBe(409);
      expect(ZErrorBody.parse(await again.json())).toMatchObject({ reason: 'nothingToPublish' });
      expect(ZPublishedForm.parse(await preview.json())).toMatchObject({ preview: true, version: 0 });
      expect(ZFormDetail.parse(await closed.json()).form.status).toBe('closed');
      expect(rating.status).toBe(409);
      expect(ZErrorBody.parse(await rating.json())).toMatchObject({ reason: 'formClosed' });
    });
  });

  describe('documents and pages', () => {
    it('publishes an OpenAPI document with every operation of the route table', async () => {
      // act
      const doc = (await (await fetch(`${stack.url}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { operationId?: string }>>;
      };

      // assert
      const operationIds = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
      expect(operationIds.sort()).toEqual(routes.map((r) => r.operationId).sort());
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
