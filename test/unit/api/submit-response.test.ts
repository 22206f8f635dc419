import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { handler as SubmitHandler } from '../../../functions/api/evaluation/submit-response';
import { ERROR } from '../../../functions/platform/error-codes';
import { ZErrorBody, type ErrorBody } from '../../../functions/platform/error-body';
import { responseKey } from '../../../functions/store/evaluation/response-store';
import { DURING_PERIOD, aForm, aFormVersion, aPeriod, aResponse, aSubmission, anAllUnitsContent } from '../../fixtures/catalog';
import { httpEvent, lambdaContext } from '../../fixtures/http';
import { responseItem } from '../../fixtures/items';
import { aDistrict, storeDistrict } from './district';
import { UNIT_TABLE, commandNames, fakeTables, type FakeTables } from './fake-tables';

const ddb = mockClient(DynamoDBDocumentClient);
let tables: FakeTables;
let handler: typeof SubmitHandler;

beforeAll(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterAll(() => vi.useRealTimers());

beforeEach(async () => {
  vi.setSystemTime(DURING_PERIOD);
  ddb.reset();
  tables = fakeTables(ddb);
  // A cold start for every test: a warm function keeps the catalog it has read.
  vi.resetModules();
  ({ handler } = await import('../../../functions/api/evaluation/submit-response'));
});

async function submit(body: unknown, headers: Record<string, string> = {}) {
  const result = await handler(httpEvent('submitResponse', { body, headers }), lambdaContext());
  return { ...result, json: JSON.parse(String(result.body)) as Record<string, unknown> };
}
const errorOf = (res: { json: unknown }): ErrorBody => ZErrorBody.parse(res.json);
const storedResponses = () => tables.items(UNIT_TABLE.responses);

describe('submitResponse handler', () => {
  it('stores the response with one conditional write and answers 201 with its receipt', async () => {
    // prepare
    storeDistrict(tables);

    // act
    const res = await submit(aSubmission());

    // assert
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({
      receiptId: aSubmission().submissionId,
      formId: 'district-2026',
      version: 1,
      submittedAt: DURING_PERIOD.toISOString(),
    });
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: UNIT_TABLE.responses,
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(storedResponses()).toEqual([responseItem(aResponse())]);
  });

  it('stores no IP address, user agent or other client detail with the response', async () => {
    // prepare
    storeDistrict(tables);

    // act
    await submit(aSubmission(), { 'user-agent': 'Mozilla/5.0 (iPhone)', 'x-forwarded-for': '198.51.100.7' });

    // assert
    const [item] = storedResponses();
    expect(JSON.stringify(item)).not.toMatch(/192\.0\.2\.1|198\.51\.100\.7|iPhone/);
    expect(Object.keys(item!).sort()).toEqual(
      ['answers', 'formId', 'group', 'periodId', 'pk', 'sk', 'submissionId', 'submittedAt', 'units', 'version'].sort(),
    );
  });

  it('stores a response that rates every unit of an all-units form as one item', async () => {
    // prepare
    const content = anAllUnitsContent();
    storeDistrict(tables, aDistrict({ form: aForm({ draft: content }), versions: [aFormVersion({ content })] }));
    const units = {
      'tax-bureau': { evaluation: { attitude: 'verySatisfied', efficiency: 'satisfied', integrity: 'dontKnow', policy: 'dissatisfied' } },
      'service-centre': { evaluation: { attitude: 'dontKnow', efficiency: 'dontKnow', integrity: 'dontKnow', policy: 'dontKnow' } },
    };

    // act
    const res = await submit(aSubmission({ answers: { group: 'enterprise' }, units }));

    // assert
    expect(res.statusCode).toBe(201);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(storedResponses()).toEqual([responseItem(aResponse({ group: 'enterprise', answers: { group: 'enterprise' }, units }))]);
  });

  it('reads the catalog once: the next submission to a warm function sends only its PutItem', async () => {
    // prepare
    storeDistrict(tables);
    await submit(aSubmission());
    ddb.resetHistory();

    // act
    const res = await submit(aSubmission({ submissionId: '0b7d1c1e-2f3a-4b5c-8d6e-7f8091a2b3c4' }));

    // assert
    expect(res.statusCode).toBe(201);
    expect(commandNames(ddb)).toEqual(['PutCommand']);
    expect(storedResponses()).toHaveLength(2);
  });

  describe('a retried submission', () => {
    it('gets the receipt of its first try, and nothing new is stored', async () => {
      // prepare
      storeDistrict(tables);
      const first = await submit(aSubmission());
      vi.setSystemTime(DURING_PERIOD.getTime() + 60_000);

      // act
      const retry = await submit(aSubmission());

      // assert
      expect(retry.statusCode).toBe(201);
      expect(retry.json).toEqual(first.json);
      expect(storedResponses()).toHaveLength(1);
    });

    it('answers 409 submissionIdReused when it comes back with another unit, and keeps the first answers', async () => {
      // prepare
      storeDistrict(tables);
      await submit(aSubmission());

      // act
      const res = await submit(aSubmission({ units: { 'service-centre': { overall: 'veryDissatisfied' } } }), { 'accept-language': 'en' });

      // assert
      expect(res.statusCode).toBe(409);
      expect(errorOf(res)).toMatchObject({ code: ERROR.conflict, reason: 'submissionIdReused' });
      expect(errorOf(res).message).toMatch(/already recorded with other answers/);
      expect(storedResponses()).toEqual([responseItem(aResponse())]);
    });
  });

  describe('refusals', () => {
    it('names every failing answer in Chinese by default and stores nothing', async () => {
      // prepare
      storeDistrict(tables);
      const body = aSubmission({ answers: { group: 'alien' }, units: { 'tax-bureau': { overall: 'great', mood: 'x' } } });

      // act
      const res = await submit(body);

      // assert
      expect(res.statusCode).toBe(400);
      const error = errorOf(res);
      expect(error.message).toBe('提交内容有误，请检查以下字段。');
      expect(error.fields).toEqual(
        expect.arrayContaining([
          { path: 'answers.group', message: '该选项不在本题的选项中。' },
          { path: 'units.tax-bureau.overall', message: '该评价等级不在本题的选项中。' },
          { path: 'units.tax-bureau.mood', message: '本评议表没有这道题。' },
        ]),
      );
      expect(error.fields).toHaveLength(3);
      expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
    });

    it('names the same fields in English when the request asks for it', async () => {
      // prepare
      storeDistrict(tables);
      const body = aSubmission({ answers: { group: 'alien' }, units: { 'tax-bureau': { overall: 'great' } } });

      // act
      const res = await submit(body, { 'accept-language': 'en-US,en;q=0.9' });

      // assert
      expect(errorOf(res).fields).toEqual([
        { path: 'answers.group', message: 'This is not one of the options.' },
        { path: 'units.tax-bureau.overall', message: 'This rating is not an option of this question.' },
      ]);
    });

    it('names malformed fields before reading anything', async () => {
      // act
      const res = await submit({ formId: 'District 2026', version: 0, units: {}, submissionId: 'not-a-uuid' }, { 'accept-language': 'en' });

      // assert
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).fields?.map((f) => f.path).sort()).toEqual(['formId', 'submissionId', 'version']);
      expect(errorOf(res).fields?.find((f) => f.path === 'formId')?.message).toMatch(/^Use lowercase letters/);
      expect(ddb.calls()).toHaveLength(0);
    });

    it('answers 404 for an unknown form or form version', async () => {
      // prepare
      storeDistrict(tables);

      // act
      const noForm = await submit(aSubmission({ formId: 'no-such-form' }), { 'accept-language': 'en' });
      const noVersion = await submit(aSubmission({ version: 7 }), { 'accept-language': 'en' });

      // assert
      expect(noForm.statusCode).toBe(404);
      expect(errorOf(noForm)).toEqual({ code: ERROR.notFound, message: 'No form with id no-such-form.' });
      expect(noVersion.statusCode).toBe(404);
      expect(errorOf(noVersion)).toEqual({ code: ERROR.notFound, message: 'No form version with id district-2026@7.' });
      expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
    });

    it.each([
      ['ended', aPeriod({ closesAt: '2026-06-01T00:00:00+08:00' }), 'Evaluation period 2026-annual has ended.'],
      ['notYetOpen', aPeriod({ opensAt: '2026-07-01T00:00:00+08:00' }), 'Evaluation period 2026-annual has not opened yet.'],
    ])('answers 409 PERIOD_CLOSED (%s) outside the period', async (reason, period, message) => {
      // prepare
      storeDistrict(tables, aDistrict({ period }));

      // act
      const res = await submit(aSubmission(), { 'accept-language': 'en' });

      // assert
      expect(res.statusCode).toBe(409);
      expect(errorOf(res)).toEqual({ code: ERROR.periodClosed, reason, message });
      expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
    });

    it('answers 409 formClosed to a closed form', async () => {
      // prepare
      storeDistrict(tables, aDistrict({ form: aForm({ status: 'closed' }) }));

      // act
      const res = await submit(aSubmission());

      // assert
      expect(res.statusCode).toBe(409);
      expect(errorOf(res)).toMatchObject({ code: ERROR.conflict, reason: 'formClosed' });
      expect(storedResponses()).toEqual([]);
    });
  });

  describe('faults', () => {
    it('answers 503 with Retry-After when DynamoDB throttles the write, and claims nothing was stored', async () => {
      // prepare
      storeDistrict(tables);
      ddb.on(PutCommand).rejects(
        new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds', $metadata: { httpStatusCode: 400 } }),
      );

      // act
      const res = await submit(aSubmission());

      // assert
      expect(res.statusCode).toBe(503);
      expect(res.headers?.['retry-after']).toBe('5');
      expect(errorOf(res)).toMatchObject({ code: ERROR.serviceUnavailable, requestId: 'test-request-id' });
      expect(res.json).not.toHaveProperty('receiptId');
      expect(tables.get(UNIT_TABLE.responses, responseKey('2026-annual', aSubmission().submissionId!))).toBeUndefined();
    });

    it('answers a generic 500 that leaks nothing of an unexpected fault', async () => {
      // prepare
      ddb.on(BatchGetCommand).rejects(new Error('AccessDeniedException: arn:aws:iam::123456789012:role/secret-role'));

      // act
      const res = await submit(aSubmission());

      // assert
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toMatch(/arn:|AccessDenied|secret-role/);
      expect(errorOf(res)).toMatchObject({ code: ERROR.internal, requestId: 'test-request-id' });
    });
  });
});
