import type * as z from 'zod/mini';
import type { Route } from '../../../functions/routes/route';
import { ERROR, type ErrorCode } from '../../../functions/platform/error-codes';
import type { WebConfig } from './config';
import { lang } from './i18n';
import { noteAuthProblem, session } from './session';

/**
 * The one API client of the pages, typed from the route table: `call(route, { params, query, body })`
 * sends the route's method to its path, with the staff token on staff routes and the page's language,
 * and returns the route's success body typed from its schema. Every failure is an ApiError (the API's
 * error body, whose `code` is one of ERROR) or a NetworkError; a 401 or 403 also tells the staff shell,
 * which sends the user back to sign-in or says what they may not do.
 */

type Schema<R, K extends string> = R extends { [P in K]: infer S extends z.ZodMiniType } ? S : undefined;
type InputOf<R, K extends string> = Schema<R, K> extends z.ZodMiniType ? z.input<Schema<R, K>> : undefined;

/** What a route answers on success. */
export type Success<R extends Route> = R['responses'][0] extends { schema: infer S extends z.ZodMiniType } ? z.output<S> : unknown;

/** What a call to a route takes: the route's params, query and body, each only where the route has one. */
export type CallOptions<R extends Route> = {
  [K in 'params' | 'query' | 'body' as Schema<R, K> extends undefined ? never : K]: InputOf<R, K>;
};

/** The API answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** One of ERROR, or `HTTP_<status>` when the answer was not the API's (a gateway or CDN page). */
    readonly code: ErrorCode | `HTTP_${number}`,
    message: string,
    /** CONFLICT's reason (CONFLICT of domain/errors.ts), PERIOD_CLOSED's state, ADMISSION_REFUSED's reason (ADMISSION_REFUSALS). */
    readonly reason: string | undefined,
    readonly fields: { path: string; message: string }[] = [],
    /** Seconds to wait before retrying, from a 503's Retry-After. */
    readonly retryAfterSeconds?: number,
    /** For a 409 CONFLICT `tokenUsed`: when the link's token was used (an instant, ISO 8601). */
    readonly usedAt?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Whether a call failed with a 409 CONFLICT of this reason (CONFLICT of domain/errors.ts). */
export const isConflict = (err: unknown, reason: string): boolean =>
  err instanceof ApiError && err.code === ERROR.conflict && err.reason === reason;

/** The request never got an answer (offline, DNS, connection reset). It may or may not have arrived. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network error', { cause });
    this.name = 'NetworkError';
  }
}

let configPromise: Promise<unknown> | undefined;

/**
 * The deployment's `config.json` next to the pages, fetched once per page. The API client reads only its
 * `apiBase`; staff pages check the whole of it (sign-in included) with ZWebConfig through loadStaffConfig.
 */
export function loadConfig(): Promise<unknown> {
  configPromise ??= (async () => {
    const res = await fetch(new URL('config.json', location.href), { cache: 'no-store' });
    if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
    return (await res.json()) as unknown;
  })();
  return configPromise;
}

async function apiBase(): Promise<string> {
  const config = (await loadConfig()) as Partial<WebConfig> | null;
  if (typeof config?.apiBase !== 'string') throw new Error('config.json has no apiBase');
  return config.apiBase;
}

/** The path of a route with its `{param}`s filled in. */
export function apiPath(route: Pick<Route, 'path' | 'operationId'>, params: Record<string, string | number> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.operationId}: missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

async function send<R extends Route>(route: R, opts: Partial<Record<'params' | 'query' | 'body', unknown>>): Promise<Response> {
  const base = await apiBase();
  const headers: Record<string, string> = { 'Accept-Language': lang.value };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (route.access !== 'public' && session.value.token) headers.Authorization = `Bearer ${session.value.token}`;
  const query = opts.query ? `?${new URLSearchParams(opts.query as Record<string, string>).toString()}` : '';
  let res: Response;
  try {
    res = await fetch(base.replace(/\/+$/, '') + apiPath(route, opts.params as Record<string, string>) + query, {
      method: route.method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      cache: 'no-store',
    });
  } catch (err) {
    throw new NetworkError(err);
  }
  if (res.ok) return res;
  const error = await toApiError(res);
  if (route.access !== 'public' && (error.status === 401 || error.status === 403)) noteAuthProblem(error.status);
  throw error;
}

/** Calls a route and returns its JSON answer. Throws ApiError or NetworkError. */
export async function call<R extends Route>(route: R, opts: CallOptions<R>): Promise<Success<R>> {
  const res = await send(route, opts as Record<string, unknown>);
  // A 204 (a deletion) has no body to read.
  return (res.status === 204 ? undefined : await res.json()) as Success<R>;
}

/** Calls a route that answers with a file; returns it with the file name the server chose. */
export async function download<R extends Route>(route: R, opts: CallOptions<R>, fallbackName: string): Promise<{ blob: Blob; filename: string }> {
  const res = await send(route, opts as Record<string, unknown>);
  return { blob: await res.blob(), filename: filenameOf(res.headers.get('Content-Disposition')) ?? fallbackName };
}

/** The file name of a Content-Disposition header (RFC 6266: `filename*` wins over `filename`). */
export function filenameOf(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended?.[2]) {
    try {
      return decodeURIComponent(extended[2].trim());
    } catch {
      // A malformed percent-encoding: fall through to the plain filename.
    }
  }
  const plain = /filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]+)/i.exec(header);
  if (!plain?.[1]) return undefined;
  const value = plain[1].trim();
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

const ERROR_CODES = new Set<string>(Object.values(ERROR));

async function toApiError(res: Response): Promise<ApiError> {
  const retryAfter = retryAfterSeconds(res.headers.get('Retry-After'));
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const { code, message, reason, fields, usedAt } = (body ?? {}) as { code?: unknown; message?: unknown; reason?: unknown; fields?: unknown; usedAt?: unknown };
  if (typeof code === 'string' && ERROR_CODES.has(code) && typeof message === 'string') {
    const fieldErrors = Array.isArray(fields)
      ? fields.flatMap((f: unknown) => {
          const { path, message: m } = (f ?? {}) as { path?: unknown; message?: unknown };
          return typeof path === 'string' && typeof m === 'string' ? [{ path, message: m }] : [];
        })
      : [];
    const used = typeof usedAt === 'string' && !Number.isNaN(Date.parse(usedAt)) ? usedAt : undefined;
    return new ApiError(res.status, code as ErrorCode, message, typeof reason === 'string' ? reason : undefined, fieldErrors, retryAfter, used);
  }
  // Not our JSON (a gateway or CDN page): the status alone must do.
  return new ApiError(res.status, `HTTP_${res.status}`, res.statusText, undefined, [], retryAfter);
}
