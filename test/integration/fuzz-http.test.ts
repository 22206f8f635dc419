import { request } from 'node:http';
import { BatchWriteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStaffAccess, routes, type HttpMethod, type Role, type Route } from '../../functions/routes';
import { createDocumentClient } from '../../functions/store/client';
import { SALT_PARTITION } from '../../functions/store/evaluation/admission-store';
import type { LocalStack } from '../../infra/local/stack';
import { aForm, aFormVersion, aResponse, aUnit, aUnitWithId, anOpenPeriod, someGroups } from '../fixtures/catalog';
import {
  appealItem,
  flaggedBatchItem,
  formItem,
  formVersionItem,
  groupItem,
  invitationBatchItem,
  periodItem,
  responseItem,
  unitItem,
} from '../fixtures/items';
import { aDistrictAppeal, aDistrictFlaggedBatch, aDistrictInvitationBatch, anAppealedResponse } from '../fixtures/reviews';
import { declaredErrorBody, problemsWith } from '../fuzz/oracle';
import { idsIn, malformedRequests, pathOf, type FuzzRequest } from '../fuzz/requests';
import { FUZZ, StatusCounts, fuzz } from '../fuzz/run';
import { tokenMaker } from './tokens';
import { startTestStack, type TestStack } from './helpers';

/**
 * The HTTP-level part of the fuzzing, through the local stack (the local API Gateway in front of the real
 * handlers, on the run's DynamoDB Local): the same generated malformed requests as the in-process part
 * (test/unit/api/fuzz.test.ts), fewer of them, sent as raw bytes — so content types, percent-encoded and
 * traversing paths, query strings and bodies pass through the adapter as they would through API Gateway —
 * plus what only exists at this level: bodies over the size limit (413), other methods (405), tricks
 * around a route's path. Every answer meets the same oracle, and the tables are read back after each
 * request of a method some writing route has: nothing may be stored unless it answered 2xx (the day's salt
 * of client keys aside, which the first open submission of a day makes). Staff routes are called as a role
 * they allow (a unit handler with units), machine routes with a machine token of their scope. Generated
 * from the route table.
 */

const all = routes as readonly Route[];
const counts = new StatusCounts();
const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** The local adapter's limit (API Gateway passes bodies on to Lambda, which takes at most 6 MB). */
const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** A little after the local scheduler's first run of each job (infra/local/scheduler.ts: 2 s after start). */
const FIRST_SCHEDULED_RUN_MS = 2_500;

/** The route's path with every parameter filled with a valid id (`1` for a version). */
const filledPath = (route: Route) => route.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'version' ? '1' : `made-up-${name.toLowerCase()}`));

/**
 * Whether a request with this method may reach a function that writes: only routes whose declaration grants
 * a write are given one on AWS (and the in-process part checks that the others send no write command), so
 * the tables are read back after those requests only.
 */
const mayWrite = (method: string) => all.some((r) => r.method === method && Object.values(r.tables).some((access) => access !== 'read'));

/** The paths a route template matches: a parameter is one segment. */
const templatePattern = (template: string) =>
  new RegExp(`^${template.split('/').map((segment) => (/^\{\w+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`);

interface Sent {
  method: string;
  /** As on the wire: percent-encoded path and query. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body without a content-length, in chunks. */
  chunked?: boolean;
}

/** A request as raw as node:http allows (header values go out as bytes; ones it cannot send are left out). */
function send(port: number, sent: Sent): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(sent.headers)) {
    const bytes = Buffer.from(value, 'utf8').toString('latin1');
    if (!/[\u0000-\u0008\u000a-\u001f\u007f]/.test(bytes)) headers[name] = bytes;
  }
  if (sent.body && !sent.chunked) headers['content-length'] = String(sent.body.length);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ host: '127.0.0.1', port, method: sent.method, path: sent.path, headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // A refused upload may close the connection while the rest is still being written.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    if (sent.body && sent.chunked) {
      for (let at = 0; at < sent.body.length; at += 256 * 1024) req.write(sent.body.subarray(at, at + 256 * 1024));
      req.end();
    } else req.end(sent.body);
  });
}

/** Every item of every table but the day salts, in key order, as one text. */
async function snapshot(db: DynamoDBDocumentClient, tables: Record<string, string>): Promise<string> {
  const parts = await Promise.all(
    Object.values(tables).map(async (TableName) => {
      const items: Record<string, unknown>[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(new ScanCommand({ TableName, ConsistentRead: true, ExclusiveStartKey }));
        items.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items
        .filter((item) => item.pk !== SALT_PARTITION)
        .map((item) => JSON.stringify(item))
        .sort();
    }),
  );
  return JSON.stringify(parts);
}

describe(`malformed requests over HTTP to the local stack (seed ${FUZZ.seed})`, () => {
  let test: TestStack | undefined;
  let stack: LocalStack;
  let dataDir: string;
  let db: DynamoDBDocumentClient;
  let port: number;
  let known: string[];
  let current: string;
  const tokens = new Map<Role | 'machine', string>();

  beforeAll(async () => {
    test = await startTestStack('fuzz');
    ({ stack, dataDir } = test);
    const started = Date.now();
    port = Number(new URL(stack.url).port);
    db = createDocumentClient(stack.dynamoEndpoint);
    // The district of the handler tests, its period open now.
    const catalog = [
      ...[aUnit(), aUnitWithId('service-centre')].map(unitItem),
      ...someGroups().map(groupItem),
      periodItem(anOpenPeriod({ periodId: '2026-annual' })),
      formItem(aForm()),
      formVersionItem(aFormVersion()),
    ];
    const put = (table: string, items: Record<string, unknown>[]) =>
      db.send(new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }));
    await put(stack.tables.catalog, [...catalog, invitationBatchItem(aDistrictInvitationBatch())]);
    await put(stack.tables.responses, [responseItem(aResponse()), responseItem(anAppealedResponse())]);
    await put(stack.tables.reviews, [appealItem(aDistrictAppeal())]);
    // The counting function counts the stored ballots into the tallies table from the stream: let it first.
    await stack.drainStreams();
    // The scheduler runs the tally once shortly after start (then hourly here): let that write happen first.
    await new Promise((done) => setTimeout(done, Math.max(0, started + FIRST_SCHEDULED_RUN_MS - Date.now())));
    await stack.runJob('tally');
    // So does the nightly recount (then daily): after its first run, nothing writes but the requests.
    await stack.runJob('recount');
    // A batch as the last tally would have flagged it, for the review route to find.
    await put(stack.tables.tallies, [flaggedBatchItem(aDistrictFlaggedBatch())]);
    known = idsIn([...catalog, aDistrictInvitationBatch(), aDistrictAppeal(), aDistrictFlaggedBatch()]);
    current = await snapshot(db, stack.tables);
    const maker = await tokenMaker(dataDir);
    for (const role of ['supervisor', 'admin'] as const) tokens.set(role, (await maker.token({ kind: 'role', role }, role))!);
    // A unit handler acts for units (tax-bureau among them), or validation would not be what answers.
    tokens.set('unitHandler', (await maker.token({ kind: 'unit handler with units' }, 'unitHandler'))!);
    tokens.set('machine', (await maker.token({ kind: 'machine', scope: 'service-records' }, { scope: 'service-records' }))!);
  });

  afterAll(async () => {
    await test?.stop();
    db?.destroy();
    if (FUZZ.report) console.log(`HTTP fuzzing, seed ${FUZZ.seed}:\n${counts.report()}\ntotal ${counts.total()}`);
  });

  /** The bearer token of a role the route allows, or of a machine client with its scope; none on public routes. */
  const authorization = (route: Route): Record<string, string> =>
    route.access === 'public' ? {} : { authorization: `Bearer ${tokens.get(isStaffAccess(route.access) ? route.access[0]! : 'machine')}` };

  /** Sends a request and holds its answer to the oracle; the tables must be as before unless it answered 2xx. */
  async function sendAndCheck(route: Route, sent: Sent, asFuzzed: FuzzRequest): Promise<number> {
    const before = current;
    const answer = await send(port, sent);
    if (mayWrite(sent.method)) {
      current = await snapshot(db, stack.tables);
      // A stored ballot is counted from the stream after the answer: the snapshot waits for that too. A refusal
      // that left the tables as they were made no stream record a consumer takes (DynamoDB writes none for an
      // item left as it was, and no consumer takes the day salts): its snapshot is the one taken.
      if (answer.status < 400 || current !== before) {
        await stack.drainStreams();
        current = await snapshot(db, stack.tables);
      }
    }
    counts.add(route.operationId, answer.status);
    const problems = problemsWith(answer, asFuzzed, { gateway: true, errorBody: declaredErrorBody(route) });
    if ((answer.status < 200 || answer.status >= 300) && current !== before) problems.push(`answered ${answer.status} but changed the tables`);
    if (problems.length > 0) throw new Error(`${sent.method} ${sent.path.slice(0, 200)}\n${problems.join('\n')}`);
    return answer.status;
  }

  const asRequest = (sent: Sent): FuzzRequest => ({
    segments: {},
    rawQuery: sent.path.includes('?') ? sent.path.slice(sent.path.indexOf('?') + 1) : '',
    headers: sent.headers,
    body: sent.body,
    transport: 'text',
    tricks: [],
  });

  it('covers every route of the route table', () => {
    // assert
    expect(all.length).toBeGreaterThanOrEqual(26);
  });

  it.each(all.map((route) => [route.operationId, route] as const))(
    '%s answers generated malformed requests without a 5xx, a leak or a write',
    async (operationId, route) => {
      // act + assert, per request
      await fuzz(
        malformedRequests(route, { known }),
        async (request: FuzzRequest) => {
          const path = `${pathOf(route, request.segments)}${request.rawQuery ? `?${request.rawQuery}` : ''}`;
          await sendAndCheck(route, { method: route.method, path, headers: { ...request.headers, ...authorization(route) }, body: request.body }, request);
        },
        { runs: FUZZ.httpRuns, replay: `npx vitest run --project integration test/integration/fuzz-http.test.ts -t ${operationId}` },
      );

      // assert
      expect(counts.total(operationId)).toBeGreaterThanOrEqual(FUZZ.path ? 1 : FUZZ.httpRuns);
    },
    120_000,
  );

  it.each(all.filter((r) => r.body).map((route) => [route.operationId, route] as const))(
    '%s refuses a body over the limit with 413, declared or chunked, and stores nothing',
    async (_, route) => {
      // prepare
      const path = filledPath(route);
      const body = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
      const headers = { 'content-type': 'application/json', ...authorization(route) };

      // act
      const declared = await sendAndCheck(route, { method: route.method, path, headers, body }, asRequest({ method: route.method, path, headers }));
      const chunked = await sendAndCheck(route, { method: route.method, path, headers, body, chunked: true }, asRequest({ method: route.method, path, headers }));

      // assert
      expect([declared, chunked]).toEqual([413, 413]);
    },
  );

  const paths = [...new Set(all.map((r) => r.path))];
  it.each(paths)('%s answers every other method with 405 and Allow, and stores nothing', async (routePath) => {
    // prepare: the methods of every route whose template matches (`/admin/units/import` is also a `{unitId}`)
    const route = all.find((r) => r.path === routePath)!;
    const path = filledPath(route);
    const allowed = all.filter((r) => templatePattern(r.path).test(path)).map((r) => r.method);

    for (const method of METHODS.filter((m) => !allowed.includes(m))) {
      // act
      const headers = { 'content-type': 'application/json', ...authorization(route) };
      const answer = await send(port, { method, path, headers, body: Buffer.from('{"rev":1}') });

      // assert
      expect(answer.status, `${method} ${path}`).toBe(405);
      expect(String(answer.headers.allow).split(', ').sort()).toEqual([...new Set(allowed)].sort());
      if (mayWrite(method)) expect(await snapshot(db, stack.tables)).toBe(current);
    }
  });

  it.each(all.map((route) => [route.operationId, route] as const))(
    '%s: tricks around its path (slashes, dots, case, suffixes) answer without a 5xx, a leak or a write',
    async (_, route) => {
      // prepare
      const base = filledPath(route);
      const tricks = [
        `${base}/`,
        `${base}//`,
        base.replace('/', '//'),
        base.toUpperCase(),
        `/x/..${base}`,
        `${base}/..`,
        `${base}/.`,
        `${base}%2F`,
        `${base}%00`,
        `${base};jsessionid=1`,
        `${base}?`,
        `${base}#fragment`,
        `${base}/${'a'.repeat(8_000)}`,
        base.replace(/\//g, '%2F'),
        base.replace(/\//g, '\\'),
      ];
      const headers = { ...(route.body ? { 'content-type': 'application/json' } : {}), ...authorization(route) };

      for (const path of tricks) {
        // act + assert
        await sendAndCheck(route, { method: route.method, path, headers, ...(route.body ? { body: Buffer.from('{}') } : {}) }, asRequest({ method: route.method, path, headers }));
      }
    },
  );

  it('sends bytes of every kind in a generated body without a 5xx', async () => {
    // A body of random bytes to the public submission route: no encoding survives this.
    const route = all.find((r) => r.method === 'POST' && r.access === 'public' && r.body)!;
    await fuzz(
      fc.uint8Array({ minLength: 1, maxLength: 4_096 }),
      async (bytes) => {
        const headers = { 'content-type': 'application/json' };
        const path = filledPath(route);
        await sendAndCheck(route, { method: route.method, path, headers, body: Buffer.from(bytes) }, { ...asRequest({ method: route.method, path, headers }), body: Buffer.from(bytes) });
      },
      { runs: FUZZ.httpRuns, replay: `npx vitest run --project integration test/integration/fuzz-http.test.ts -t bytes` },
    );
  });
});
