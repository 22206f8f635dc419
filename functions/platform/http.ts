import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { ValidationError, type FieldIssue } from '../domain/errors';
import { negotiateLang, type Lang } from '../domain/lang';
import { COMMON_MESSAGES, messageOfSchemaIssue } from '../domain/messages';
import type { Route } from '../routes/route';
import { authorize, type Caller, type JwtClaims } from './auth';
import { mapError } from './errors';
import { invalidJson, unsupportedMediaType } from './http-errors';
import { logger } from './logger';
import { METRIC } from './metric-names';
import { count, invocationMetrics, milliseconds } from './metrics';
import type { HttpResult } from './results';
import { TIME_BUDGET } from './time-budget';
import { traceInvocation } from './tracer';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

type Parsed<R, Key extends string> = R extends { [P in Key]: infer S extends z.ZodMiniType } ? z.output<S> : undefined;

/** A route's validated input: its path params, query and body, typed from the route table's schemas. */
export interface HttpInput<R extends Route> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
}

export interface HttpContext {
  lang: Lang;
  /** The signed-in staff member (or machine client); undefined on public routes. */
  caller: Caller | undefined;
  requestId: string;
  /** Where the request came from: for an open ballot's client key only, never logged or stored. */
  client: { address: string; userAgent: string };
}

/**
 * The viewer's address. Behind the API's CloudFront distribution the connection comes from CloudFront, so
 * the deployment names the header CloudFront sets to the viewer's address (CLIENT_ADDRESS_HEADER), which a
 * viewer cannot forge: CloudFront overwrites it, and the public routes answer only requests that came
 * through CloudFront.
 */
function clientOf(event: HttpEvent): HttpContext['client'] {
  const header = process.env.CLIENT_ADDRESS_HEADER;
  const forwarded = header ? event.headers?.[header.toLowerCase()] : undefined;
  // CloudFront-Viewer-Address is `address:port` (IPv6 addresses have colons of their own).
  const viewer = forwarded?.trim().replace(/:\d+$/, '');
  const address = viewer || event.requestContext?.http?.sourceIp || '';
  return { address, userAgent: event.headers?.['user-agent'] ?? event.requestContext?.http?.userAgent ?? '' };
}

const LOCALE_ERRORS = { 'zh-CN': zhCN().localeError, en: en().localeError } as const;

/** Validates one part of the request, collecting its issues as fields named by their paths. */
function check(schema: z.ZodMiniType | undefined, value: unknown, lang: Lang, issues: FieldIssue[]): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value, { error: LOCALE_ERRORS[lang] });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    // zod's message lists the unknown keys of a record as they were sent: name each by its path instead.
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: [...issue.path, key].map(String).join('.'), message: COMMON_MESSAGES.unknownKey });
      continue;
    }
    // A domain rule's message comes in both languages; zod wrote the others in the request's language.
    const text = messageOfSchemaIssue(issue.message) ?? { 'zh-CN': issue.message, en: issue.message };
    issues.push({ path: issue.path.map(String).join('.') || '(body)', message: text });
  }
  return undefined;
}

/** A form body's fields: each a string, or a list of them when a name repeats (which a string field then refuses). */
function formFields(text: string): Record<string, string | string[]> {
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = fields.get(name);
    fields.set(name, seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]);
  }
  // fromEntries defines own properties: a field named `__proto__` stays a field.
  return Object.fromEntries(fields);
}

function readBody(event: HttpEvent, bodyType: Route['bodyType'] = 'json'): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const type = event.headers?.['content-type'] ?? '';
  const form = bodyType === 'form';
  if (!(form ? /^application\/x-www-form-urlencoded\b/i : /^application\/(.+\+)?json\b/i).test(type)) throw unsupportedMediaType();
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (form) return formFields(text);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidJson();
  }
}

const requestLang = (event: HttpEvent): Lang => negotiateLang(event.headers?.['accept-language']);

/** The error code of an error answer (the `code` of its JSON body). */
function answerCode(response: APIGatewayProxyStructuredResultV2 | null | undefined): string | undefined {
  if (!response || (response.statusCode ?? 500) < 400 || typeof response.body !== 'string') return undefined;
  try {
    const { code } = JSON.parse(response.body) as { code?: unknown };
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the log keeps of a server fault: its kind, message and place. Not every attribute an error carries:
 * an SDK error can hold the stored item of a failed condition, which is a citizen's response.
 */
function faultOf(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: typeof error };
  const e = error as Error & { code?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return {
    name: e.name,
    message: e.message,
    stack: e.stack,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.$fault === 'string' ? { fault: e.$fault } : {}),
    ...(typeof e.$metadata?.httpStatusCode === 'number' ? { httpStatusCode: e.$metadata.httpStatusCode } : {}),
  };
}

/**
 * One log line and one set of metrics per request, answered or refused: the operation, the status and
 * the error code, the latency, API Gateway's request id (the access log's) and, on staff routes, the
 * subject of the verified token — who read or changed what. Never a value the request carried.
 */
function observeRequest(route: Route): MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context> {
  const started = new WeakMap<object, number>();
  const done = (request: middy.Request<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context>) => {
    const status = request.response?.statusCode ?? 500;
    const latencyMs = Math.round(performance.now() - (started.get(request) ?? performance.now()));
    const statusClass = Math.floor(status / 100);
    count(METRIC.requests);
    count(METRIC.status2xx, statusClass === 2 ? 1 : 0);
    count(METRIC.status4xx, statusClass === 4 ? 1 : 0);
    count(METRIC.status5xx, statusClass === 5 ? 1 : 0);
    count(METRIC.dependencyFaults, status === 503 ? 1 : 0);
    milliseconds(METRIC.latency, latencyMs);
    const fields = request.error instanceof ValidationError ? request.error.fields.length : undefined;
    if (fields !== undefined) count(METRIC.validationRefusals);
    const code = answerCode(request.response);
    logger.info('request answered', { status, latencyMs, ...(code ? { code } : {}), ...(fields !== undefined ? { fields } : {}) });
  };
  return {
    before: (request) => {
      started.set(request, performance.now());
      const sub = request.event.requestContext?.authorizer?.jwt?.claims?.sub;
      logger.appendKeys({
        operationId: route.operationId,
        apiRequestId: request.event.requestContext?.requestId,
        // Verified by the JWT authorizer before the function runs; public routes have none.
        ...(route.access !== 'public' && typeof sub === 'string' ? { sub } : {}),
      });
    },
    after: done,
    onError: done,
  };
}

/**
 * Wraps a route's function in the platform's middy stack: X-Ray tracing, Powertools logging context,
 * metrics and one log line per request, access check from the route table, validation of
 * params/query/body with messages in the request's language, and the one error mapper. The route's
 * function gets typed input and only calls the domain and maps the result.
 */
export function httpHandler<const R extends Route>(route: R, fn: (input: HttpInput<R>, ctx: HttpContext) => Promise<HttpResult>) {
  const { operationId } = route;

  // Middy answers (through the error mapper: a TimeoutError is a dependency fault, 503 with Retry-After)
  // this long before the function would be killed, whatever the handler is still waiting for.
  return middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context>({ timeoutEarlyInMillis: TIME_BUDGET.answerMarginMs })
    .use(traceInvocation(operationId))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    // After-and-error steps run in reverse order: the error is mapped, then counted and logged, then written.
    .use(invocationMetrics(operationId))
    .use(observeRequest(route))
    .use({
      onError: (request) => {
        const lang = requestLang(request.event);
        const requestId = request.context.awsRequestId;
        const { result, serverFault } = mapError(request.error, lang, requestId);
        if (serverFault) logger.error('request failed', { status: result.statusCode, code: answerCode(result), error: faultOf(request.error) });
        request.response = result;
      },
    })
    .handler(async (event, context) => {
      const lang = requestLang(event);
      const caller = authorize(route.access, event.requestContext?.authorizer?.jwt?.claims as JwtClaims | undefined);
      const issues: FieldIssue[] = [];
      const params = check(route.params, event.pathParameters ?? {}, lang, issues);
      const query = check(route.query, event.queryStringParameters ?? {}, lang, issues);
      const body = check(route.body, route.body ? (readBody(event, route.bodyType) ?? {}) : undefined, lang, issues);
      if (issues.length > 0) throw new ValidationError(issues);
      return fn({ params, query, body } as HttpInput<R>, { lang, caller, requestId: context.awsRequestId, client: clientOf(event) });
    });
}
