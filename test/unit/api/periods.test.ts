import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as createGroup } from '../../../functions/api/evaluation/create-group';
import { handler as createPeriod } from '../../../functions/api/evaluation/create-period';
import { handler as listGroups } from '../../../functions/api/evaluation/list-groups';
import { handler as listPeriods } from '../../../functions/api/evaluation/list-periods';
import { handler as updateGroup } from '../../../functions/api/evaluation/update-group';
import { handler as updatePeriod } from '../../../functions/api/evaluation/update-period';
import { ZPeriodWithForms } from '../../../functions/domain/evaluation/period-admin';
import { defaultAdmission } from '../../../functions/domain/evaluation/admission';
import { ZPeriod } from '../../../functions/domain/evaluation/period';
import { ERROR } from '../../../functions/platform/error-codes';
import { ZErrorBody } from '../../../functions/platform/error-body';
import type { OperationId } from '../../../functions/routes';
import { aPeriod } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { storeDistrict } from './district';
import { UNIT_TABLE, WRITE_COMMANDS, commandNames, fakeTables, type FakeTables } from './fake-tables';

const ddb = mockClient(DynamoDBDocumentClient);
let tables: FakeTables;
const NOW = new Date('2026-03-01T09:00:00+08:00');

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterAll(() => vi.useRealTimers());

beforeEach(() => {
  ddb.reset();
  tables = fakeTables(ddb);
  storeDistrict(tables);
});

type Handler = (event: ReturnType<typeof httpEvent>, context: ReturnType<typeof lambdaContext>) => Promise<{ statusCode?: number; body?: string }>;

async function call(handler: Handler, operationId: OperationId, options: Parameters<typeof httpEvent>[1] = {}) {
  const result = await handler(httpEvent(operationId, { claims: staffClaims('admin'), ...options }), lambdaContext());
  return { status: result.statusCode, json: JSON.parse(String(result.body)) as unknown };
}
const errorOf = (res: { json: unknown }) => ZErrorBody.parse(res.json);
const writesSent = () => commandNames(ddb).filter((name) => WRITE_COMMANDS.includes(name));
const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });

const periodInput = (overrides: Record<string, unknown> = {}) => ({
  periodId: '2027-annual',
  name: text('2027 年度评议', '2027 annual appraisal'),
  opensAt: '2027-01-01T00:00:00+08:00',
  closesAt: '2028-01-01T00:00:00+08:00',
  minSample: 30,
  groupWeights: { citizen: 0.6, enterprise: 0.4 },
  ...overrides,
});

describe('createPeriod handler', () => {
  it('adds a period at revision 1 and answers 201', async () => {
    // act
    const res = await call(createPeriod, 'createPeriod', { body: periodInput() });

    // assert
    expect(res.status).toBe(201);
    // open to everyone, unverified claims counted as citizens, unless the admin says otherwise
    expect(ZPeriod.parse(res.json)).toEqual({ ...periodInput(), admission: defaultAdmission('citizen'), rev: 1, updatedAt: NOW.toISOString() });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' });
    expect(tables.get(UNIT_TABLE.catalog, { pk: 'PERIOD', sk: '2027-annual' })).toMatchObject({ minSample: 30 });
  });

  it('refuses group weights that do not sum to 1, naming groupWeights with the sum, and writes nothing', async () => {
    // act
    const zh = await call(createPeriod, 'createPeriod', { body: periodInput({ groupWeights: { citizen: 0.5, enterprise: 0.3 } }) });
    const en = await call(createPeriod, 'createPeriod', {
      body: periodInput({ groupWeights: { citizen: 0.7, enterprise: 0.4 } }),
      headers: { 'accept-language': 'en' },
    });

    // assert
    expect(zh.status).toBe(400);
    expect(errorOf(zh)).toEqual({
      code: ERROR.validationFailed,
      message: '提交内容有误，请检查以下字段。',
      fields: [{ path: 'groupWeights', message: '权重之和须等于 1（现为 0.8）。' }],
    });
    expect(errorOf(en).fields).toEqual([{ path: 'groupWeights', message: 'The weights must sum to 1 (they sum to 1.1).' }]);
    expect(writesSent()).toEqual([]);
  });

  it('accepts weights that sum to 1 only up to binary rounding (0.1 + 0.2 + 0.7)', async () => {
    // act
    const res = await call(createPeriod, 'createPeriod', { body: periodInput({ groupWeights: { citizen: 0.1, enterprise: 0.2, deputy: 0.7 } }) });

    // assert
    expect(res.status).toBe(201);
  });

  it('names a weight for an unknown group, and a window that runs backwards', async () => {
    // act
    const res = await call(createPeriod, 'createPeriod', {
      body: periodInput({ closesAt: '2026-12-31T00:00:00+08:00', groupWeights: { citizen: 0.6, martians: 0.4 } }),
      headers: { 'accept-language': 'en' },
    });

    // assert
    expect(res.status).toBe(400);
    expect(errorOf(res).fields).toEqual([
      { path: 'closesAt', message: 'The end must be after the start.' },
      { path: 'groupWeights.martians', message: 'There is no respondent group "martians".' },
    ]);
  });

  it('adds a period with the admission policy given', async () => {
    // prepare
    const admission = {
      mode: 'invitation',
      openLimits: { perClientPerUnitPerDay: 1, burstWindowMinutes: 5, burstPerUnit: 20, identicalPerUnit: 10 },
      unverifiedClaim: { action: 'exclude' },
    };

    // act
    const res = await call(createPeriod, 'createPeriod', { body: periodInput({ admission }) });

    // assert
    expect(res.status).toBe(201);
    expect(tables.get(UNIT_TABLE.catalog, { pk: 'PERIOD', sk: '2027-annual' })).toMatchObject({ admission });
  });

  it('refuses to count unverified claims as a group that counts only through invitations, or as an unknown one', async () => {
    // act
    const verified = await call(createPeriod, 'createPeriod', {
      body: periodInput({ admission: { ...defaultAdmission('citizen'), unverifiedClaim: { action: 'countAs', groupId: 'deputy' } } }),
    });
    const unknown = await call(createPeriod, 'createPeriod', {
      body: periodInput({ admission: { ...defaultAdmission('citizen'), unverifiedClaim: { action: 'countAs', groupId: 'martians' } } }),
      headers: { 'accept-language': 'en' },
    });

    // assert
    expect(verified.status).toBe(400);
    expect(errorOf(verified).fields?.map((f) => f.path)).toEqual(['admission.unverifiedClaim.groupId']);
    expect(errorOf(unknown).fields).toEqual([{ path: 'admission.unverifiedClaim.groupId', message: 'There is no respondent group "martians".' }]);
    expect(writesSent()).toEqual([]);
  });

  it('answers 409 alreadyExists for a taken id', async () => {
    // act
    const res = await call(createPeriod, 'createPeriod', { body: periodInput({ periodId: '2026-annual' }) });

    // assert
    expect(res.status).toBe(409);
    expect(errorOf(res).reason).toBe('alreadyExists');
  });
});

describe('updatePeriod handler', () => {
  const { periodId: _id, ...changes } = periodInput({ minSample: 50, groupWeights: { citizen: 1 } });

  it('saves a change on the current revision', async () => {
    // act
    const res = await call(updatePeriod, 'updatePeriod', { params: { periodId: '2026-annual' }, body: { ...changes, rev: 1 } });

    // assert
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ periodId: '2026-annual', minSample: 50, groupWeights: { citizen: 1 }, rev: 2 });
  });

  it('answers 409 to a stale revision and 404 to an unknown period', async () => {
    // act
    const stale = await call(updatePeriod, 'updatePeriod', { params: { periodId: '2026-annual' }, body: { ...changes, rev: 7 } });
    const unknown = await call(updatePeriod, 'updatePeriod', { params: { periodId: 'nope' }, body: { ...changes, rev: 1 } });

    // assert
    expect(stale.status).toBe(409);
    expect(errorOf(stale).reason).toBe('staleRevision');
    expect(unknown.status).toBe(404);
    expect(tables.get(UNIT_TABLE.catalog, { pk: 'PERIOD', sk: '2026-annual' })).toMatchObject(aPeriod());
  });
});

describe('listPeriods handler', () => {
  it('gives supervisors every period, newest first, with the forms made for it', async () => {
    // prepare
    await call(createPeriod, 'createPeriod', { body: periodInput() });

    // act
    const res = await call(listPeriods, 'listPeriods', { claims: staffClaims('supervisor') });

    // assert
    expect(res.status).toBe(200);
    const periods = (res.json as { periods: unknown[] }).periods.map((p) => ZPeriodWithForms.parse(p));
    expect(periods.map((p) => [p.periodId, p.formIds])).toEqual([
      ['2027-annual', []],
      ['2026-annual', ['district-2026']],
    ]);
  });

  it('gives a unit handler the periods too (to find the ratings of their units)', async () => {
    // act
    const res = await call(listPeriods, 'listPeriods', { claims: staffClaims('unitHandler', 'unit:tax-bureau') });

    // assert
    expect(res.status).toBe(200);
    expect((res.json as { periods: { periodId: string }[] }).periods.map((p) => p.periodId)).toEqual(['2026-annual']);
  });
});

describe('respondent group handlers', () => {
  it('adds a group, renames it on its current revision, and lists the groups by id', async () => {
    // act
    const created = await call(createGroup, 'createGroup', { body: { groupId: 'business-owner', name: text('个体工商户', 'Business owner') } });
    const renamed = await call(updateGroup, 'updateGroup', {
      params: { groupId: 'business-owner' },
      body: { name: text('个体户', 'Sole trader'), requiresInvitation: true, rev: 1 },
    });
    const listed = await call(listGroups, 'listGroups');

    // assert
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ groupId: 'business-owner', name: text('个体工商户', 'Business owner'), requiresInvitation: false, rev: 1 });
    expect(renamed.json).toEqual({ groupId: 'business-owner', name: text('个体户', 'Sole trader'), requiresInvitation: true, rev: 2 });
    expect((listed.json as { groups: { groupId: string }[] }).groups.map((g) => g.groupId)).toEqual([
      'appointed-supervisor',
      'business-owner',
      'citizen',
      'deputy',
      'enterprise',
    ]);
  });

  it('answers 409 for a taken group id and for a stale rename', async () => {
    // act
    const taken = await call(createGroup, 'createGroup', { body: { groupId: 'citizen', name: text('群众', 'Citizen') } });
    const stale = await call(updateGroup, 'updateGroup', { params: { groupId: 'citizen' }, body: { name: text('市民', 'Resident'), rev: 5 } });

    // assert
    expect([taken.status, errorOf(taken).reason]).toEqual([409, 'alreadyExists']);
    expect([stale.status, errorOf(stale).reason]).toEqual([409, 'staleRevision']);
  });
});
