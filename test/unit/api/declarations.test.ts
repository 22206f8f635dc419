import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ballotDay, unitDay } from '../../../functions/domain/evaluation/tally';
import { shardOf } from '../../../functions/store/evaluation/response-store';
import { marshall } from '@aws-sdk/util-dynamodb';
import { jobs, routes, streamConsumers, type OperationId, type Route, type ScheduledJob, type StreamConsumer } from '../../../functions/routes';
import { BUCKETS, type BucketKey } from '../../../functions/store/buckets';
import { SECRETS, type SecretKey } from '../../../functions/store/secrets';
import { TABLES, type TableAccess, type TableKey } from '../../../functions/store/tables';
import { loadHandler, type LambdaHandler } from '../../../infra/local/lambda';
import { ballotKeysBinding } from '../../fixtures/ballot-keys';
import { adjustmentItem } from '../../fixtures/calendar';
import { DURING_PERIOD, aForm, aFormContent, aPeriod } from '../../fixtures/catalog';
import { claimsFor, httpEvent, lambdaContext } from '../../fixtures/http';
import { saltItem } from '../../fixtures/items';
import { districtCaseItems } from '../../fixtures/cases';
import { districtLedgerItems } from '../../fixtures/ledger';
import { PUBLISHED_DISCLOSURE_ID, districtDisclosureItems, districtSnapshotItems } from '../../fixtures/disclosure';
import { districtBriefingItems } from '../../fixtures/briefings';
import { districtAuditItems } from '../../fixtures/audit';
import { EXAMPLE_BODIES, EXAMPLE_PARAMS, type OperationWithBody } from '../../fixtures/requests';
import { aDistrict, storeDistrict, storeDistrictReviews } from './district';
import { UNIT_TABLE, fakeTables } from './fake-tables';
import { exportJobItem } from '../../fixtures/exports';

/**
 * A handler's dependencies agree with its declaration in the route table (functions/routes.ts), which is
 * what CDK grants: every route's and job's module starts with only the table and secret bindings it
 * declares, and on its success path sends DynamoDB only commands its declared access allows, on its
 * declared tables (and, where a job names them, only in its declared partitions).
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

/** The partition keys a single-table command names (its key, item, or key condition's `:pk`). */
function partitionsOf(input: Record<string, unknown>): string[] {
  const key = (input.Key ?? input.Item) as { pk?: unknown } | undefined;
  if (key?.pk !== undefined) return [String(key.pk)];
  const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
  if (values?.[':pk'] !== undefined) return [String(values[':pk'])];
  // a Query on an index (the case store's `#k = :k`): the index's partition
  if (input.IndexName !== undefined && values?.[':k'] !== undefined) return [String(values[':k'])];
  throw new Error(`cannot tell the partition of ${JSON.stringify(input)}`);
}

/**
 * Every command sent, as `Command on table-key`, with the partitions it names. A transaction counts as the
 * writes in it (a Put as PutCommand...), as IAM authorizes TransactWriteItems by each item's own action.
 */
const commandsSent = () =>
  ddb.calls().flatMap((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
    if (command.constructor.name === 'TransactWriteCommand') {
      return (command.input.TransactItems as Record<string, { TableName: string }>[]).flatMap((item) =>
        Object.entries(item).map(([op, write]) => ({ command: `${op}Command`, table: tableKeyOf.get(write.TableName) ?? write.TableName, partitions: undefined })),
      );
    }
    return tablesOf(command.input).map((table) => ({
      command: command.constructor.name,
      table: tableKeyOf.get(table) ?? table,
      partitions: typeof command.input.TableName === 'string' ? partitionsOf(command.input) : undefined,
    }));
  });

/** Imports a function module as a cold start does, with only these table and secret bindings in the environment. */
async function coldStart(
  entry: string,
  tables: Partial<Record<TableKey, TableAccess>>,
  secrets: readonly SecretKey[] = [],
  buckets: Partial<Record<BucketKey, unknown>> = {},
): Promise<LambdaHandler> {
  const saved = { ...process.env };
  for (const { envVar } of [...Object.values(TABLES), ...Object.values(SECRETS), ...Object.values(BUCKETS)]) delete process.env[envVar];
  for (const key of Object.keys(tables) as TableKey[]) process.env[TABLES[key].envVar] = UNIT_TABLE[key];
  for (const key of secrets) process.env[SECRETS[key].envVar] = ballotKeysBinding();
  // A bucket binding as the local runtime makes it: a folder (store/exports/export-store.ts).
  for (const key of Object.keys(buckets) as BucketKey[]) process.env[BUCKETS[key].envVar] = `file:${mkdtempSync(join(tmpdir(), 'pingyi-bucket-'))}`;
  try {
    vi.resetModules();
    return await loadHandler(entry);
  } finally {
    process.env = saved;
  }
}

// ---- example requests: the success path of each route ---------------------------------------------------

/** A query for each route with one, asking for what uses its tables (the deep health check reads the catalog). */
const QUERIES: Partial<Record<OperationId, Record<string, string>>> = {
  health: { deep: 'true' },
  listSnapshots: { units: 'tax-bureau,service-centre' },
  listPeriodTrend: { units: 'tax-bureau' },
  deleteCalendarAdjustment: { rev: '1' },
  caseKpis: { from: '2026-06-01', to: '2026-06-30' },
  downloadCaseKpis: { from: '2026-06-01', to: '2026-06-30' },
  downloadCaseKpisXlsx: { from: '2026-06-01', to: '2026-06-30' },
};

/** Path parameters of a route that acts on another of the district's things than EXAMPLE_PARAMS names. */
const PARAMS: Partial<Record<OperationId, Record<string, string>>> = {
  // Only a published disclosure can be withdrawn.
  withdrawDisclosure: { disclosureId: PUBLISHED_DISCLOSURE_ID },
};

function exampleEvent(route: Route) {
  const own = PARAMS[route.operationId as OperationId] ?? {};
  const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, own[name!] ?? EXAMPLE_PARAMS[name!]!]));
  const query = QUERIES[route.operationId as OperationId];
  return httpEvent(route.operationId as OperationId, {
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(query ? { query } : {}),
    ...(route.body ? { body: EXAMPLE_BODIES[route.operationId as OperationWithBody] } : {}),
    ...(route.access === 'public' ? {} : { claims: claimsFor(route.access) }),
  });
}

// ---- the tests ---------------------------------------------------------------------------------------------

beforeAll(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterAll(() => vi.useRealTimers());

let tables: ReturnType<typeof fakeTables>;
beforeEach(() => {
  vi.setSystemTime(DURING_PERIOD);
  ddb.reset();
  tables = fakeTables(ddb);
  storeDistrict(tables, aDistrict({ form: aForm({ draft: aFormContent({ title: { 'zh-CN': '修订标题', en: 'Revised title' } }) }) }));
  storeDistrictReviews(tables);
  // the district's replied case, its tracking number and its contact details (fixtures/cases.ts)
  const caseItems = districtCaseItems();
  tables.put(UNIT_TABLE.cases, ...caseItems.cases);
  tables.put(UNIT_TABLE.contacts, ...caseItems.contacts);
  // the district's ledger item, in progress at tax-bureau (fixtures/ledger.ts)
  tables.put(UNIT_TABLE.cases, ...districtLedgerItems());
  // the district's snapshot day, and its draft and published disclosures (fixtures/disclosure.ts)
  tables.put(UNIT_TABLE.tallies, ...districtSnapshotItems());
  tables.put(UNIT_TABLE.disclosures, ...districtDisclosureItems());
  // the district's raw export, queued, which the export function writes (fixtures/exports.ts)
  tables.put(UNIT_TABLE.tallies, exportJobItem());
  // the district's draft briefing of the week of 1 June (fixtures/briefings.ts)
  tables.put(UNIT_TABLE.briefings, ...districtBriefingItems());
  // the district's audit chain: the first chained item of each chained table (fixtures/audit.ts)
  tables.put(UNIT_TABLE.audit, ...districtAuditItems((key) => tables.items(UNIT_TABLE[key])));
  // the district's local day off, which the calendar routes change and delete at revision 1
  tables.put(UNIT_TABLE.catalog, adjustmentItem());
  // a counter changed by hand, which the recount repairs and then derives the figures again (with the reviews)
  tables.put(UNIT_TABLE.tallies, { pk: `C#${aPeriod().periodId}`, sk: 'P', b: 1 });
  // a unit with open ballots past a limit, whose counted ballot the tally reads from the responses table
  const ballot = tables.items(UNIT_TABLE.responses).find((item) => String(item.sk).startsWith('B#'))!;
  const unitId = Object.keys(ballot.units as object)[0]!;
  const day = ballotDay({ ok: true, response: ballot as never });
  tables.put(UNIT_TABLE.tallies, { pk: `C#${aPeriod().periodId}`, sk: 'HOT', units: new Set([unitDay(unitId, day)]) });
  tables.put(UNIT_TABLE.tallies, { pk: `C#${aPeriod().periodId}`, sk: `U#${unitId}`, b: 1 });
  tables.put(UNIT_TABLE.tallies, { pk: `M#${aPeriod().periodId}#U#${unitId}`, sk: `D#${day}#${String(ballot.sk).slice(2)}` });
  tables.put(UNIT_TABLE.tallies, { pk: `M#${aPeriod().periodId}#${shardOf(String(ballot.sk).slice(2)).toString(16)}`, sk: ballot.sk });
  // yesterday's salt, for the day-salts job to forget
  tables.put(UNIT_TABLE.responses, saltItem('2026-06-14', 'c2FsdC1vZi15ZXN0ZXJkYXktdGhpcnR5LXR3by1ieXRlcw=='));
});

type Partitions = Partial<Record<TableKey, readonly string[]>>;

/** The commands sent that the declaration does not allow: another table, another kind, another partition. */
const refusedCommands = (tables: Partial<Record<TableKey, TableAccess>>, partitions: Partitions) =>
  commandsSent().filter(({ command, table, partitions: touched }) => {
    const access = tables[table as TableKey];
    const allowed = partitions[table as TableKey];
    return !access || !ALLOWED[access].includes(command) || (allowed !== undefined && touched?.some((pk) => !allowed.includes(pk)) !== false);
  });

function expectAllowed(tables: Partial<Record<TableKey, TableAccess>>, partitions: Partitions = {}) {
  const sent = commandsSent();
  expect(refusedCommands(tables, partitions), `declared ${JSON.stringify({ tables, partitions })}`).toEqual([]);
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
      const handler = await coldStart(route.entry, route.tables, route.secrets, route.buckets);

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
      expectAllowed(job.tables, job.partitions);
    },
  );

  it.each((streamConsumers as readonly StreamConsumer[]).map((consumer) => [consumer.id, consumer] as const))(
    'stream consumer %s starts with only its declared tables and uses them only as declared',
    async (_, consumer) => {
      // prepare: every stored item its stream's filter lets through (a ballot, a case event...) as a new image
      const handler = await coldStart(consumer.entry, consumer.tables, [], consumer.buckets);
      const stored = tables.items(UNIT_TABLE[consumer.stream.table]).filter((item) => String(item.sk).startsWith(consumer.stream.filter.sortKeyBeginsWith ?? ''));
      expect(stored.length).toBeGreaterThan(0);
      const Records = stored.map((item, i) => ({ eventName: 'INSERT', dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }), SequenceNumber: String(i + 1) } }));

      // act
      const result = (await handler({ Records }, lambdaContext())) as { batchItemFailures: unknown[] };

      // assert
      expect(result.batchItemFailures).toEqual([]);
      expectAllowed(consumer.tables);
    },
  );

  it('fails a cold start that lacks a table its declaration names', async () => {
    // act
    const start = coldStart('api/evaluation/submit-response.ts', { catalog: 'read' });

    // assert
    await expect(start).rejects.toThrow(/RESPONSES_TABLE is not set/);
  });

  it('fails a cold start that lacks a secret its declaration names', async () => {
    // act
    const start = coldStart('api/evaluation/submit-response.ts', { catalog: 'read', responses: 'append' });

    // assert
    await expect(start).rejects.toThrow(/BALLOT_KEYS_SECRET is not set/);
  });

  it('would refuse a command outside the partitions a job declares (the check is live)', async () => {
    // prepare
    ddb.resetHistory();
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

    // act
    await db.send(new GetCommand({ TableName: UNIT_TABLE.responses, Key: { pk: 'SALT', sk: '2026-06-14' } }));
    await db.send(new GetCommand({ TableName: UNIT_TABLE.responses, Key: { pk: 'P#2026-annual#0', sk: 'B#o.x' } }));

    // assert
    expect(refusedCommands({ responses: 'readWrite' }, { responses: ['SALT'] })).toEqual([
      { command: 'GetCommand', table: 'responses', partitions: ['P#2026-annual#0'] },
    ]);
  });
});
