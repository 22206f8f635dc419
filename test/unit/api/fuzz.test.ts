import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes, type Route } from '../../../functions/routes';
import { SALT_PARTITION } from '../../../functions/store/evaluation/admission-store';
import { BUCKETS, type BucketKey } from '../../../functions/store/buckets';
import { SECRETS } from '../../../functions/store/secrets';
import { TABLES, type TableKey } from '../../../functions/store/tables';
import { loadHandler, type LambdaHandler } from '../../../infra/local/lambda';
import { ballotKeysBinding } from '../../fixtures/ballot-keys';
import { DURING_PERIOD } from '../../fixtures/catalog';
import { claimsFor, lambdaContext } from '../../fixtures/http';
import { dynamoLimitProblems } from '../../fuzz/dynamodb-limits';
import { declaredErrorBody, problemsWith } from '../../fuzz/oracle';
import { eventOf, idsIn, malformedRequests, type FuzzRequest } from '../../fuzz/requests';
import { FUZZ, StatusCounts, fuzz } from '../../fuzz/run';
import { aDistrict, storeDistrict, storeDistrictReviews } from './district';
import { UNIT_TABLE, WRITE_COMMANDS, fakeTables, type FakeTables, type Item, type SavedTables } from './fake-tables';

/**
 * Every operation of the route table, called in-process with at least a thousand malformed requests
 * generated from its own schemas (test/fuzz/): none may answer 5xx, show an internal detail or echo what
 * was sent, store anything unless it answered 2xx, or send DynamoDB an item it would refuse. Staff routes
 * are called as a role their access allows (a unit handler with a unit), machine routes with a token of
 * their scope, so that validation, not the access check, answers.
 *
 * The tables are in memory (fake-tables.ts) rather than in DynamoDB Local: tens of thousands of requests
 * run in seconds, each is compared against an exact copy of every table taken just before it, and a run
 * replays from its seed alone. DynamoDB's own refusals are checked by dynamo-limits.ts here, and for real
 * by the HTTP part (test/integration/fuzz-http.test.ts). A new route is fuzzed without a new test.
 */

const ddb = mockClient(DynamoDBDocumentClient);
const all = routes as readonly Route[];
const counts = new StatusCounts();
/** The folders of the bucket bindings of the route being fuzzed. */
let buckets: string[] = [];

/**
 * Imports a function module as a cold start does, with exactly the table and secret bindings its route
 * declares (the ballot keys: the test ring, in a file).
 */
async function coldStart(route: Route): Promise<LambdaHandler> {
  const saved = { ...process.env };
  for (const { envVar } of [...Object.values(TABLES), ...Object.values(SECRETS), ...Object.values(BUCKETS)]) delete process.env[envVar];
  for (const key of Object.keys(route.tables) as TableKey[]) process.env[TABLES[key].envVar] = UNIT_TABLE[key];
  for (const key of route.secrets ?? []) process.env[SECRETS[key].envVar] = ballotKeysBinding();
  // A bucket binding as the local runtime makes it: a folder (store/exports/export-store.ts).
  buckets = Object.keys(route.buckets ?? {}).map((key) => {
    const folder = mkdtempSync(join(tmpdir(), 'pingyi-bucket-'));
    process.env[BUCKETS[key as BucketKey].envVar] = `file:${folder}`;
    return folder;
  });
  try {
    vi.resetModules();
    return await loadHandler(route.entry);
  } finally {
    process.env = saved;
  }
}

const tables: FakeTables = fakeTables(ddb);
/** The district of the handler tests, stored once (beforeAll): put back, rather than stored again, after a request changed it. */
let district: SavedTables;
let dirty = false;

/** The district, put back whenever a request may have changed it; the buckets empty, as a cold start finds them. */
function freshTablesIfNeeded(): void {
  if (dirty) {
    tables.restore(district);
    dirty = false;
  }
  // Files a request left (an upload URL's ticket, an export) would otherwise pile up, and a local bucket's
  // sweep reads every one of them on each new upload URL.
  for (const folder of buckets) for (const entry of readdirSync(folder)) rmSync(join(folder, entry), { recursive: true, force: true });
  ddb.resetHistory();
}

/** Whether the tables differ, the day salts aside (the first open submission of a day makes one, whatever it answers then). */
function changed(before: SavedTables, after: SavedTables): boolean {
  const itemsOf = (saved: SavedTables, name: string) =>
    new Map([...(saved.get(name) ?? [])].filter(([, item]) => item.pk !== SALT_PARTITION));
  const same = (a: Item, b: Item | undefined) => a === b || (b !== undefined && JSON.stringify(a) === JSON.stringify(b));
  return Object.values(UNIT_TABLE).some((name) => {
    const [was, is] = [itemsOf(before, name), itemsOf(after, name)];
    return was.size !== is.size || [...was].some(([key, item]) => !same(item, is.get(key)));
  });
}

/** The DynamoDB commands the handler sent, by name. */
const commandsSent = () =>
  ddb.calls().map((call) => {
    const command = call.args[0] as unknown as { constructor: { name: string }; input: Record<string, unknown> };
    return { name: command.constructor.name, input: command.input };
  });

/** The ids and names the district stores, for requests that name real things (the same district each time: read once). */
let known: string[] | undefined;
function knownValues(): string[] {
  freshTablesIfNeeded();
  return (known ??= idsIn(Object.values(UNIT_TABLE).flatMap((name) => tables.items(name))));
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(DURING_PERIOD);
  storeDistrict(tables, aDistrict());
  storeDistrictReviews(tables);
  district = tables.save();
});
afterAll(() => {
  vi.useRealTimers();
  if (FUZZ.report) console.log(`in-process fuzzing, seed ${FUZZ.seed}:\n${counts.report()}\ntotal ${counts.total()}`);
});

describe(`malformed requests to every operation, in-process (seed ${FUZZ.seed})`, () => {
  it('covers every route of the route table', () => {
    // assert
    expect(all.length).toBeGreaterThanOrEqual(26);
    expect(FUZZ.runs).toBeGreaterThanOrEqual(FUZZ.path ? 1 : 1_000);
  });

  it('would find an item DynamoDB refuses (the check is live)', () => {
    // prepare
    const put = (Item: Record<string, unknown>) => ({ name: 'PutCommand', input: { TableName: 't', Item } });

    // act
    const problems = dynamoLimitProblems([
      put({ pk: 'P', sk: 'x', groupWeights: { citizen: 1, tiny: 5e-324 } }),
      put({ pk: 'P', sk: 'y', n: 1e130 }),
      put({ pk: '', sk: 'z' }),
      put({ pk: 'P', sk: 'ok', weights: [0, 0.5, 1e-100, -3] }),
    ]);

    // assert
    expect(problems).toEqual([
      'PutCommand: a number DynamoDB cannot store, groupWeights.tiny = 5e-324',
      'PutCommand: a number DynamoDB cannot store, n = 1e+130',
      'PutCommand: key pk of 0 bytes (DynamoDB takes 1 to 2048)',
    ]);
  });

  it.each(all.map((route) => [route.operationId, route] as const))(
    '%s answers each without a 5xx, a leak or a write',
    async (operationId, route) => {
      // prepare
      const handler = await coldStart(route);
      const claims = claimsFor(route.access);
      const requests = malformedRequests(route, { known: knownValues() });
      const writes = Object.values(route.tables).some((access) => access !== 'read');

      // act + assert, per request
      await fuzz(
        requests,
        async (request: FuzzRequest) => {
          freshTablesIfNeeded();
          const before = writes ? tables.save() : undefined;
          const result = (await handler(eventOf(route, request, claims), lambdaContext())) as { statusCode: number; body?: string };
          const ok = result.statusCode >= 200 && result.statusCode < 300;
          counts.add(operationId, result.statusCode);

          const problems = problemsWith({ status: result.statusCode, body: result.body ?? '' }, request, { errorBody: declaredErrorBody(route) });
          const sent = commandsSent();
          // The tables change only through a write command, so only then are they compared.
          if (sent.some((c) => WRITE_COMMANDS.includes(c.name))) {
            if (before === undefined) {
              problems.push(`sent ${sent.map((c) => c.name).join(', ')} though its route declares no write`);
              dirty = true;
            } else if (changed(before, tables.save())) {
              dirty = true;
              if (!ok) problems.push(`answered ${result.statusCode} but changed the tables`);
            }
          }
          problems.push(...dynamoLimitProblems(sent));
          if (problems.length > 0) throw new Error(problems.join('\n'));
        },
        { runs: FUZZ.runs, replay: `npx vitest run --project unit test/unit/api/fuzz.test.ts -t ${operationId}` },
      );

      // assert
      expect(counts.total(operationId)).toBeGreaterThanOrEqual(FUZZ.path ? 1 : FUZZ.runs);
    },
    120_000,
  );
});
