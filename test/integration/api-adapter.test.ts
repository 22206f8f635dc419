import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpHandler } from '../../functions/platform/http';
import { ok } from '../../functions/platform/results';
import type { Route } from '../../functions/routes';
import { createApiServer } from '../../infra/local/api-server';
import type { LambdaHandler } from '../../infra/local/lambda';
import { SignJWT, UnsecuredJWT, importJWK } from 'jose';
import { LOCAL_CLIENT_ID, LOCAL_ISSUER, loadLocalIssuer, type LocalIssuer } from '../../infra/local/jwt';

/**
 * The local API Gateway on its own, with probe functions that record the events they get: the 2.0
 * event, the JWT authorizer, routing errors, limits and the static pages.
 */

const probeRoute = (overrides: Partial<Route>): Route => ({
  operationId: 'probe',
  method: 'GET',
  path: '/things/{thingId}/parts/{partId}',
  entry: 'unused.ts',
  access: ['supervisor'],
  tables: {},
  summary: 'probe',
  responses: [{ status: 200, description: 'ok' }],
  ...overrides,
});

/** A route behind the real platform stack (httpHandler), which checks the groups the authorizer passed on. */
const staffRoute = probeRoute({ operationId: 'staffOnly', path: '/staff', access: ['admin', 'unitHandler'] });
const staffHandler = httpHandler(staffRoute, async (_, { caller }) => ok({ caller }));
/** A route for another system (a client-credentials token with the service-records scope). */
const machineRoute = probeRoute({ operationId: 'machineOnly', path: '/machine', access: { scope: 'service-records' } });

describe('local API Gateway adapter', () => {
  let dir: string;
  let issuer: LocalIssuer;
  let foreignIssuer: LocalIssuer;
  let keyFile: string;

  const supervisorClaims = (overrides: Record<string, unknown>) => ({
    sub: 'someone',
    'cognito:groups': ['supervisor'],
    token_use: 'access',
    client_id: LOCAL_CLIENT_ID,
    iss: LOCAL_ISSUER,
    ...overrides,
  });

  /** A token signed with the local issuer's own key but with other claims. */
  async function signWithLocalKey(overrides: Record<string, unknown>): Promise<string> {
    const { privateJwk, kid } = JSON.parse(readFileSync(keyFile, 'utf8')) as { privateJwk: Record<string, string>; kid: string };
    return new SignJWT(supervisorClaims(overrides))
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(await importJWK(privateJwk, 'ES256'));
  }

  /** A well-formed token with `alg: none`: claims anyone could write. */
  function unsignedToken(): string {
    return new UnsecuredJWT(supervisorClaims({})).setIssuedAt().setExpirationTime('1h').encode();
  }
  let server: Server;
  let url: string;
  let events: APIGatewayProxyEventV2WithJWTAuthorizer[];

  const record = async (event: unknown) => {
    events.push(event as APIGatewayProxyEventV2WithJWTAuthorizer);
    return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'ok', cookies: ['a=1', 'b=2'] };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pingyi-adapter-'));
    issuer = await loadLocalIssuer(join(dir, 'jwt-key.json'));
    foreignIssuer = await loadLocalIssuer(join(dir, 'other-key.json'));
    keyFile = join(dir, 'jwt-key.json');
    const webDir = join(dir, 'web');
    mkdirSync(join(webDir, 'assets'), { recursive: true });
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>home</title>');
    writeFileSync(join(webDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(webDir, '.env'), 'SECRET=1');
    writeFileSync(join(dir, 'outside.txt'), 'outside the web root');

    server = createApiServer({
      routes: [
        { route: probeRoute({}), handler: record },
        { route: probeRoute({ operationId: 'publicPost', method: 'POST', path: '/uploads', access: 'public' }), handler: record },
        { route: staffRoute, handler: staffHandler as LambdaHandler },
        { route: machineRoute, handler: record },
        {
          route: probeRoute({ operationId: 'broken', path: '/broken', access: 'public' }),
          handler: async () => {
            throw new Error('boom');
          },
        },
      ],
      verifyToken: issuer.verify,
      webDir,
      maxBodyBytes: 1024,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    events = [];
  });

  /** A raw request: unlike fetch, it sends the path exactly as given (no `..` clean-up). */
  const raw = (method: string, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${url}${path}`, { method }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.setHeader('host', 'localhost');
      req.path = path;
      req.end();
    });

  describe('events', () => {
    it('hands the function a 2.0 event with the JWT claims stringified as API Gateway does', async () => {
      // prepare
      const token = await issuer.sign(['supervisor', 'admin']);

      // act
      const res = await fetch(`${url}/things/a%20b/parts/42?x=1&x=2&y=%E4%B8%AD`, {
        headers: { authorization: `Bearer ${token}`, 'X-Custom': 'Yes', cookie: 'c1=v1; c2=v2' },
      });

      // assert
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(events).toHaveLength(1);
      const event = events[0]!;
      expect(event).toMatchObject({
        version: '2.0',
        routeKey: 'GET /things/{thingId}/parts/{partId}',
        rawPath: '/things/a b/parts/42',
        rawQueryString: 'x=1&x=2&y=%E4%B8%AD',
        queryStringParameters: { x: '1,2', y: '中' },
        pathParameters: { thingId: 'a b', partId: '42' },
        cookies: ['c1=v1', 'c2=v2'],
        isBase64Encoded: false,
        requestContext: { stage: '$default', routeKey: 'GET /things/{thingId}/parts/{partId}', http: { method: 'GET' } },
      });
      expect(event.headers['x-custom']).toBe('Yes');
      expect(event.headers.cookie).toBeUndefined();
      const { claims, scopes } = event.requestContext.authorizer.jwt;
      expect(claims['cognito:groups']).toBe('[supervisor admin]');
      expect(claims.token_use).toBe('access');
      expect(claims.exp).toMatch(/^\d+$/);
      expect(scopes).toBeNull();
    });

    it('passes a JSON body as text and any other body base64-encoded', async () => {
      // act
      await fetch(`${url}/uploads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"中"}' });
      await fetch(`${url}/uploads`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array([0, 1, 2, 255]),
      });

      // assert
      expect(events.map((e) => [e.body, e.isBase64Encoded])).toEqual([
        ['{"a":"中"}', false],
        ['AAEC/w==', true],
      ]);
      expect(events[0]!.requestContext.authorizer).toBeUndefined();
    });
  });

  describe('the JWT authorizer', () => {
    it.each([
      ['no token', async () => undefined],
      ['a malformed token', async () => 'not-a-jwt'],
      ['an expired token', async () => issuer.sign('supervisor', { now: new Date(Date.now() - 13 * 60 * 60 * 1000) })],
      ['a token signed by another key', async () => foreignIssuer.sign('supervisor')],
      ['a token from another issuer', async () => signWithLocalKey({ iss: 'https://elsewhere.example' })],
      ['a token for another client', async () => signWithLocalKey({ client_id: 'some-other-app' })],
      ['an unsigned token (alg none)', async () => unsignedToken()],
    ])('answers 401 {"message":"Unauthorized"} to %s without calling the function', async (_, makeToken) => {
      // prepare
      const token = await makeToken();

      // act
      const res = await fetch(`${url}/things/1/parts/2`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

      // assert
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Unauthorized' });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(events).toHaveLength(0);
    });
  });

  describe('groups through the authorizer to the function', () => {
    it('lets the function refuse a verified token whose groups may not call the route with 403', async () => {
      // prepare
      const token = await issuer.sign('supervisor');

      // act
      const res = await fetch(`${url}/staff`, { headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' } });

      // assert
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ code: 'FORBIDDEN', message: 'Your account may not use this function.' });
    });

    it("hands the function a unit handler's units from its `unit:<id>` groups", async () => {
      // prepare
      const token = await issuer.sign('unitHandler', { unitIds: ['tax-bureau', 'window-general'] });

      // act
      const res = await fetch(`${url}/staff`, { headers: { authorization: `Bearer ${token}` } });

      // assert
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        caller: { sub: expect.any(String), roles: ['unitHandler'], unitIds: ['tax-bureau', 'window-general'] },
      });
    });
  });

  describe('scopes through the authorizer on a route for another system', () => {
    it("lets a machine token with the route's scope through, handing the function its claims and scopes", async () => {
      // prepare
      const token = await issuer.signMachine('service-records');

      // act
      const res = await fetch(`${url}/machine`, { headers: { authorization: `Bearer ${token}` } });

      // assert
      expect(res.status).toBe(200);
      expect(events).toHaveLength(1);
      const { jwt } = events[0]!.requestContext.authorizer;
      expect(jwt.scopes).toEqual(['pingyi/service-records']);
      expect(jwt.claims).toMatchObject({ token_use: 'access', scope: 'pingyi/service-records' });
      expect(jwt.claims).not.toHaveProperty('cognito:groups');
    });

    it.each([
      ["an admin's access token", async () => issuer.sign('admin')],
      ["a unit handler's access token with units", async () => issuer.sign('unitHandler', { unitIds: ['tax-bureau'] })],
      ['a token with another scope of the same resource server', async () => signWithLocalKey({ scope: 'pingyi/reports', 'cognito:groups': [] })],
      ['a token with the scope of another resource server', async () => signWithLocalKey({ scope: 'other/service-records', 'cognito:groups': [] })],
    ])('answers 403 {"message":"Forbidden"} to %s without calling the function', async (_, makeToken) => {
      // act
      const res = await fetch(`${url}/machine`, { headers: { authorization: `Bearer ${await makeToken()}` } });

      // assert
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: 'Forbidden' });
      expect(events).toHaveLength(0);
    });

    it('answers 401 without a token, as on a staff route', async () => {
      // act
      const res = await fetch(`${url}/machine`);

      // assert
      expect(res.status).toBe(401);
      expect(events).toHaveLength(0);
    });
  });

  describe('routing and limits', () => {
    it('answers 404 for an unknown API path and 405 with Allow for a known path with another method', async () => {
      // act
      const unknown = await fetch(`${url}/nothing-here`, { method: 'POST' });
      const wrongMethod = await fetch(`${url}/uploads`, { method: 'GET' });

      // assert
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ message: 'Not Found' });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('POST');
    });

    it('refuses a body over the limit with 413 without calling the function', async () => {
      // act
      const res = await fetch(`${url}/uploads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'x'.repeat(2_000) }),
      });

      // assert
      expect(res.status).toBe(413);
      expect(events).toHaveLength(0);
    });

    it('answers 500 {"message":"Internal Server Error"} when the function throws', async () => {
      // prepare
      const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);

      // act
      const res = await fetch(`${url}/broken`);

      // assert
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ message: 'Internal Server Error' });
      expect(consoleError).toHaveBeenCalled();
      consoleError.mockRestore();
    });
  });

  describe('pages', () => {
    it('serves index.html for / and files with their content type, HEAD without a body', async () => {
      // act
      const home = await fetch(`${url}/`);
      const script = await fetch(`${url}/assets/app.js`);
      const head = await raw('HEAD', '/assets/app.js');

      // assert
      expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await home.text()).toContain('<title>home</title>');
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(head).toEqual({ status: 200, body: '' });
    });

    it.each(['/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/.env', '/missing.html'])(
      'answers 404 for %s',
      async (path) => {
        // act
        const res = await raw('GET', path);

        // assert
        expect(res.status).toBe(404);
        expect(res.body).not.toContain('outside the web root');
        expect(res.body).not.toContain('SECRET');
      },
    );
  });
});
