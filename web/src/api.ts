import type * as z from 'zod';
import { route, type OperationId } from '../../functions/routes';
import { ZWebConfig, type WebConfig } from './config';
import { currentLang } from './i18n';

/** One failing field of a 400 answer, named by its path in the request body (`rating`, `comment`). */
export interface FieldError {
  path: string;
  message: string;
}

/** The API answered with an error status. `code` is the API's (`VALIDATION_FAILED`, `PERIOD_CLOSED`...). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    /** Seconds to wait before retrying, from a 503's Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never got an answer (offline, DNS, connection reset). It may or may not have arrived. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network error', { cause });
    this.name = 'NetworkError';
  }
}

let configPromise: Promise<WebConfig> | undefined;

/** The deployment's settings from `config.json` next to the pages, fetched once per page. */
export function loadConfig(): Promise<WebConfig> {
  configPromise ??= (async () => {
    const res = await fetch(new URL('config.json', location.href), { cache: 'no-store' });
    if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
    return ZWebConfig.parse(await res.json());
  })();
  return configPromise;
}

/** The path of an operation of functions/routes.ts with its `{param}`s filled in. */
export function apiPath(operationId: OperationId, params: Record<string, string> = {}): string {
  return route(operationId).path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${operationId}: missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

export interface CallOptions {
  params?: Record<string, string>;
  body?: unknown;
  /** A bearer token for staff routes. */
  token?: string;
}

async function call(operationId: OperationId, opts: CallOptions): Promise<Response> {
  const { apiBase } = await loadConfig();
  const { method } = route(operationId);
  const headers: Record<string, string> = { 'Accept-Language': currentLang() };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(apiBase.replace(/\/+$/, '') + apiPath(operationId, opts.params), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      cache: 'no-store',
    });
  } catch (err) {
    throw new NetworkError(err);
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

/** Calls an operation and checks its JSON answer against `schema`. Throws ApiError or NetworkError. */
export async function callJson<S extends z.ZodType>(
  operationId: OperationId,
  schema: S,
  opts: CallOptions = {},
): Promise<z.infer<S>> {
  const res = await call(operationId, opts);
  return schema.parse(await res.json());
}

/** Calls an operation that answers with a file; returns it with the file name the server chose. */
export async function callDownload(
  operationId: OperationId,
  fallbackName: string,
  opts: CallOptions = {},
): Promise<{ blob: Blob; filename: string }> {
  const res = await call(operationId, opts);
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

async function toApiError(res: Response): Promise<ApiError> {
  const retryAfter = retryAfterSeconds(res.headers.get('Retry-After'));
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (body && typeof body === 'object') {
    const { code, message, fields } = body as { code?: unknown; message?: unknown; fields?: unknown };
    const fieldErrors = Array.isArray(fields)
      ? fields.flatMap((f: unknown) => {
          const { path, message: m } = (f ?? {}) as { path?: unknown; message?: unknown };
          return typeof path === 'string' && typeof m === 'string' ? [{ path, message: m }] : [];
        })
      : [];
    if (typeof code === 'string' && typeof message === 'string') {
      return new ApiError(res.status, code, message, fieldErrors, retryAfter);
    }
  }
  // Not our JSON (a gateway or CDN page): the status alone must do.
  return new ApiError(res.status, `HTTP_${res.status}`, res.statusText, [], retryAfter);
}
