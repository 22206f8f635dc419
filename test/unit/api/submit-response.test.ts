import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/api/submit-response';
import { aForm, aPeriod, aResponseInput, DURING_PERIOD } from '../../fixtures/catalog';
import { httpEvent, lambdaContext } from '../../fixtures/http';
import { formItem, periodItem } from '../../fixtures/items';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = { catalog: 'unit-Catalog', responses: 'unit-Responses' };

const submit = async (body: unknown, headers: Record<string, string> = {}) => {
  const result = await handler(httpEvent('submitResponse', { body, headers }), lambdaContext());
  return { ...result, json: JSON.parse(String(result.body)) as Record<string, unknown> };
};

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(DURING_PERIOD);
});
afterAll(() => vi.useRealTimers());

beforeEach(() => {
  ddb.reset();
  ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE.catalog]: [formItem(aForm()), periodItem(aPeriod())] } });
  ddb.on(PutCommand).resolves({});
});

describe('submitResponse handler', () => {
  it('stores a rating with one conditional write and answers 201 with the receipt', async () => {
    const res = await submit(aResponseInput());

    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({ receiptId: aResponseInput().submissionId, submittedAt: DURING_PERIOD.toISOString() });
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE.responses,
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('stores no IP address or client detail with the rating', async () => {
    await submit(aResponseInput(), { 'user-agent': 'Mozilla/5.0 (iPhone)', 'x-forwarded-for': '198.51.100.7' });

    const stored = JSON.stringify(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item);
    expect(stored).not.toMatch(/192\.0\.2\.1|198\.51\.100\.7|iPhone/);
    expect(Object.keys(JSON.parse(stored) as object).sort()).toEqual(
      ['formId', 'group', 'periodId', 'pk', 'rating', 'receiptId', 'sk', 'submittedAt', 'unitId'].sort(),
    );
  });

  it('names every failing field in Chinese by default', async () => {
    const res = await submit({ formId: 'district-2026', rating: 'great' });

    expect(res.statusCode).toBe(400);
    expect(res.json.code).toBe('VALIDATION_FAILED');
    expect(res.json.message).toBe('提交内容有误，请检查以下字段。');
    const fields = res.json.fields as { path: string; message: string }[];
    expect(fields.map((f) => f.path).sort()).toEqual(['group', 'periodId', 'rating', 'unitId']);
    expect(fields.every((f) => /[\u4e00-\u9fff]/.test(f.message))).toBe(true);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
  });

  it('answers in English when Accept-Language asks for it', async () => {
    const res = await submit({ ...aResponseInput(), rating: 'great' }, { 'accept-language': 'en-US,en;q=0.9' });

    expect(res.statusCode).toBe(400);
    expect(res.json.message).toBe('Some fields are invalid; please check them.');
    expect((res.json.fields as { message: string }[])[0]?.message).toMatch(/^Invalid option/);
  });

  it('names the form-rule fields too (rating not on a three-level form)', async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: { [TABLE.catalog]: [formItem(aForm({ scale: 'three' })), periodItem(aPeriod())] },
    });

    const res = await submit(aResponseInput({ rating: 'verySatisfied' }), { 'accept-language': 'en' });

    expect(res.statusCode).toBe(400);
    expect(res.json.fields).toEqual([{ path: 'rating', message: 'This rating is not an option on this form.' }]);
  });

  it('answers 400 for a body that is not JSON and 415 for one that is not declared as JSON', async () => {
    const bad = await handler(httpEvent('submitResponse', { rawBody: '{"formId":' }), lambdaContext());
    const form = await handler(
      httpEvent('submitResponse', { rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      lambdaContext(),
    );

    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(String(bad.body)).code).toBe('INVALID_JSON');
    expect(form.statusCode).toBe(415);
  });

  it('answers 404 for a unit the form does not list', async () => {
    const res = await submit(aResponseInput({ unitId: 'no-such-unit' }));

    expect(res.statusCode).toBe(404);
    expect(res.json).toMatchObject({ code: 'NOT_FOUND', message: '未找到单位：no-such-unit。' });
  });

  it('answers 409 when the period has ended', async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE.catalog]: [formItem(aForm()), periodItem(aPeriod({ closesAt: '2026-06-01T00:00:00+08:00' }))],
      },
    });

    const res = await submit(aResponseInput(), { 'accept-language': 'en' });

    expect(res.statusCode).toBe(409);
    expect(res.json).toMatchObject({ code: 'PERIOD_CLOSED', message: 'Evaluation period 2026-annual has ended.' });
  });

  it('gives a retried submission its first receipt without a second ballot', async () => {
    const first = { ...aResponseInput(), receiptId: aResponseInput().submissionId, submittedAt: '2026-06-15T01:59:00.000Z' };
    delete (first as { submissionId?: string }).submissionId;
    ddb.on(PutCommand).rejects(
      new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: marshall(first) }),
    );

    const res = await submit(aResponseInput());

    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({ receiptId: first.receiptId, submittedAt: '2026-06-15T01:59:00.000Z' });
  });

  it('answers 409 when a submission id comes back with other answers', async () => {
    const first = { ...aResponseInput({ rating: 'verySatisfied' }), receiptId: aResponseInput().submissionId, submittedAt: '2026-06-15T01:59:00.000Z' };
    delete (first as { submissionId?: string }).submissionId;
    ddb.on(PutCommand).rejects(
      new ConditionalCheckFailedException({ message: 'exists', $metadata: {}, Item: marshall(first) }),
    );

    const res = await submit(aResponseInput({ rating: 'veryDissatisfied' }));

    expect(res.statusCode).toBe(409);
    expect(res.json.code).toBe('CONFLICT');
  });

  it('answers 503 with Retry-After, not a false success, when DynamoDB throttles', async () => {
    ddb.on(PutCommand).rejects(
      new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds', $metadata: { httpStatusCode: 400 } }),
    );

    const res = await submit(aResponseInput());

    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(res.json.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.json).not.toHaveProperty('receiptId');
  });

  it('answers a generic 500 that leaks nothing of the fault', async () => {
    ddb.on(BatchGetCommand).rejects(new Error('AccessDeniedException: arn:aws:iam::123456789012:role/secret-role'));

    const res = await submit(aResponseInput());

    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/arn:|AccessDenied|secret-role|Error/);
    expect(res.json).toMatchObject({ code: 'INTERNAL', requestId: 'test-request-id' });
  });
});
