import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as download } from '../../../functions/api/download-tallies';
import { handler as list } from '../../../functions/api/list-tallies';
import { tallyUnit } from '../../../functions/domain/tally';
import { aForm, aPeriod, aUnit, DURING_PERIOD } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { formItem, periodItem, unitItem } from '../../fixtures/items';

const ddb = mockClient(DynamoDBDocumentClient);
const CATALOG = 'unit-Catalog';
const TALLIES = 'unit-Tallies';

const form = aForm({ unitIds: ['tax-bureau', 'service-centre'] });
const taxTally = tallyUnit(
  'tax-bureau',
  [
    { rating: 'verySatisfied', group: 'citizen' },
    { rating: 'veryDissatisfied', group: 'citizen' },
  ],
  form,
  aPeriod(),
  DURING_PERIOD,
);
const run = { periodId: '2026-annual', computedAt: DURING_PERIOD.toISOString(), units: 2, ballots: 2 };

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand, { TableName: CATALOG }).resolves({ Item: periodItem(aPeriod()) });
  ddb.on(GetCommand, { TableName: TALLIES }).resolves({ Item: { pk: 'P#2026-annual', sk: 'RUN', ...run } });
  ddb.on(QueryCommand, { TableName: CATALOG }).resolves({ Items: [formItem(form)] });
  ddb.on(QueryCommand, { TableName: TALLIES }).resolves({
    Items: [{ pk: 'P#2026-annual', sk: 'U#tax-bureau', ...taxTally }],
  });
  ddb.on(BatchGetCommand).resolves({
    Responses: {
      [CATALOG]: [
        unitItem(aUnit()),
        unitItem(aUnit({ unitId: 'service-centre', name: { 'zh-CN': '区政务服务中心, "一站式"', en: 'Service Centre' } })),
      ],
    },
  });
});

const params = { periodId: '2026-annual' };

describe('listTallies handler', () => {
  it('answers 401 without a verified token', async () => {
    const res = await list(httpEvent('listTallies', { params }), lambdaContext());

    expect(res.statusCode).toBe(401);
    expect(res.headers?.['www-authenticate']).toBe('Bearer');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 403 to a staff member outside the supervisor and admin groups', async () => {
    const res = await list(httpEvent('listTallies', { params, claims: staffClaims('unitHandler') }), lambdaContext());

    expect(res.statusCode).toBe(403);
    expect(ddb.calls()).toHaveLength(0);
  });

  it("gives a supervisor every unit of the period's forms, with its tally or null", async () => {
    const res = await list(httpEvent('listTallies', { params, claims: staffClaims('supervisor') }), lambdaContext());

    expect(res.statusCode).toBe(200);
    const report = JSON.parse(String(res.body));
    expect(report.run).toEqual(run);
    expect(report.rows.map((r: { unit: { unitId: string }; tally: unknown }) => [r.unit.unitId, r.tally !== null])).toEqual([
      ['tax-bureau', true],
      ['service-centre', false],
    ]);
    expect(report.rows[0].tally).toMatchObject({ n: 2, satisfactionRate: 0.5, compositeScore: 50 });
  });

  it('answers 404 for an unknown period', async () => {
    ddb.on(GetCommand, { TableName: CATALOG }).resolves({});

    const res = await list(httpEvent('listTallies', { params: { periodId: 'nope' }, claims: staffClaims('admin') }), lambdaContext());

    expect(res.statusCode).toBe(404);
  });
});

describe('downloadTallies handler', () => {
  it('sends CSV with a UTF-8 BOM, CRLF lines and Chinese headers that Excel opens correctly', async () => {
    const res = await download(httpEvent('downloadTallies', { params, claims: staffClaims('supervisor') }), lambdaContext());

    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers?.['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('满意度统计-2026-annual.csv')}`);
    const body = String(res.body);
    expect(body.startsWith('\uFEFF单位编号,单位,非常满意,满意,基本满意,不满意,非常不满意,不了解,有效样本数(N),满意率(%)')).toBe(true);
    const lines = body.slice(1).split('\r\n');
    expect(lines[1]).toBe('tax-bureau,区税务局,1,0,0,0,1,0,2,50.00,9.45,90.55,1,50.00,是,2026-06-15T02:00:00.000Z');
    expect(lines[2]).toBe('service-centre,"区政务服务中心, ""一站式""",,,,,,,,,,,,,,');
  });

  it('speaks English when asked', async () => {
    const res = await download(
      httpEvent('downloadTallies', { params, claims: staffClaims('admin'), headers: { 'accept-language': 'en' } }),
      lambdaContext(),
    );

    expect(String(res.body).split('\r\n')[0]).toMatch(/^\uFEFFUnit ID,Unit,Very satisfied,Satisfied/);
    expect(res.headers?.['content-disposition']).toContain('filename="tallies-2026-annual.csv"');
  });

  it('answers 401 without a token', async () => {
    const res = await download(httpEvent('downloadTallies', { params }), lambdaContext());

    expect(res.statusCode).toBe(401);
  });
});
