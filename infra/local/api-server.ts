import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { machineScope } from '../../functions/platform/auth';
import { LOCAL_EXPORT_PATH, openLocalExport } from '../../functions/store/exports/export-store';
import { LOCAL_ATTACHMENT_PATH, LOCAL_UPLOAD_PATH, acceptLocalUpload, openLocalAttachment } from '../../functions/store/attachments/attachment-store';
import { BUCKETS } from '../../functions/store/buckets';
import { PUBLIC_URL_PREFIX } from '../../functions/domain/disclosure/public-paths';
import { readLocalPublicFile } from '../../functions/store/disclosure/public-files';
import { functionSeconds } from '../../functions/platform/time-budget';
import { isStaffAccess, routes as allRoutes, type Route } from '../../functions/routes';
import type { WebConfig } from '../../web/src/app/config';
import { contentSecurityPolicy } from '../../web/security-headers';
import { VIEWER_ADDRESS_HEADER } from '../constructs/edge-headers';
import { InvocationTimeoutError, invoke, loadHandler, type LambdaHandler } from './lambda';
import { LOCAL_OUTBOX_PATH, renderOutboxPage } from './outbox-page';
import type { Notification } from '../../functions/domain/notifications/notification';

/**
 * The local API Gateway: an HTTP API (payload format 2.0) in front of the functions of functions/routes.ts,
 * with its JWT authorizer on every non-public route, plus the web pages and their /config.json on the same
 * origin. Requests are matched, authorized and turned into events the way API Gateway does it, so the
 * handlers run exactly the code they run on AWS.
 */

/** A route of the route table with its loaded handler. */
export interface ApiRoute {
  route: Route;
  handler: LambdaHandler;
}

export interface ApiServerOptions {
  routes: readonly ApiRoute[];
  /** Verifies a bearer token; throws when it is not acceptable (see jwt.ts). */
  verifyToken(token: string): Promise<JWTPayload>;
  /** Built web pages served for GET/HEAD paths that are not API routes; none when absent. */
  webDir?: string;
  /** Served as /config.json; defaults to the local one. */
  webConfig?: WebConfig;
  /** Larger request bodies get 413. */
  maxBodyBytes?: number;
  /**
   * A function's timeout, past which it is stopped and the caller gets 503 as from API Gateway; by default
   * each route's own (functions/platform/time-budget.ts).
   */
  timeoutMs?: number;
  /** Receives one access-log line per request (method, route, status, ms); silent when absent. */
  log?: (line: string) => void;
  /**
   * The folder of the exports bucket's local stand-in (infra/local/buckets.ts): its files are served at
   * `/local-exports/<name>` until their link expires, as S3 serves a presigned link. None when absent.
   */
  exportsDir?: string;
  /**
   * The folder of the attachments bucket's local stand-in: uploads are taken at `PUT /local-uploads/<key>?token=…`
   * on the terms of their upload URL, and files served at `/local-attachments/<token>` until their link expires,
   * as S3 does with presigned URLs. By default the folder the functions of this process are bound to
   * (`ATTACHMENTS_BUCKET=file:<folder>`, infra/local/buckets.ts); none when they are not.
   */
  attachmentsDir?: string;
  /**
   * The messages of the notification outbox, newest first, for the local outbox page at `/local/outbox`
   * (outbox-page.ts): what SES would have sent on AWS. No page when absent.
   */
  outbox?: () => Promise<Notification[]>;
  /**
   * The folder of the publications' local stand-in (`.local/public/`, infra/local/buckets.ts): its JSON files are
   * served at `/public/<path>` with the Cache-Control the site gives them on AWS (the disclosure page reads them).
   * None when absent.
   */
  publicDir?: string;
}

/** What the pages learn at run time under `npm start`: the API is on their own origin, sign-in is local. */
export const LOCAL_WEB_CONFIG: WebConfig = { apiBase: '', auth: { kind: 'local' } };

// The pages and the API share this origin locally, and sign-in is local: the pages need no other origin.
const PAGES_CSP = contentSecurityPolicy({});

// Lambda takes at most 6 MB in a synchronous invocation, and HTTP APIs pass bodies on to it.
const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Imports the handler of every route (process.env must already hold the functions' configuration). */
export async function loadRouteHandlers(routes: readonly Route[] = allRoutes): Promise<ApiRoute[]> {
  return Promise.all(routes.map(async (route) => ({ route, handler: await loadHandler(route.entry) })));
}

interface CompiledRoute extends ApiRoute {
  pattern: RegExp;
  paramNames: string[];
  /** API Gateway prefers the route with more literal segments, and a greedy `{proxy+}` last. */
  rank: number;
}

function compile(api: ApiRoute): CompiledRoute {
  const paramNames: string[] = [];
  let literals = 0;
  let greedy = false;
  const source = api.route.path
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z0-9_.-]+)(\+)?\}$/.exec(segment);
      if (!param) {
        if (segment) literals += 1;
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      paramNames.push(param[1]!);
      greedy ||= param[2] === '+';
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...api, pattern: new RegExp(`^${source}$`), paramNames, rank: (greedy ? 0 : 1000) + literals };
}

/** The `[a b]` form API Gateway's JWT authorizer gives an array claim (and text for every other value). */
export function stringifyClaim(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stringifyClaim).join(' ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `map[${entries.map(([k, v]) => `${k}:${stringifyClaim(v)}`).join(' ')}]`;
  }
  return String(value);
}

const TEXT_BODY = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded)\b)/i;

/** API Gateway's `time` format: `12/Mar/2020:19:03:58 +0000`. */
function gatewayTime(date: Date): string {
  const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/.exec(date.toUTCString()) ?? [];
  return `${day}/${month}/${year}:${time} +0000`;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * An HTTP server for the local stack. Per request it does what API Gateway and CloudFront do in front of
 * Pingyi on AWS: the viewer's address in `x-viewer-address` (over whatever the client sent), route matching (404 for an unknown path, 405 for a known path with another method), the
 * JWT authorizer on non-public routes (401 `{"message":"Unauthorized"}` without calling the function; on a
 * machine route, 403 `{"message":"Forbidden"}` for a valid token without the route's scope), the 2.0 event,
 * the handler's result back to HTTP, and static pages for every other GET. It never logs bodies or client
 * addresses.
 */
export function createApiServer(options: ApiServerOptions): Server {
  const compiled = options.routes.map(compile).sort((a, b) => b.rank - a.rank);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const webConfig = options.webConfig ?? LOCAL_WEB_CONFIG;
  const webRoot = options.webDir ? resolve(options.webDir) : undefined;
  const attachmentsBinding = process.env[BUCKETS.attachments.envVar];
  const attachmentsDir = options.attachmentsDir ?? (attachmentsBinding?.startsWith('file:') ? attachmentsBinding.slice('file:'.length) : undefined);

  const server = createServer((req, res) => {
    const started = performance.now();
    let label = '(no route)';
    handle(req, res, (l) => (label = l))
      .catch((error: unknown) => {
        req.resume();
        if (error instanceof HttpFailure) return sendJson(res, error.status, { message: error.message }, error.headers);
        console.error(`local api: ${req.method} ${label} failed: ${(error as Error).stack ?? String(error)}`);
        return sendJson(res, 500, { message: 'Internal Server Error' });
      })
      .finally(() => {
        options.log?.(`${req.method} ${label} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
      });
  });
  server.on('clientError', answerClientError);
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse, setLabel: (label: string) => void): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    if (!url.startsWith('/')) throw new HttpFailure(400, 'Bad Request');
    const queryAt = url.indexOf('?');
    const encodedPath = queryAt < 0 ? url : url.slice(0, queryAt);
    const rawQueryString = queryAt < 0 ? '' : url.slice(queryAt + 1);
    const path = decodePath(encodedPath);

    const matches = compiled
      .map((route) => ({ route, match: route.pattern.exec(encodedPath) }))
      .filter((m): m is { route: CompiledRoute; match: RegExpExecArray } => m.match !== null);
    const hit = matches.find((m) => m.route.route.method === method);
    if (hit) {
      const { route } = hit.route;
      setLabel(route.path);
      const pathParameters = Object.fromEntries(hit.route.paramNames.map((name, i) => [name, decodePath(hit.match[i + 1]!)]));
      return invokeRoute(req, res, hit.route, { method, path, rawQueryString, pathParameters });
    }
    if (matches.length > 0) {
      setLabel(matches[0]!.route.route.path);
      const allow = [...new Set(matches.map((m) => m.route.route.method))].join(', ');
      throw new HttpFailure(405, 'Method Not Allowed', { allow });
    }

    if (attachmentsDir && method === 'PUT' && path.startsWith(LOCAL_UPLOAD_PATH)) {
      setLabel(`${LOCAL_UPLOAD_PATH}{key}`);
      const result = await acceptLocalUpload(attachmentsDir, path.slice(LOCAL_UPLOAD_PATH.length), {
        token: new URLSearchParams(rawQueryString).get('token'),
        contentType: req.headers['content-type'],
        contentLength: req.headers['content-length'],
        body: req,
      });
      if (result.status !== 200) throw new HttpFailure(result.status, result.reason);
      res.writeHead(200, { 'content-length': 0 });
      res.end();
      return;
    }
    req.resume();
    if (method !== 'GET' && method !== 'HEAD') throw new HttpFailure(404, 'Not Found');
    if (attachmentsDir && path.startsWith(LOCAL_ATTACHMENT_PATH)) {
      setLabel(`${LOCAL_ATTACHMENT_PATH}{token}`);
      const found = await openLocalAttachment(attachmentsDir, path.slice(LOCAL_ATTACHMENT_PATH.length));
      if (!found) throw new HttpFailure(404, 'Not Found');
      return sendFile(res, found, method === 'HEAD');
    }
    if (options.exportsDir && path.startsWith(LOCAL_EXPORT_PATH)) {
      setLabel(`${LOCAL_EXPORT_PATH}{name}`);
      return serveExport(res, options.exportsDir, path.slice(LOCAL_EXPORT_PATH.length), method === 'HEAD');
    }
    if (options.outbox && path === LOCAL_OUTBOX_PATH) {
      setLabel(LOCAL_OUTBOX_PATH);
      const page = Buffer.from(renderOutboxPage(await options.outbox()), 'utf8');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': page.length,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': PAGES_CSP,
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
      });
      res.end(method === 'HEAD' ? undefined : page);
      return;
    }
    if (options.publicDir && path.startsWith(PUBLIC_URL_PREFIX)) {
      setLabel(`${PUBLIC_URL_PREFIX}{path}`);
      const found = await readLocalPublicFile(options.publicDir, path.slice(PUBLIC_URL_PREFIX.length));
      if (!found) throw new HttpFailure(404, 'Not Found');
      res.writeHead(200, { ...found.headers, 'content-length': found.body.length, 'x-content-type-options': 'nosniff' });
      res.end(method === 'HEAD' ? undefined : found.body);
      return;
    }
    if (path === '/config.json') {
      setLabel('/config.json');
      return sendJson(res, 200, webConfig, { 'cache-control': 'no-store' });
    }
    setLabel('(page)');
    return serveStatic(res, path, method === 'HEAD');
  }

  async function invokeRoute(
    req: IncomingMessage,
    res: ServerResponse,
    compiledRoute: CompiledRoute,
    target: { method: string; path: string; rawQueryString: string; pathParameters: Record<string, string> },
  ): Promise<void> {
    const { route, handler } = compiledRoute;
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(req.headersDistinct)) {
      if (values && name !== 'cookie') headers[name] = values.join(',');
    }

    // The authorizer runs before the body is read and before the function is called.
    let authorizer: APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer'] | undefined;
    if (route.access !== 'public') {
      const token = (headers.authorization ?? '').replace(/^Bearer\s+/i, '').trim();
      if (!token) throw new HttpFailure(401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
      let payload: JWTPayload;
      try {
        payload = await options.verifyToken(token);
      } catch (error) {
        const why = (error as Error).message.replace(/"/g, "'");
        throw new HttpFailure(401, 'Unauthorized', {
          'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${why}"`,
        });
      }
      const claims = Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, stringifyClaim(v)]));
      const { access } = route;
      if (isStaffAccess(access)) {
        // Staff routes ask for no authorization scope, so API Gateway passes `scopes: null`.
        authorizer = { jwt: { claims, scopes: null } };
      } else {
        // A machine route asks for its scope: a token carrying none of the route's scopes (in `scope` or
        // `scp`, space-separated) is refused with 403 before the function runs — every staff token.
        const scopes = String(payload.scope ?? payload.scp ?? '').split(/\s+/).filter(Boolean);
        if (!scopes.includes(machineScope(access.scope))) throw new HttpFailure(403, 'Forbidden');
        authorizer = { jwt: { claims, scopes } };
      }
    }

    const body = await readBody(req, maxBodyBytes);
    const now = new Date();
    const requestId = randomBytes(11).toString('base64');
    const sourceIp = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
    const host = headers.host ?? 'localhost';
    const routeKey = `${route.method} ${route.path}`;
    const query = new URLSearchParams(target.rawQueryString);
    const queryStringParameters: Record<string, string> = {};
    for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(',');
    const cookies = req.headersDistinct.cookie?.flatMap((c) => c.split(';')).map((c) => c.trim()).filter(Boolean);
    const isText = TEXT_BODY.test(headers['content-type'] ?? '');

    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey,
      rawPath: target.path,
      rawQueryString: target.rawQueryString,
      ...(cookies && cookies.length > 0 ? { cookies } : {}),
      headers: {
        ...headers,
        // What the API's CloudFront Function sets on AWS (infra/constructs/edge.ts), over the viewer's own.
        [VIEWER_ADDRESS_HEADER]: sourceIp,
        'x-forwarded-for': sourceIp,
        'x-forwarded-port': String(req.socket.localPort ?? ''),
        'x-forwarded-proto': 'http',
        'x-amzn-trace-id': `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
      },
      ...(target.rawQueryString ? { queryStringParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: host.replace(/:\d+$/, ''),
        domainPrefix: host.split('.')[0]!.replace(/:\d+$/, ''),
        http: {
          method: target.method,
          path: target.path,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp,
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey,
        stage: '$default',
        time: gatewayTime(now),
        timeEpoch: now.getTime(),
        ...(authorizer ? { authorizer } : {}),
        // The type makes `authorizer` required; API Gateway leaves it out on routes without an authorizer.
      } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
      ...(Object.keys(target.pathParameters).length > 0 ? { pathParameters: target.pathParameters } : {}),
      ...(body.length > 0
        ? { body: isText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !isText }
        : { isBase64Encoded: false }),
    };

    let result: unknown;
    try {
      result = await invoke(handler, event, `pingyi-local-${route.operationId}`, options.timeoutMs ?? functionSeconds(route) * 1000);
    } catch (error) {
      if (error instanceof InvocationTimeoutError) {
        console.error(`local api: ${routeKey}: ${error.message}`);
        throw new HttpFailure(503, 'Service Unavailable');
      }
      // An unhandled error of the function: API Gateway answers 500 and the detail stays in the log.
      console.error(`local api: ${routeKey} threw: ${(error as Error).stack ?? String(error)}`);
      throw new HttpFailure(500, 'Internal Server Error');
    }
    sendResult(res, result, requestId);
  }

  /** A finished export, by the unguessable name in its link; 404 once the link has expired, as for no file. */
  async function serveExport(res: ServerResponse, dir: string, name: string, headOnly: boolean): Promise<void> {
    const found = await openLocalExport(dir, name);
    if (!found) throw new HttpFailure(404, 'Not Found');
    return sendFile(res, found, headOnly);
  }

  /** A local bucket's file with its headers, as S3 serves a presigned GET. */
  async function sendFile(res: ServerResponse, found: { stream: Readable; size: number; headers: Record<string, string> }, headOnly: boolean): Promise<void> {
    res.writeHead(200, { ...found.headers, 'content-length': found.size, 'x-content-type-options': 'nosniff' });
    if (headOnly) {
      found.stream.destroy();
      res.end();
      return;
    }
    await new Promise<void>((done, fail) => {
      found.stream.on('error', fail).pipe(res).on('finish', done).on('error', fail);
    });
  }

  async function serveStatic(res: ServerResponse, path: string, headOnly: boolean): Promise<void> {
    if (!webRoot) throw new HttpFailure(404, 'Not Found');
    // Dot files, NUL bytes and anything resolving outside the web root are not served.
    if (path.includes('\0') || path.split('/').some((segment) => segment.startsWith('.'))) {
      throw new HttpFailure(404, 'Not Found');
    }
    let file = resolve(webRoot, `.${path}`);
    if (file !== webRoot && !file.startsWith(webRoot + sep)) throw new HttpFailure(404, 'Not Found');
    let info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => undefined);
    }
    if (!info?.isFile()) throw new HttpFailure(404, 'Not Found');
    const real = await realpath(file);
    const realRoot = await realpath(webRoot);
    if (!real.startsWith(realRoot + sep)) throw new HttpFailure(404, 'Not Found');

    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': PAGES_CSP,
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    if (headOnly) {
      res.end();
      return;
    }
    await new Promise<void>((done, fail) => {
      createReadStream(file).on('error', fail).pipe(res).on('finish', done).on('error', fail);
    });
  }
}

// Node's own refusals, by its error code; any other malformed request line or header is a 400.
const CLIENT_ERROR_STATUS: Record<string, number> = { HPE_HEADER_OVERFLOW: 431, HPE_CHUNK_EXTENSIONS_OVERFLOW: 413, ERR_HTTP_REQUEST_TIMEOUT: 408 };

/**
 * Answers a request that Node's HTTP parser refused before any handler saw it (a request target without
 * a leading slash, conflicting Content-Length and Transfer-Encoding, headers over the limit) as API Gateway
 * answers what it refuses: its status with a JSON `{ "message" }`, rather than Node's empty body.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
  const body = JSON.stringify({ message: STATUS_CODES[status] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HttpFailure(400, 'Bad Request');
  }
}

/** Reads the request body, refusing with 413 once it passes the limit (without keeping the rest). */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.resume();
    throw new HttpFailure(413, 'Request Entity Too Large', { connection: 'close' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw new HttpFailure(413, 'Request Entity Too Large', { connection: 'close' });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A JSON answer (Node leaves the body out by itself when the request was HEAD). */
function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': text.length, ...headers });
  res.end(text);
}

/**
 * Turns a function's result into the HTTP answer as API Gateway does for payload 2.0: a result with a
 * statusCode is used as is (headers, cookies, body, base64); anything else is sent as a 200 JSON body.
 */
function sendResult(res: ServerResponse, result: unknown, requestId: string): void {
  const structured =
    typeof result === 'object' && result !== null && typeof (result as { statusCode?: unknown }).statusCode === 'number';
  if (!structured) {
    sendJson(res, 200, result ?? null, { 'apigw-requestid': requestId });
    return;
  }
  const r = result as {
    statusCode: number;
    headers?: Record<string, string | number | boolean>;
    cookies?: string[];
    body?: string;
    isBase64Encoded?: boolean;
  };
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | string[] | number> = { 'apigw-requestid': requestId };
  for (const [name, value] of Object.entries(r.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (r.cookies && r.cookies.length > 0) headers['set-cookie'] = r.cookies;
  headers['content-length'] = body.length;
  res.writeHead(r.statusCode, headers);
  res.end(body);
}

