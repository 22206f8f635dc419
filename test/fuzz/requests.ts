import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import fc from 'fast-check';
import type { Route } from '../../functions/routes';
import {
  JSON_CONTENT_TYPES,
  NON_JSON_CONTENT_TYPES,
  ODD_JSON_CONTENT_TYPES,
  PROTOTYPE_KEYS,
  RawJson,
  brokenJsonText,
  corrupt,
  corruption,
  deepNesting,
  encode,
  encodeSegment,
  encoding,
  hugeValue,
  oddKey,
  oddLanguage,
  oddQuery,
  oddSegment,
  oddString,
  oddValue,
  smallOddValue,
} from './odd-inputs';
import { valuesOf } from './schema-values';

/**
 * Malformed requests for one route of the route table, generated from its own schemas: a valid-ish request
 * (schema-values.ts) of which at least one part — body, path, query or headers — is broken. The same
 * requests go to a handler in-process (`eventOf`) and, as raw bytes, over HTTP to the local stack.
 */

export interface FuzzRequest {
  /** Each path parameter as sent on the wire (percent-encoded), by name. */
  segments: Record<string, string>;
  /** The query string as sent, without `?`. */
  rawQuery: string;
  /** Headers, lower-case names. */
  headers: Record<string, string>;
  /** The body's bytes; undefined for none. */
  body: Buffer | undefined;
  /** How the event carries the body in-process: as text, base64, or text falsely flagged base64. */
  transport: 'text' | 'base64' | 'lyingBase64';
  /** What was broken, for the report. */
  tricks: string[];
}

export interface RequestOptions {
  /** Ids of things the tables hold, so that a broken request often names a real one. */
  known?: readonly string[];
}

/** The largest request body a function is given (a synchronous Lambda invocation's payload limit). */
export const LAMBDA_MAX_BODY_BYTES = 6 * 1024 * 1024 - 64 * 1024;

type Channel = 'body' | 'params' | 'query' | 'headers' | 'bodyless';

/** The route's path parameters, in order. */
export const paramNames = (route: Pick<Route, 'path'>): string[] => [...route.path.matchAll(/\{(\w+)\+?\}/g)].map(([, name]) => name!);

/** An id, or a stored ballot's reference (`o.…`, `i.…`, `r.…`, which appeals name). */
const NAMES_A_THING = /^(?:[A-Za-z0-9][A-Za-z0-9-]{0,62}|[oir]\.[A-Za-z0-9_-]{4,64})$/;

/** The id-shaped strings among stored items: what requests should often name, to get past "not found". */
export function idsIn(items: readonly unknown[]): string[] {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string' && NAMES_A_THING.test(v)) found.add(v);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  items.forEach(walk);
  return [...found];
}

// ---- bodies -------------------------------------------------------------------------------------------

type Path = (string | number)[];

/** Every place in a JSON value (the root first), with the objects among them. */
function placesIn(value: unknown, at: Path = [], out: { all: Path[]; objects: Path[] } = { all: [], objects: [] }) {
  out.all.push(at);
  if (value instanceof RawJson || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    if (value.length <= 50) value.forEach((v, i) => placesIn(v, [...at, i], out));
  } else {
    out.objects.push(at);
    const keys = Object.keys(value);
    if (keys.length <= 50) for (const k of keys) placesIn((value as Record<string, unknown>)[k], [...at, k], out);
  }
  return out;
}

/** A copy of a generated value: fast-check hands the same constant object to every run. */
const copy = (value: unknown): unknown => (value instanceof RawJson || value === undefined ? value : JSON.parse(JSON.stringify(value)));

const setOwn = (target: object, key: string | number, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'remove'; at: number }
  | { kind: 'addKey'; at: number; key: string; value: unknown }
  | { kind: 'prototypeKeys'; value: unknown }
  | { kind: 'duplicateKey'; at: number; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: oddValue }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('addKey' as const), at: fc.nat(), key: oddKey, value: oddValue }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('prototypeKeys' as const),
      value: fc.oneof(fc.constant({ polluted: true, isAdmin: true, rev: 1 }), smallOddValue),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicateKey' as const), at: fc.nat(), value: oddValue }) },
);

/** Applies mutations to a copy of `value`; `undefined` when the whole body was removed. */
function mutate(value: unknown, mutations: Mutation[]): { value: unknown; tricks: string[] } {
  let root: unknown = JSON.parse(JSON.stringify(value ?? null));
  const tricks: string[] = [];
  const parentOf = (path: Path) => path.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root);
  const name = (path: Path) => (path.length === 0 ? '(body)' : path.join('.'));
  for (const m of mutations) {
    const places = placesIn(root);
    if (m.kind === 'prototypeKeys') {
      // Every object first, then the keys: a key put in may replace an object found below it.
      const targets = places.objects.map((at) => at.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root) as object);
      for (const target of targets) for (const key of PROTOTYPE_KEYS) setOwn(target, key, copy(m.value));
      tricks.push(`${PROTOTYPE_KEYS.join('/')} at every level`);
      continue;
    }
    const pool = m.kind === 'addKey' || m.kind === 'duplicateKey' ? places.objects : places.all;
    if (pool.length === 0) {
      if (m.kind === 'addKey' || m.kind === 'duplicateKey') {
        root = { ['key' in m ? m.key : 'x']: copy(m.value) };
        tricks.push('body replaced by an object');
      }
      continue;
    }
    const at = pool[m.at % pool.length]!;
    if (m.kind === 'replace') {
      if (at.length === 0) root = copy(m.value);
      else setOwn(parentOf(at) as object, at[at.length - 1]!, copy(m.value));
      tricks.push(`${name(at)} replaced`);
    } else if (m.kind === 'remove') {
      if (at.length === 0) return { value: undefined, tricks: [...tricks, 'body removed'] };
      const parent = parentOf(at) as Record<string | number, unknown> | unknown[];
      if (Array.isArray(parent)) parent.splice(Number(at[at.length - 1]), 1);
      else delete parent[at[at.length - 1]!];
      tricks.push(`${name(at)} removed`);
    } else if (m.kind === 'addKey') {
      const target = at.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root) as object;
      setOwn(target, m.key, copy(m.value));
      tricks.push(`extra key at ${name(at)}`);
    } else {
      // The same key twice in the text: which one wins is the parser's choice.
      const target = at.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root) as Record<string, unknown>;
      const key = Object.keys(target)[0] ?? 'rev';
      const text = JSON.stringify({ ...target }).replace(/^\{/, '').replace(/\}$/, '');
      const dup = `{${text}${text ? ',' : ''}${JSON.stringify(key)}:${serialize(m.value)}}`;
      if (at.length === 0) root = new RawJson(dup);
      else setOwn(parentOf(at) as object, at[at.length - 1]!, new RawJson(dup));
      tricks.push(`duplicate key at ${name(at)}`);
    }
  }
  return { value: root, tricks };
}

/** JSON text of a value that may hold RawJson pieces. */
export function serialize(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return v;
  });
  if (text === undefined) return 'null';
  return raws.length === 0 ? text : text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_, i: string) => raws[Number(i)]!);
}

interface BodyPart {
  body: Buffer | undefined;
  contentType: string | undefined;
  transport: FuzzRequest['transport'];
  tricks: string[];
}

const jsonType = fc.constantFrom(...JSON_CONTENT_TYPES);
const transport = fc.constantFrom<FuzzRequest['transport']>('text', 'text', 'base64');

/** A valid-ish body for the route, as sent. */
function goodBody(valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  return fc.record({ value: valid, contentType: jsonType, transport }).map(({ value, contentType, transport }) => ({
    body: Buffer.from(serialize(value), 'utf8'),
    contentType,
    transport,
    tricks: [],
  }));
}

/** A broken body for the route: its value mutated, not JSON, in a wrong encoding or type, missing, or huge. */
function badBody(valid: fc.Arbitrary<unknown>, maxShape: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  const text = (body: string, contentType: string, tricks: string[], how: FuzzRequest['transport'] = 'text'): BodyPart => ({
    body: Buffer.from(body, 'utf8'),
    contentType,
    transport: how,
    tricks,
  });
  return fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .record({ value: valid, mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }), contentType: jsonType, transport })
        .map(({ value, mutations, contentType, transport }) => {
          const mutated = mutate(value, mutations);
          return mutated.value === undefined
            ? { body: undefined, contentType, transport, tricks: mutated.tricks }
            : text(serialize(mutated.value), contentType, mutated.tricks, transport);
        }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ value: oddValue, contentType: jsonType }).map(({ value, contentType }) =>
        text(serialize(value), contentType, ['body of another type']),
      ),
    },
    { weight: 2, arbitrary: brokenJsonText.map((body) => text(body, 'application/json', ['not JSON'])) },
    {
      weight: 2,
      arbitrary: fc.record({ value: valid, how: corruption }).map(({ value, how }) => text(corrupt(serialize(value), how), 'application/json', ['corrupted JSON'])),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ value: valid, how: encoding, contentType: fc.constantFrom(...JSON_CONTENT_TYPES, ...ODD_JSON_CONTENT_TYPES) })
        .map(({ value, how, contentType }) => ({
          body: encode(serialize(value), how),
          contentType,
          transport: 'base64' as const,
          tricks: [`encoded as ${how[0]}`],
        })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ value: valid, contentType: fc.option(fc.constantFrom(...NON_JSON_CONTENT_TYPES, ...ODD_JSON_CONTENT_TYPES), { nil: undefined }) })
        .map(({ value, contentType }) => text(serialize(value), contentType as string, [`content type ${JSON.stringify(contentType)}`])),
    },
    { weight: 1, arbitrary: valid.map((value) => text(serialize(value), 'application/json', ['falsely flagged base64'], 'lyingBase64')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<BodyPart>(
        { body: undefined, contentType: 'application/json', transport: 'text', tricks: ['no body'] },
        { body: Buffer.alloc(0), contentType: 'application/json', transport: 'text', tricks: ['empty body'] },
        { body: Buffer.from('   \n\t  '), contentType: 'application/json', transport: 'text', tricks: ['blank body'] },
        { body: Buffer.from('null'), contentType: 'application/json', transport: 'text', tricks: ['null body'] },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.record({ value: valid, huge: hugeValue, key: oddKey }).map(({ value, huge, key }) => {
          const target = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
          setOwn(target, key, huge);
          return text(serialize(target), 'application/json', ['huge field']);
        }),
        deepNesting.map((raw) => text(raw.text, 'application/json', ['deep nesting'])),
        fc.record({ value: valid, pad: fc.integer({ min: 100_000, max: 2_500_000 }) }).map(({ value, pad }) =>
          text(`${' '.repeat(pad)}${serialize(value)}${'\n'.repeat(pad)}`, 'application/json', ['megabytes of whitespace']),
        ),
        fc.record({ value: maxShape, m: mutation }).map(({ value, m }) => {
          const mutated = mutate(value, [m]);
          return text(serialize(mutated.value ?? null), 'application/json', ['every list and text at its maximum', ...mutated.tricks]);
        }),
      ),
    },
  );
}

// ---- form bodies (routes with bodyType 'form': Open311) ---------------------------------------------------

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A value's top-level fields form-encoded: strings as they are, anything else as its JSON text; a non-object as one nameless field. */
function formText(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return new URLSearchParams([['', serialize(value)]]).toString();
  return new URLSearchParams(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : serialize(v)])).toString();
}

const formPart = (text: string, contentType: string | undefined, tricks: string[], how: FuzzRequest['transport'] = 'text'): BodyPart => ({
  body: Buffer.from(text, 'utf8'),
  contentType,
  transport: how,
  tricks,
});

/** A valid-ish form body. */
function goodForm(valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  return fc.record({ value: valid, transport }).map(({ value, transport }) => formPart(formText(value), FORM_TYPE, [], transport));
}

/** A broken form body: its fields mutated, a name repeated, JSON or another type sent, odd text, or none. */
function badForm(valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  return fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({ value: valid, mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }), transport }).map(({ value, mutations, transport }) => {
        const mutated = mutate(value, mutations);
        return mutated.value === undefined
          ? { body: undefined, contentType: FORM_TYPE, transport, tricks: mutated.tricks }
          : formPart(formText(mutated.value), FORM_TYPE, mutated.tricks, transport);
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ value: valid, extra: oddString }).map(({ value, extra }) => {
        const text = formText(value);
        const first = decodeURIComponent(text.split('&')[0]?.split('=')[0]?.replaceAll('+', ' ') ?? 'x');
        return formPart(`${text}&${new URLSearchParams([[first, extra]]).toString()}`, FORM_TYPE, ['a field named twice']);
      }),
    },
    { weight: 2, arbitrary: oddString.map((text) => formPart(text, FORM_TYPE, ['odd form text'])) },
    { weight: 2, arbitrary: valid.map((value) => formPart(serialize(value), 'application/json', ['JSON on a form route'])) },
    {
      weight: 1,
      arbitrary: fc
        .record({ value: valid, contentType: fc.option(fc.constantFrom(...NON_JSON_CONTENT_TYPES), { nil: undefined }) })
        .map(({ value, contentType }) => formPart(formText(value), contentType, [`content type ${JSON.stringify(contentType)}`])),
    },
    { weight: 1, arbitrary: valid.map((value) => formPart(formText(value), FORM_TYPE, ['falsely flagged base64'], 'lyingBase64')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<BodyPart>(
        { body: undefined, contentType: FORM_TYPE, transport: 'text', tricks: ['no body'] },
        { body: Buffer.alloc(0), contentType: FORM_TYPE, transport: 'text', tricks: ['empty body'] },
      ),
    },
  );
}

// ---- whole requests ------------------------------------------------------------------------------------

/** Malformed requests for `route`: at least one of its parts is broken, the others are valid-ish. */
export function malformedRequests(route: Route, options: RequestOptions = {}): fc.Arbitrary<FuzzRequest> {
  const known = options.known ?? [];
  const names = paramNames(route);
  const channels: Channel[] = [...(route.body ? (['body'] as const) : (['bodyless'] as const)), 'query', 'headers'];
  if (names.length > 0) channels.push('params');

  const validParams = route.params
    ? (valuesOf(route.params, { known }) as fc.Arbitrary<Record<string, unknown>>)
    : fc.constant<Record<string, unknown>>({});
  const goodSegments = validParams.map((p) => Object.fromEntries(names.map((n) => [n, encodeSegment(String(p[n] ?? n))])));
  const badSegments = fc
    .tuple(goodSegments, fc.subarray(names, { minLength: Math.min(1, names.length) }), fc.array(oddSegment, { minLength: names.length, maxLength: names.length }))
    .map(([good, broken, odd]) => ({
      segments: { ...good, ...Object.fromEntries(broken.map((n) => [n, odd[names.indexOf(n)]!])) },
      tricks: broken.map((n) => `path {${n}}`),
    }));

  const validQuery = (route.query ? valuesOf(route.query, { known }) : fc.constant({})) as fc.Arbitrary<Record<string, unknown>>;
  const queryText = (q: Record<string, unknown>) =>
    Object.entries(q)
      .map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(String(v))}`)
      .join('&');
  const goodQuery = validQuery.map(queryText);
  // A query the route declares gets its own parameters' values broken too; any route gets odd ones.
  const badQuery = route.query
    ? fc.oneof(oddQuery, fc.record({ q: validQuery, odd: oddString }).map(({ q, odd }) => queryText(Object.fromEntries(Object.keys(q).map((k) => [k, odd])))))
    : oddQuery;

  const validBody = route.body ? valuesOf(route.body, { known }) : fc.constant(undefined);
  const maxBody = route.body ? valuesOf(route.body, { known, size: 'max' }) : fc.constant(undefined);
  const noBody = fc.constant<BodyPart>({ body: undefined, contentType: undefined, transport: 'text', tricks: [] });

  return fc
    .subarray(channels, { minLength: 1 })
    .chain((broken) => {
      const is = (c: Channel) => broken.includes(c);
      return fc.record({
        path: is('params') ? badSegments : goodSegments.map((segments) => ({ segments, tricks: [] as string[] })),
        query: is('query') ? badQuery.map((q) => ({ q, tricks: ['odd query'] })) : goodQuery.map((q) => ({ q, tricks: [] as string[] })),
        language: is('headers') ? oddLanguage : fc.constantFrom(undefined, 'en', 'zh-CN'),
        extraHeader: is('headers') ? fc.constantFrom('content-encoding', 'transfer-encoding', 'x-http-method-override', 'origin') : fc.constant(undefined),
        body: route.body
          ? is('body')
            ? route.bodyType === 'form'
              ? badForm(validBody)
              : badBody(validBody, maxBody)
            : route.bodyType === 'form'
              ? goodForm(validBody)
              : goodBody(validBody)
          : is('bodyless')
            ? badBody(fc.jsonValue({ maxDepth: 2 }), fc.constant({})).map((b) => ({ ...b, tricks: ['body on a route without one', ...b.tricks] }))
            : noBody,
      });
    })
    // Lambda takes at most 6 MB; the HTTP part sends larger bodies on purpose (413).
    .filter(({ body }) => (body.body?.length ?? 0) <= LAMBDA_MAX_BODY_BYTES)
    .map(({ path, query, language, extraHeader, body }) => {
      const headers: Record<string, string> = {};
      if (body.contentType !== undefined && body.body !== undefined) headers['content-type'] = body.contentType;
      if (language !== undefined) headers['accept-language'] = language;
      if (extraHeader) headers[extraHeader] = { 'content-encoding': 'gzip', 'transfer-encoding': 'chunked', 'x-http-method-override': 'DELETE', origin: 'null' }[extraHeader]!;
      const tricks = [...path.tricks, ...query.tricks, ...body.tricks];
      if (language !== undefined && !['en', 'zh-CN'].includes(language)) tricks.push('odd accept-language');
      if (extraHeader) tricks.push(`odd ${extraHeader}`);
      const request: FuzzRequest = { segments: path.segments, rawQuery: query.q, headers, body: body.body, transport: body.transport, tricks };
      return withSummary(request);
    });
}

/** Lets fast-check print a failing request briefly, whatever the size of its body. */
function withSummary(request: FuzzRequest): FuzzRequest {
  Object.defineProperty(request, fc.toStringMethod, { value: () => describeRequest(request), enumerable: false });
  return request;
}

const clip = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text);

/** A short description of a request: what was broken, its parts, the start of its body. */
export function describeRequest(r: FuzzRequest): string {
  return JSON.stringify({
    tricks: r.tricks,
    segments: Object.fromEntries(Object.entries(r.segments).map(([k, v]) => [k, clip(v, 80)])),
    query: clip(r.rawQuery, 120),
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, clip(v, 80)])),
    transport: r.transport,
    body: r.body === undefined ? undefined : clip(r.body.toString('utf8')),
  });
}

// ---- in-process events -----------------------------------------------------------------------------------

const decodeOr = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The path as sent, with each parameter's segment in place. */
export const pathOf = (route: Pick<Route, 'path'>, segments: Record<string, string>): string =>
  route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => segments[name] ?? name);

/** The API Gateway (HTTP API, payload 2.0) event of a request, as the gateway hands it to the route's function. */
export function eventOf(route: Route, r: FuzzRequest, claims?: Record<string, string>): APIGatewayProxyEventV2WithJWTAuthorizer {
  const rawPath = pathOf(route, r.segments);
  const pathParameters = Object.fromEntries(Object.entries(r.segments).map(([k, v]) => [k, decodeOr(v)]));
  const query = new URLSearchParams(r.rawQuery);
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(',');
  const body =
    r.body === undefined || r.body.length === 0
      ? {}
      : r.transport === 'base64'
        ? { body: r.body.toString('base64'), isBase64Encoded: true }
        : { body: r.body.toString('utf8'), isBase64Encoded: r.transport === 'lyingBase64' };
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: decodeOr(rawPath),
    rawQueryString: r.rawQuery,
    headers: { ...r.headers },
    ...(r.rawQuery ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    isBase64Encoded: false,
    ...body,
    requestContext: {
      accountId: '000000000000',
      apiId: 'fuzz',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'fuzz' },
      requestId: 'fuzz',
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: '15/Jun/2026:10:00:00 +0000',
      timeEpoch: 1_781_488_800_000,
      ...(claims ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: null } } } : {}),
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}
