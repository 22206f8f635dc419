import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { jobs, routes, type OperationId, type Route, type ScheduledJob } from '../../../functions/routes';
import { TABLES, type TableAccess, type TableKey } from '../../../functions/store/tables';
import { loadHandler, type LambdaHandler } from '../../../infra/local/lambda';
import { DURING_PERIOD, aForm, aFormContent, aResponse } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { EXAMPLE_BODIES, EXAMPLE_PARAMS, type OperationWithBody } from '../../fixtures/requests';
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

/** A query for each route with one, asking for what uses its tables (the deep health check reads the catalog). */
const QUERIES: Partial<Record<OperationId, Record<string, string>>> = { health: { deep: 'true' } };

function exampleEvent(route: Route) {
  const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, EXAMPLE_PARAMS[name!]!]));
  const query = QUERIES[route.operationId as OperationId];
  return httpEvent(route.operationId as OperationId, {
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(query ? { query } : {}),
    ...(route.body ? { body: EXAMPLE_BODIES[route.operationId as OperationWithBody] } : {}),
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
  storeDistrict(tables, aDistrict({ form: aForm({ draft: aFormContent({ title: { 'zh-CN': '修订标题', en: 'Revised title' } }) }) }));
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
      if (route.body) expect(EXAMPLE_BODIES, route.operationId).toHaveProperty(route.operationId);
      for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) expect(EXAMPLE_PARAMS, `${route.operationId}: {${name}}`).toHaveProperty(name!);
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
