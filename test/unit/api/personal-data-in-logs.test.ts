import { format } from 'node:util';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METRIC, METRICS_NAMESPACE } from '../../../functions/platform/metric-names';
import { marshall } from '@aws-sdk/util-dynamodb';
import { jobs, routes, streamConsumers, type OperationId, type Route } from '../../../functions/routes';
import { loadHandler, type LambdaHandler } from '../../../infra/local/lambda';
import { submissionHashOf } from '../../../functions/domain/evaluation/response';
import { aToken, bindBallotKeys, foreignRing } from '../../fixtures/ballot-keys';
import { NO_LIMITS } from '../../fixtures/ballots';
import { DURING_PERIOD, aPeriod, aSubmission } from '../../fixtures/catalog';
import { claimsFor, httpEvent, lambdaContext } from '../../fixtures/http';
import { EXAMPLE_BODIES, EXAMPLE_PARAMS, csvFile, type OperationWithBody } from '../../fixtures/requests';
import { aDistrict, storeDistrict, storeDistrictReviews } from './district';
import { UNIT_TABLE, fakeTables } from './fake-tables';

/**
 * No personal data reaches a log line. For every route of the route table, requests carry a phone number
 * (three spellings), a resident ID number, a name (Chinese and pinyin), an e-mail address and an IP address
 * in every string of the body (one at a time, so free-text fields stay valid and get stored, and all at
 * once), in every path parameter, in the query, in the headers (User-Agent, Referer, X-Forwarded-For,
 * Accept-Language, a cookie) and in a broken body — also when DynamoDB fails with an error that carries an
 * item. Everything the function writes (Powertools logs and metrics on stdout and stderr, console) is
 * captured, and none of the values may appear in it in any spacing. The new free texts are among the
 * fields planted in: appeal and review reasons, invitation labels, service-record numbers. The tally then
 * counts the stored responses with their planted comments, under the same watch. A submission's own
 * secrets — its client's address and browser, its token, its submission id — reach no log line either,
 * whether it is stored, retried, refused or a reuse.
 *
 * The lines must stay useful: every request writes `request answered` with its operation, status, request
 * ids, error code and (on staff routes) the staff subject, and one metrics line for its operation.
 */

const ddb = mockClient(DynamoDBDocumentClient);

const PLANTED = [
  '13812345678',
  '138-1234-5678',
  '+86 138 1234 5678',
  '11010519491231002X',
  '欧阳娜娜',
  'Ouyang Nana',
  'nana.ouyang@example.cn',
] as const;
const PLANTED_IP = '203.0.113.77';

/** A value as it may appear in output whatever spacing, dashes, dots or case: letters, digits and CJK only. */
const squash = (text: string) =>
  text
    .replace(/\\u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^0-9a-z@\u4e00-\u9fff]/g, '');
/** What must never be found in the squashed output (the phone's three spellings are one number). */
const FORBIDDEN = [...new Set([...PLANTED, PLANTED_IP].map(squash))].map((squashed) => squashed.replace(/^86(?=138)/, ''));

// ---- valid requests of every route -------------------------------------------------------------------------

/** A body each route accepts, with free text where the route takes some. */
const BODIES: Record<OperationWithBody, unknown> = {
  ...EXAMPLE_BODIES,
  submitResponse: aSubmission({ units: { 'tax-bureau': { overall: 'satisfied', comment: '窗口服务很好' } }, submissionId: undefined }),
  // The KPIs only: this district has no snapshot day, so a planted title is still proposed (201).
  proposeDisclosure: { title: '2026 年 6 月公示', items: [{ kind: 'kpis', from: '2026-06-01', to: '2026-06-30' }] },
};

/** Further bodies with a planted value where the generic planting cannot reach: inside an uploaded file. */
const FILE_BODIES: Partial<Record<OperationWithBody, (value: string) => unknown[]>> = {
  importUnits: (value) =>
    [true, false].flatMap((dryRun) => [
      // valid rows whose names are the value, and a file whose every cell is
      { format: 'csv', content: csvFile([['编号', '名称', '英文名称', '类型'], ['new-bureau', value, value, '局']]), dryRun },
      { format: 'csv', content: csvFile([['编号', '名称', '英文名称', '类型'], [value, value, value, value]]), dryRun },
    ]),
  importLedger: (value) =>
    [true, false].flatMap((dryRun) => [
      // a valid row naming the value as owner and leader (people's names are what a ledger holds), and a file whose every cell is
      { format: 'csv', content: csvFile([['层级', '问题类别', '问题描述', '责任单位', '责任人', '责任领导', '整改措施', '整改时限'], ['单位', 'duty', value, 'tax-bureau', value, value, value, '2026-12-31']]), dryRun },
      { format: 'csv', content: csvFile([['层级', '问题类别', '问题描述', '责任单位'], [value, value, value, value]]), dryRun },
    ]),
};

// ---- planting ------------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Paths to every string of a JSON value. */
function stringPaths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringPaths(item, [...at, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...at, key]));
  return [];
}

/** A copy of `value` with `planted` at `path`. */
function plantAt(value: Json, path: (string | number)[], planted: string): Json {
  if (path.length === 0) return planted;
  const copy = structuredClone(value) as Record<string | number, Json>;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  copy[head] = plantAt(copy[head]!, rest, planted);
  return copy as Json;
}

/** A copy with every string replaced, and the value added as an extra key and member of every object. */
function plantEverywhere(value: Json, planted: string): Json {
  if (typeof value === 'string') return planted;
  if (Array.isArray(value)) return value.map((item) => plantEverywhere(item, planted));
  if (value && typeof value === 'object') {
    return { ...Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plantEverywhere(item, planted)])), [planted]: planted };
  }
  return value;
}

interface Variant {
  what: string;
  event: APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** The query a route needs to pass validation (the planted query values come on top). */
const QUERIES: Partial<Record<OperationId, Record<string, string>>> = {
  listSnapshots: { units: 'tax-bureau' },
  listPeriodTrend: { units: 'tax-bureau' },
  deleteCalendarAdjustment: { rev: '1' },
  caseKpis: { from: '2026-06-01', to: '2026-06-30' },
  downloadCaseKpis: { from: '2026-06-01', to: '2026-06-30' },
  downloadCaseKpisXlsx: { from: '2026-06-01', to: '2026-06-30' },
};

function baseEvent(route: Route, options: { params?: Record<string, string>; body?: unknown; rawBody?: string; headers?: Record<string, string>; query?: Record<string, string> } = {}) {
  const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, EXAMPLE_PARAMS[name!]!]));
  const query = { ...QUERIES[route.operationId as OperationId], ...options.query };
  const event = httpEvent(route.operationId as OperationId, {
    ...(Object.keys(params).length > 0 ? { params: { ...params, ...options.params } } : {}),
    ...(options.rawBody !== undefined ? { rawBody: options.rawBody } : route.body ? { body: options.body ?? BODIES[route.operationId as OperationWithBody] } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(Object.keys(query).length > 0 ? { query } : {}),
    ...(route.access === 'public' ? {} : { claims: claimsFor(route.access) }),
  });
  event.requestContext.requestId = 'api-request-1';
  return event;
}

/** Every request of a route carrying one planted value. */
function variants(route: Route, value: string): Variant[] {
  const list: Variant[] = [];
  const body = route.body ? (BODIES[route.operationId as OperationWithBody] as Json) : undefined;
  if (body !== undefined) {
    for (const path of stringPaths(body)) list.push({ what: `body.${path.join('.')}`, event: baseEvent(route, { body: plantAt(body, path, value) }) });
    list.push({ what: 'every string and key of the body', event: baseEvent(route, { body: plantEverywhere(body, value) }) });
    list.push({ what: 'a broken JSON body', event: baseEvent(route, { rawBody: `{"comment": "${value}", ` }) });
    const sent = baseEvent(route, { body: plantEverywhere(body, value) });
    sent.body = Buffer.from(String(sent.body)).toString('base64');
    sent.isBase64Encoded = true;
    list.push({ what: 'a base64 body', event: sent });
    list.push({ what: 'a body of another type', event: baseEvent(route, { rawBody: value, headers: { 'content-type': `text/plain; note=${value}` } }) });
    for (const file of FILE_BODIES[route.operationId as OperationWithBody]?.(value) ?? []) {
      list.push({ what: 'an uploaded file', event: baseEvent(route, { body: file }) });
    }
  }
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name!);
  for (const name of names) list.push({ what: `path {${name}}`, event: baseEvent(route, { params: { [name]: value } }) });
  list.push({ what: 'the query', event: baseEvent(route, { query: { q: value, phone: value } }) });
  const headers = baseEvent(route, {
    headers: {
      'user-agent': `Mozilla/5.0 (${value})`,
      referer: `https://example.cn/?contact=${encodeURIComponent(value)}`,
      'x-forwarded-for': PLANTED_IP,
      'accept-language': value,
      cookie: `contact=${value}`,
      'x-contact': value,
      ...(route.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  headers.requestContext.http.userAgent = value;
  headers.requestContext.http.sourceIp = PLANTED_IP;
  list.push({ what: 'the headers', event: headers });
  return list;
}

// ---- capturing what a function writes ---------------------------------------------------------------------

/** Everything written to stdout, stderr and the console while `act` runs. */
async function written<T>(act: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const keep = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(keep),
    vi.spyOn(process.stderr, 'write').mockImplementation(keep),
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void chunks.push(`${format(...args)}\n`)),
    ),
  ];
  try {
    return { result: await act(), output: chunks.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The planted values found in some output, with the lines holding them. */
function leaks(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => FORBIDDEN.some((value) => squash(line).includes(value)))
    .map((line) => line.slice(0, 300));
}

const jsonLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

// ---- the tests ------------------------------------------------------------------------------------------------

let handlers: Map<string, LambdaHandler>;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(DURING_PERIOD);
  // Everything a function may write: every log level, and the metrics as on Lambda.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);
  bindBallotKeys();
  handlers = new Map();
  for (const entry of [...routes.map((r) => r.entry), ...jobs.map((j) => j.entry), ...streamConsumers.map((c) => c.entry)]) {
    vi.resetModules();
    handlers.set(entry, await loadHandler(entry));
  }
  // Each handler is loaded afresh (its module scope holds its clients): some seventy of them on a busy machine.
}, 120_000);
afterAll(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/** The district with its stored ballots, invitation batch, flagged batch and appeal; its period as given. */
function freshTables(period = aPeriod()) {
  ddb.reset();
  const tables = fakeTables(ddb);
  storeDistrict(tables, aDistrict({ period }));
  storeDistrictReviews(tables);
  return tables;
}

async function call(route: Route, event: APIGatewayProxyEventV2WithJWTAuthorizer) {
  return written(async () => (await handlers.get(route.entry)!(event, lambdaContext())) as { statusCode: number; body: string });
}

/** The request's log line and metrics line say what happened, without the planted values. */
function expectUseful(route: Route, output: string, result: { statusCode: number; body: string }, what: string) {
  const lines = jsonLines(output);
  const answered = lines.find((line) => line.message === 'request answered');
  expect(answered, `${what}: no "request answered" line`).toMatchObject({
    operationId: route.operationId,
    status: result.statusCode,
    function_request_id: 'test-request-id',
    apiRequestId: 'api-request-1',
    ...(route.access === 'public' ? {} : { sub: claimsFor(route.access)!.sub }),
  });
  if (result.statusCode >= 400) {
    const body = JSON.parse(result.body) as { code: string } | { code: number }[];
    // Open311's routes answer in GeoReport v2's shape, [{ code: <status>, description }]; the log keeps the platform's code.
    if (Array.isArray(body)) expect(answered!.code, what).toEqual(expect.any(String));
    else expect(answered!.code, what).toBe(body.code);
  }
  const emf = lines.find((line) => line._aws !== undefined);
  expect(emf, `${what}: no metrics line`).toMatchObject({ operation: route.operationId, [METRIC.requests]: 1 });
}

describe('no personal data in what the functions write', () => {
  it('covers every route of the route table', () => {
    for (const route of routes as readonly Route[]) {
      if (route.body) expect(BODIES, route.operationId).toHaveProperty(route.operationId);
      for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) expect(EXAMPLE_PARAMS, `${route.operationId}: {${name}}`).toHaveProperty(name!);
    }
  });

  it('would find a planted value in any spacing (the check is live)', () => {
    expect(leaks('{"message":"note","x":"138 1234 5678"}')).toHaveLength(1);
    expect(leaks('{"x":"110105-19491231-002x"}')).toHaveLength(1);
    expect(leaks('{"x":"\\u6b27\\u9633\\u5a1c\\u5a1c"}')).toHaveLength(1);
    expect(leaks('{"x":"NANA.OUYANG@EXAMPLE.CN"}')).toHaveLength(1);
    expect(leaks('{"message":"request answered","status":400,"operationId":"createUnit"}')).toEqual([]);
  });

  it.each((routes as readonly Route[]).map((route) => [route.operationId, route] as const))(
    '%s: planted in every field, valid or not, nothing reaches a log line',
    async (_, route) => {
      const statuses = new Set<number>();
      for (const value of PLANTED) {
        freshTables();
        for (const { what, event } of variants(route, value)) {
          // act
          const { result, output } = await call(route, event);

          // assert
          statuses.add(result.statusCode);
          expect(leaks(output), `${route.operationId}, ${value} in ${what}`).toEqual([]);
          expectUseful(route, output, result, `${value} in ${what}`);
        }
      }
      // Requests that passed validation with planted values were among them, not only refusals of the input.
      expect([...statuses].some((status) => status !== 400 && status !== 415), [...statuses].join(' ')).toBe(true);
    },
  );

  it.each((routes as readonly Route[]).map((route) => [route.operationId, route] as const))(
    '%s: a DynamoDB error carrying an item is logged without it',
    async (_, route) => {
      // prepare: an error such as a failed condition brings back, with the stored item in it
      const value = PLANTED[0];
      freshTables();
      ddb.rejects(
        Object.assign(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }), {
          Item: { comment: { S: value }, contact: { S: PLANTED[6] } },
        }),
      );
      const body = route.body ? plantEverywhere(BODIES[route.operationId as OperationWithBody] as Json, value) : undefined;

      // act
      const { result, output } = await call(route, baseEvent(route, body === undefined ? {} : { body }));

      // assert
      expect(leaks(output)).toEqual([]);
      expectUseful(route, output, result, 'fault');
      if (result.statusCode === 503) {
        const failed = jsonLines(output).find((line) => line.message === 'request failed');
        expect(failed, 'the fault is logged').toMatchObject({ error: { name: 'ProvisionedThroughputExceededException', message: 'Rate exceeded' } });
      }
    },
  );

  it('the tally counts responses with planted comments and logs only ids and counts', async () => {
    // prepare: responses stored through the submit handler, one comment per planted value, in a period whose
    // limits flag none of them (they all come from one client)
    const submit = routes.find((r) => r.operationId === 'submitResponse')! as Route;
    const tables = freshTables(aPeriod({ admission: { ...aPeriod().admission, openLimits: NO_LIMITS } }));
    for (const value of PLANTED) {
      const body = aSubmission({ units: { 'tax-bureau': { overall: 'satisfied', comment: value } }, submissionId: undefined });
      const { result } = await call(submit, baseEvent(submit, { body }));
      expect(result.statusCode).toBe(201);
    }
    const stored = tables.items(UNIT_TABLE.responses).filter((item) => item.pk !== 'SALT').length;
    expect(stored).toBe(PLANTED.length + 2);

    // The counting function counts them from the stream first: its records, as Lambda hands them over.
    const records = tables
      .items(UNIT_TABLE.responses)
      .filter((item) => String(item.sk).startsWith('B#'))
      .map((item, i) => ({ eventName: 'INSERT', dynamodb: { NewImage: marshall(item), SequenceNumber: String(i) } }));
    const counted = await written(() => handlers.get(streamConsumers[0].entry)!({ Records: records }, lambdaContext()));
    expect(leaks(counted.output)).toEqual([]);

    // act
    const { output } = await written(() => handlers.get(jobs[0].entry)!({ source: 'aws.scheduler' }, lambdaContext()));

    // assert
    expect(leaks(output)).toEqual([]);
    const lines = jsonLines(output);
    expect(lines.find((line) => line.message === 'tally computed')).toMatchObject({ periodId: '2026-annual', ballots: stored });
    expect(lines.find((line) => line._aws !== undefined)).toMatchObject({
      operation: jobs[0].id,
      [METRIC.tallyPeriods]: 1,
      [METRIC.tallyResponsesCounted]: stored,
      [METRIC.tallyResponsesExcluded]: 0,
    });
  });

  it("no line carries a submission's address, browser, token or submission id, whatever the answer", async () => {
    // prepare: one client's ballot with a token, its retry, a reuse of the token, a forged token, and an
    // open ballot, each with the same secrets
    const submit = routes.find((r) => r.operationId === 'submitResponse')! as Route;
    freshTables();
    const address = '198.51.100.23';
    const userAgent = 'Mozilla/5.0 (Linux; Android 14; HUAWEI-P60-SN-77XK21) MicroMessenger/8.0.49';
    const token = aToken();
    const forged = aToken({ serial: 'batch1-2' }, foreignRing());
    const submissionId = '5d0c8e4f-93a1-4b7e-8c2d-61f0a9b3e7c5';
    const secrets = [address, userAgent, token, forged, submissionId, submissionHashOf(submissionId), token.split('.').at(-1)!];
    const bodies = [
      aSubmission({ token, submissionId }),
      aSubmission({ token, submissionId }),
      aSubmission({ token, submissionId: '0b7d1c1e-2f3a-4b5c-8d6e-7f8091a2b3c4' }),
      aSubmission({ token: forged, submissionId }),
      aSubmission({ submissionId }),
    ];

    // act
    const statuses: number[] = [];
    let output = '';
    for (const body of bodies) {
      const event = baseEvent(submit, { body, headers: { 'user-agent': userAgent, 'content-type': 'application/json' } });
      event.requestContext.http.sourceIp = address;
      event.requestContext.http.userAgent = userAgent;
      const answer = await call(submit, event);
      statuses.push(answer.result.statusCode);
      output += answer.output;
    }

    // assert
    expect(statuses).toEqual([201, 201, 409, 403, 201]);
    expect(output).toContain('request answered');
    for (const secret of secrets) expect(output, secret).not.toContain(secret);
    expect(output).not.toMatch(/198\.51\.100|HUAWEI/);
  });
});
