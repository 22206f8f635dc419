import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { jobs, routes, type AnyRoute, type OperationId, type Route, type ScheduledJob } from '../../../functions/routes';
import { TABLES, type TableAccess, type TableKey } from '../../../functions/store/tables';
import { loadHandler, type LambdaHandler } from '../../../infra/local/lambda';
import { DURING_PERIOD, aForm, aFormContent, aResponse, aSubmission } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { responseItem } from '../../fixtures/items';
import { aDistrict, storeDistrict } from './district';
import { UNIT_TABLE, fakeTables } from './fake-tables';

/**
 * A handler's dependencies agree with its declaration in the route table (functions/routes.ts), which is
 * what CDK grants: every route's and job's module starts with only the table bindings it declares, and on
 * its success path sends DynamoDB only commands its declared access allows, on its declared tables.
 * Generated from the route table: a new route only needs an example request below (the compiler asks
 * for one).
 */

const ddb = mockClient(DynamoDBDocumentClient);

/** The DynamoDB commands each declared access allows (CDK's grants: `append` is PutItem only). */
const READ = ['GetCommand', 'BatchGetCommand', 'QueryCommand', 'ScanCommand'];
const WRITE = ['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand', 'TransactWriteCommand'];
const ALLOWED: Record<TableAccess, readonly string[]> = {
  read: READ,
  append: ['PutCommand'],
  write: WRITE,
  readWrite: [...READ, ...WRITE],
};

const tableKeyOf = new Map((Object.keys(UNIT_TABLE) as TableKey[]).map((key) => [UNIT_TABLE[key], key]));

/** The tables a command touches. */
function tablesOf(input: Record<string, unknown>): string[] {
  if (typeof input.TableName === 'string') return [input.TableName];
  if (input.RequestItems) return Object.keys(input.RequestItems);
  if (Array.isArray(input.TransactItems)) {
    return input.TransactItems.flatMap((item: Record<string, { TableName: string }>) => Object.values(item).map((op) => op.TableName));
  }
  throw new Error(`cannot tell the table of ${JSON.stringify(input)}`);
}

/** Every command sent, as `Command on table-key`. */
const commandsSent = () =>
  ddb.calls().flatMap((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
    return tablesOf(command.input).map((table) => ({ command: command.constructor.name, table: tableKeyOf.get(table) ?? table }));
  });

/** Imports a function module as a cold start does, with only these table bindings in the environment. */
async function coldStart(entry: string, tables: Partial<Record<TableKey, TableAccess>>): Promise<LambdaHandler> {
  const saved = { ...process.env };
  for (const { envVar } of Object.values(TABLES)) delete process.env[envVar];
  for (const key of Object.keys(tables) as TableKey[]) process.env[TABLES[key].envVar] = UNIT_TABLE[key];
  try {
    vi.resetModules();
    return await loadHandler(entry);
  } finally {
    process.env = saved;
  }
}

// ---- example requests: the success path of each route ---------------------------------------------------

/** Path parameters by name, all naming things of the district the tables hold. */
const PARAMS: Record<string, string> = {
  formId: 'district-2026',
  periodId: '2026-annual',
  unitId: 'tax-bureau',
  groupId: 'citizen',
  version: '1',
};

const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const csv = (rows: string[][]) => Buffer.from(rows.map((r) => r.join(',')).join('\r\n'), 'utf8').toString('base64');

type OperationWithBody = Extract<AnyRoute, { body: unknown }>['operationId'];

/** A body each route with one accepts (the form's draft differs from version 1, so it can be published). */
const BODIES: Record<OperationWithBody, unknown> = {
  submitResponse: aSubmission(),
  createGroup: { groupId: 'business-owner', name: text('个体工商户', 'Business owner') },
  updateGroup: { name: text('市民', 'Resident'), rev: 1 },
  createPeriod: {
    periodId: '2027-annual',
    name: text('2027 年度评议', '2027 annual appraisal'),
    opensAt: '2027-01-01T00:00:00+08:00',
    closesAt: '2028-01-01T00:00:00+08:00',
    minSample: 30,
    groupWeights: { citizen: 1 },
  },
  updatePeriod: {
    name: text('2026 年度评议', '2026 annual appraisal'),
    opensAt: '2026-01-01T00:00:00+08:00',
    closesAt: '2027-01-01T00:00:00+08:00',
    minSample: 5,
    groupWeights: { citizen: 0.5, enterprise: 0.5 },
    rev: 1,
  },
  createForm: { formId: 'windows-2026', periodId: '2026-annual', content: aFormContent() },
  saveFormDraft: { content: aFormContent({ unitIds: ['tax-bureau'] }), rev: 2 },
  publishForm: { rev: 2 },
  closeForm: { rev: 2 },
  createUnit: { unitId: 'window-general', name: text('综合窗口', 'General window'), kind: 'serviceWindow', parentId: 'service-centre' },
  updateUnit: { name: text('区税务局', 'Tax Bureau'), kind: 'bureau', parentId: null, rev: 1 },
  setUnitStatus: { status: 'retired', rev: 1 },
  importUnits: {
    format: 'csv',
    content: csv([
      ['编号', '名称', '英文名称', '类型'],
      ['new-bureau', '新局', 'New Bureau', '局'],
      ['tax-bureau', '区税务局', 'Renamed Tax Bureau', '局'],
    ]),
    dryRun: false,
  },
};

function exampleEvent(route: Route) {
  const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, PARAMS[name!]!]));
  return httpEvent(route.operationId as OperationId, {
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(route.body ? { body: BODIES[route.operationId as OperationWithBody] } : {}),
    ...(route.access === 'public' ? {} : { claims: staffClaims(route.access[0]!) }),
  });
}

// ---- the tests ---------------------------------------------------------------------------------------------

beforeAll(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterAll(() => vi.useRealTimers());

beforeEach(() => {
  vi.setSystemTime(DURING_PERIOD);
  ddb.reset();
  const tables = fakeTables(ddb);
  storeDistrict(tables, aDistrict({ form: aForm({ draft: aFormContent({ title: text('修订标题', 'Revised title') }) }) }));
  tables.put(UNIT_TABLE.responses, responseItem(aResponse()));
});

function expectAllowed(tables: Partial<Record<TableKey, TableAccess>>) {
  const sent = commandsSent();
  const refused = sent.filter(({ command, table }) => {
    const access = tables[table as TableKey];
    return !access || !ALLOWED[access].includes(command);
  });
  expect(refused, `declared ${JSON.stringify(tables)}`).toEqual([]);
  // and nothing is declared that the success path does not use
  expect([...new Set(sent.map((s) => s.table))].sort()).toEqual(Object.keys(tables).sort());
}

describe("a handler's dependencies agree with its declaration", () => {
  it('covers every route and job of the route table', () => {
    // assert
    expect(routes.length).toBeGreaterThanOrEqual(26);
    for (const route of routes as readonly Route[]) {
      if (route.body) expect(BODIES, route.operationId).toHaveProperty(route.operationId);
      for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) expect(PARAMS, `${route.operationId}: {${name}}`).toHaveProperty(name!);
    }
  });

  it.each((routes as readonly Route[]).map((route) => [route.operationId, route] as const))(
    'route %s starts with only its declared tables and uses them only as declared',
    async (_, route) => {
      // prepare
      const handler = await coldStart(route.entry, route.tables);

      // act
      const result = (await handler(exampleEvent(route), lambdaContext())) as { statusCode: number; body: string };

      // assert
      expect(result.statusCode, result.body).toBe(route.responses[0].status);
      expectAllowed(route.tables);
    },
  );

  it.each((jobs as readonly ScheduledJob[]).map((job) => [job.id, job] as const))(
    'job %s starts with only its declared tables and uses them only as declared',
    async (_, job) => {
      // prepare
      const handler = await coldStart(job.entry, job.tables);

      // act
      await handler({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} }, lambdaContext());

      // assert
      expectAllowed(job.tables);
    },
  );

  it('fails a cold start that lacks a table its declaration names', async () => {
    // act
    const start = coldStart('api/evaluation/submit-response.ts', { catalog: 'read' });

    // assert
    await expect(start).rejects.toThrow(/RESPONSES_TABLE is not set/);
  });
});
