import middy from '@middy/core';
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
import { messageOfSchemaIssue } from '../domain/messages';
import type { Route } from '../routes/route';
import { authorize, type Caller, type JwtClaims } from './auth';
import { mapError } from './errors';
import { invalidJson, unsupportedMediaType } from './http-errors';
import { logger } from './logger';
import type { HttpResult } from './results';

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
  /** The signed-in staff member; undefined on public routes. */
  caller: Caller | undefined;
  requestId: string;
}

const LOCALE_ERRORS = { 'zh-CN': zhCN().localeError, en: en().localeError } as const;

/** Validates one part of the request, collecting its issues as fields named by their paths. */
function check(schema: z.ZodMiniType | undefined, value: unknown, lang: Lang, issues: FieldIssue[]): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value, { error: LOCALE_ERRORS[lang] });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    // A domain rule's message comes in both languages; zod wrote the others in the request's language.
    const text = messageOfSchemaIssue(issue.message) ?? { 'zh-CN': issue.message, en: issue.message };
    issues.push({ path: issue.path.map(String).join('.') || '(body)', message: text });
  }
  return undefined;
}

function readBody(event: HttpEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const type = event.headers?.['content-type'] ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw unsupportedMediaType();
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidJson();
  }
}

const requestLang = (event: HttpEvent): Lang => negotiateLang(event.headers?.['accept-language']);

/**
 * Wraps a route's function in the platform's middy stack: Powertools logging context, access check
 * from the route table, validation of params/query/body with messages in the request's language, and
 * the one error mapper. The route's function gets typed input and only calls the domain and maps the result.
 */
export function httpHandler<const R extends Route>(route: R, fn: (input: HttpInput<R>, ctx: HttpContext) => Promise<HttpResult>) {
  const { operationId } = route;

  return middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: (request) => {
        const lang = requestLang(request.event);
        const requestId = request.context.awsRequestId;
        const { result, serverFault } = mapError(request.error, lang, requestId);
        if (serverFault) logger.error('request failed', { operationId, status: result.statusCode, error: request.error as Error });
        else logger.info('request refused', { operationId, status: result.statusCode });
        request.response = result;
      },
    })
    .handler(async (event, context) => {
      const lang = requestLang(event);
      const caller = authorize(route.access, event.requestContext?.authorizer?.jwt?.claims as JwtClaims | undefined);
      const issues: FieldIssue[] = [];
      const params = check(route.params, event.pathParameters ?? {}, lang, issues);
      const query = check(route.query, event.queryStringParameters ?? {}, lang, issues);
      const body = check(route.body, route.body ? (readBody(event) ?? {}) : undefined, lang, issues);
      if (issues.length > 0) throw new ValidationError(issues);
      return fn({ params, query, body } as HttpInput<R>, { lang, caller, requestId: context.awsRequestId });
    });
}
