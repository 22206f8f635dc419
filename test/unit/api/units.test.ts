import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as createUnit } from '../../../functions/api/units/create-unit';
import { handler as importUnits } from '../../../functions/api/units/import-units';
import { handler as listUnits } from '../../../functions/api/units/list-units';
import { handler as setUnitStatus } from '../../../functions/api/units/set-unit-status';
import { handler as updateUnit } from '../../../functions/api/units/update-unit';
import { ZUnitImportResult } from '../../../functions/domain/units/unit-import';
import { ZUnit } from '../../../functions/domain/units/unit';
import { ERROR } from '../../../functions/platform/error-codes';
import { ZErrorBody } from '../../../functions/platform/error-body';
import type { OperationId } from '../../../functions/routes';
import { aUnit, aUnitWithId } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { unitItem } from '../../fixtures/items';
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
  tables.put(UNIT_TABLE.catalog, unitItem(aUnit()), unitItem(aUnitWithId('service-centre', { rev: 3 })));
});

type Handler = (event: ReturnType<typeof httpEvent>, context: ReturnType<typeof lambdaContext>) => Promise<{ statusCode?: number; body?: string }>;

async function call(handler: Handler, operationId: OperationId, options: Parameters<typeof httpEvent>[1] = {}) {
  const result = await handler(httpEvent(operationId, { claims: staffClaims('admin'), ...options }), lambdaContext());
  return { status: result.statusCode, json: JSON.parse(String(result.body)) as unknown };
}
const storedUnit = (unitId: string) => {
  const item = tables.get(UNIT_TABLE.catalog, { pk: 'UNIT', sk: unitId });
  return item && ZUnit.parse(item);
};
const writesSent = () => commandNames(ddb).filter((name) => WRITE_COMMANDS.includes(name));
const name = (zh: string, en: string) => ({ 'zh-CN': zh, en });

describe('unit handlers', () => {
  it('lists every unit by id', async () => {
    // act
    const res = await call(listUnits, 'listUnits');

    // assert
    expect(res.status).toBe(200);
    expect((res.json as { units: { unitId: string }[] }).units.map((u) => u.unitId)).toEqual(['service-centre', 'tax-bureau']);
  });

  describe('createUnit', () => {
    it('adds an active unit at revision 1 with one conditional put and answers 201', async () => {
      // act
      const res = await call(createUnit, 'createUnit', {
        body: { unitId: 'window-general', name: name('综合窗口', 'General window'), kind: 'serviceWindow', parentId: 'service-centre' },
      });

      // assert
      expect(res.status).toBe(201);
      const expected = {
        unitId: 'window-general',
        name: name('综合窗口', 'General window'),
        kind: 'serviceWindow',
        parentId: 'service-centre',
        status: 'active',
        rev: 1,
        updatedAt: NOW.toISOString(),
      };
      expect(res.json).toEqual(expected);
      expect(storedUnit('window-general')).toEqual(expected);
      expect(ddb).toHaveReceivedCommandWith(PutCommand, { TableName: UNIT_TABLE.catalog, ConditionExpression: 'attribute_not_exists(pk)' });
    });

    it('answers 409 alreadyExists for a taken id and 400 for an unknown parent, writing nothing', async () => {
      // act
      const taken = await call(createUnit, 'createUnit', { body: { unitId: 'tax-bureau', name: name('重复', 'Again'), kind: 'bureau' } });
      const orphan = await call(createUnit, 'createUnit', {
        body: { unitId: 'window-x', name: name('窗口', 'Window'), kind: 'serviceWindow', parentId: 'no-such-unit' },
        headers: { 'accept-language': 'en' },
      });

      // assert
      expect(taken.status).toBe(409);
      expect(ZErrorBody.parse(taken.json)).toMatchObject({ code: ERROR.conflict, reason: 'alreadyExists' });
      expect(orphan.status).toBe(400);
      expect(ZErrorBody.parse(orphan.json).fields).toEqual([{ path: 'parentId', message: 'There is no parent unit "no-such-unit".' }]);
      expect(writesSent()).toEqual([]);
    });
  });

  describe('updateUnit', () => {
    it('saves a change made on the current revision as the next revision', async () => {
      // act
      const res = await call(updateUnit, 'updateUnit', {
        params: { unitId: 'service-centre' },
        body: { name: name('区政务服务中心', 'Service Centre'), kind: 'department', parentId: null, rev: 3 },
      });

      // assert
      expect(res.status).toBe(200);
      expect(storedUnit('service-centre')).toMatchObject({ name: name('区政务服务中心', 'Service Centre'), kind: 'department', rev: 4 });
      expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': 3 } });
    });

    it('answers 409 staleRevision to a change made on an old revision and keeps the stored unit', async () => {
      // act
      const res = await call(updateUnit, 'updateUnit', {
        params: { unitId: 'service-centre' },
        body: { name: name('旧的修改', 'Old edit'), kind: 'department', rev: 2 },
        headers: { 'accept-language': 'en' },
      });

      // assert
      expect(res.status).toBe(409);
      expect(ZErrorBody.parse(res.json)).toMatchObject({ code: ERROR.conflict, reason: 'staleRevision' });
      expect(storedUnit('service-centre')).toEqual(aUnitWithId('service-centre', { rev: 3 }));
      expect(writesSent()).toEqual([]);
    });

    it('answers 404 for an unknown unit and 400 for a unit made its own parent', async () => {
      // act
      const unknown = await call(updateUnit, 'updateUnit', {
        params: { unitId: 'nowhere' },
        body: { name: name('无', 'None'), kind: 'bureau', rev: 1 },
      });
      const loop = await call(updateUnit, 'updateUnit', {
        params: { unitId: 'tax-bureau' },
        body: { name: name('区税务局', 'Tax'), kind: 'bureau', parentId: 'tax-bureau', rev: 1 },
      });

      // assert
      expect(unknown.status).toBe(404);
      expect(loop.status).toBe(400);
      expect(ZErrorBody.parse(loop.json).fields?.map((f) => f.path)).toEqual(['parentId']);
    });
  });

  describe('setUnitStatus', () => {
    it('retires a unit (never deletes it) and reinstates it', async () => {
      // act
      const retired = await call(setUnitStatus, 'setUnitStatus', { params: { unitId: 'tax-bureau' }, body: { status: 'retired', rev: 1 } });
      const back = await call(setUnitStatus, 'setUnitStatus', { params: { unitId: 'tax-bureau' }, body: { status: 'active', rev: 2 } });

      // assert
      expect(retired.status).toBe(200);
      expect(retired.json).toMatchObject({ status: 'retired', rev: 2 });
      expect(back.json).toMatchObject({ status: 'active', rev: 3 });
      expect(storedUnit('tax-bureau')).toMatchObject({ status: 'active', rev: 3 });
    });

    it('answers 409 to a stale revision', async () => {
      // act
      const res = await call(setUnitStatus, 'setUnitStatus', { params: { unitId: 'service-centre' }, body: { status: 'retired', rev: 1 } });

      // assert
      expect(res.status).toBe(409);
      expect(storedUnit('service-centre')?.status).toBe('active');
    });
  });
});

describe('importUnits handler', () => {
  const HEADER = ['编号', '名称', '英文名称', '类型', '上级单位编号'];
  // tax-bureau as stored (unchanged), service-centre renamed (update), a new window under it (create)
  const GOOD_ROWS = [
    ['tax-bureau', '区税务局', 'District Tax Bureau', '局', ''],
    ['service-centre', '区政务服务中心', 'District Administrative Service Centre', '部门', ''],
    ['window-general', '综合受理窗口', 'General intake window', '服务窗口', 'service-centre'],
  ];
  const csv = (rows: string[][]) => Buffer.from(`${[HEADER, ...rows].map((r) => r.join(',')).join('\r\n')}\r\n`, 'utf8');
  async function xlsx(rows: string[][]): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('单位');
    for (const row of [HEADER, ...rows]) sheet.addRow(row);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
  const run = (format: 'csv' | 'xlsx', file: Buffer, dryRun: boolean, lang = 'zh-CN') =>
    call(importUnits, 'importUnits', { body: { format, content: file.toString('base64'), dryRun }, headers: { 'accept-language': lang } });

  it('says in a dry run what each row would do, and writes nothing', async () => {
    // act
    const res = await run('csv', csv(GOOD_ROWS), true);

    // assert
    expect(res.status).toBe(200);
    const { plan, written } = ZUnitImportResult.parse(res.json);
    expect(written).toBe(0);
    expect(plan.rows.map((r) => [r.row, r.unitId, r.action])).toEqual([
      [2, 'tax-bureau', 'unchanged'],
      [3, 'service-centre', 'update'],
      [4, 'window-general', 'create'],
    ]);
    expect(plan.counts).toEqual({ create: 1, update: 1, unchanged: 1, invalid: 0 });
    expect(writesSent()).toEqual([]);
  });

  it('writes a CSV import as one transaction of conditional puts, leaving unchanged units alone', async () => {
    // act
    const res = await run('csv', csv(GOOD_ROWS), false);

    // assert
    expect(res.status).toBe(200);
    expect(ZUnitImportResult.parse(res.json).written).toBe(2);
    expect(writesSent()).toEqual(['TransactWriteCommand']);
    const [transaction] = ddb.commandCalls(TransactWriteCommand);
    expect(transaction!.args[0].input.TransactItems?.map((i) => [i.Put?.Item?.unitId, i.Put?.ConditionExpression])).toEqual([
      ['window-general', 'attribute_not_exists(pk)'],
      ['service-centre', 'rev = :rev'],
    ]);
    expect(storedUnit('window-general')).toMatchObject({ parentId: 'service-centre', kind: 'serviceWindow', status: 'active', rev: 1 });
    expect(storedUnit('service-centre')).toMatchObject({ name: name('区政务服务中心', 'District Administrative Service Centre'), rev: 4 });
    expect(storedUnit('tax-bureau')).toEqual(aUnit());
  });

  it('writes an XLSX import in the same way', async () => {
    // act
    const res = await run('xlsx', await xlsx(GOOD_ROWS), false);

    // assert
    expect(res.status).toBe(200);
    expect(ZUnitImportResult.parse(res.json).plan.counts).toEqual({ create: 1, update: 1, unchanged: 1, invalid: 0 });
    expect(storedUnit('window-general')?.name['zh-CN']).toBe('综合受理窗口');
  });

  it('reads a CSV saved in GBK', async () => {
    // prepare: the header in English, and 区税务局 … 局 as GBK bytes
    const gbk = Buffer.concat([
      Buffer.from('id,name,english name,kind\r\nnew-bureau,', 'ascii'),
      Buffer.from('C7F8CBB0CEF1BED6', 'hex'),
      Buffer.from(',New Bureau,', 'ascii'),
      Buffer.from('BED6', 'hex'),
      Buffer.from('\r\n', 'ascii'),
    ]);

    // act
    const res = await run('csv', gbk, false);

    // assert
    expect(res.status).toBe(200);
    expect(storedUnit('new-bureau')).toMatchObject({ name: name('区税务局', 'New Bureau'), kind: 'bureau' });
  });

  it.each(['csv', 'xlsx'] as const)('names every bad row of a %s file as rows.<row>.<column> and writes nothing', async (format) => {
    // prepare
    const rows = [
      ...GOOD_ROWS,
      ['Bad Id!', '坏编号', 'Bad id', '局', ''],
      ['no-name', '', 'No Chinese name', '城堡', ''],
      ['window-general', '重复窗口', 'Duplicate window', '服务窗口', ''],
      ['orphan', '孤儿窗口', 'Orphan window', '服务窗口', 'no-such-parent'],
    ];
    const file = format === 'csv' ? csv(rows) : await xlsx(rows);

    // act
    const res = await run(format, file, false, 'en');

    // assert
    expect(res.status).toBe(400);
    const error = ZErrorBody.parse(res.json);
    expect(error.code).toBe(ERROR.validationFailed);
    expect(error.fields?.map((f) => f.path)).toEqual([
      'rows.5.unitId',
      'rows.6.nameZh',
      'rows.6.kind',
      'rows.7.unitId',
      'rows.8.parentId',
    ]);
    expect(error.fields?.find((f) => f.path === 'rows.6.kind')?.message).toMatch(/^Kind "城堡" is not valid/);
    expect(writesSent()).toEqual([]);
  });

  it('answers 400 naming the file when it cannot be read, and writes nothing', async () => {
    // act
    const res = await run('xlsx', Buffer.from('not a workbook'), false, 'en');

    // assert
    expect(res.status).toBe(400);
    expect(ZErrorBody.parse(res.json).fields).toEqual([
      { path: 'file', message: 'The file cannot be read: upload a CSV (UTF-8 or GBK) or an Excel .xlsx file.' },
    ]);
    expect(writesSent()).toEqual([]);
  });
});
