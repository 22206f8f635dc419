import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStaffAccess, routes, type Route } from '../../functions/routes';
import type { LocalStack } from '../../infra/local/stack';
import { PRESENTED, describePresented, tokenMaker, type BadToken, type Presented, type TokenBase, type TokenMaker } from './tokens';
import { startTestStack, type TestStack } from './helpers';

/**
 * Every operation × every kind of token, through the local HTTP API, generated from the route table: a
 * staff route answers 401 to no token and to every token that is not a valid access token of this issuer
 * for this client (an ID token, an expired one, another issuer's or client's, `alg: none`, a tampered
 * signature or claims, garbage), 403 to a valid access token of a role its access leaves out and to another
 * system's machine token (a scope is no role), and lets a role it names through. A machine route (another
 * system's, by scope) answers 401 the same way, 403 to every staff member's token and to a machine token
 * without its scope, and lets a machine token with its scope through. A public route answers every one of
 * them as it answers anybody. A new route is covered without a new test.
 */
const all = routes as readonly Route[];

/** The route's path with every parameter filled with a valid id (`1` for a version). */
const pathOf = (route: Route) => route.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'version' ? '1' : `made-up-${name.toLowerCase()}`));

type Expected = 'through' | 401 | 403;

/** What the route table says a caller presenting this gets. */
function expected(route: Route, presented: Presented): Expected {
  const { access } = route;
  if (access === 'public') return 'through';
  switch (presented.kind) {
    case 'no token':
    case 'bad':
      return 401;
    case 'role':
      return isStaffAccess(access) && access.includes(presented.role) ? 'through' : 403;
    case 'unit handler with units':
      return isStaffAccess(access) && access.includes('unitHandler') ? 'through' : 403;
    case 'machine':
      return !isStaffAccess(access) && access.scope === presented.scope ? 'through' : 403;
  }
}

/** What bad tokens for a route are made from: a token it lets through (public routes: an admin's). */
const baseOf = (route: Route): TokenBase =>
  route.access === 'public' ? 'admin' : isStaffAccess(route.access) ? route.access[0]! : { scope: route.access.scope };

/** Signed by the issuer for this client, so the gateway lets them through; they are no access token. */
const REFUSED_BY_THE_FUNCTION: ReadonlySet<BadToken> = new Set(['an ID token', 'a refresh-shaped token', 'a token without token_use']);

describe('route × token matrix (local API)', () => {
  let test: TestStack | undefined;
  let stack: LocalStack;
  let dataDir: string;
  let tokens: TokenMaker;

  beforeAll(async () => {
    test = await startTestStack('matrix');
    ({ stack, dataDir } = test);
    tokens = await tokenMaker(dataDir);
  });

  afterAll(async () => {
    await test?.stop();
  });

  /** Calls a route with an empty JSON body where it takes one, presenting a token (bad ones made from one it lets through). */
  async function call(route: Route, presented: Presented) {
    const token = await tokens.token(presented, baseOf(route));
    const res = await fetch(`${stack.url}${pathOf(route)}`, {
      method: route.method,
      headers: {
        ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
        ...(route.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(route.body ? { body: '{}' } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text };
  }

  it('covers every operation with every kind of token', () => {
    // assert
    expect(all.length).toBeGreaterThanOrEqual(26);
    expect(PRESENTED.map(describePresented)).toEqual(
      expect.arrayContaining([
        'no token',
        'a machine token with scope service-records',
        'an ID token',
        'a refresh-shaped token',
        'a token without token_use',
        'an expired token',
        'an alg:none token',
        'a token with a tampered signature',
        'a malformed token',
      ]),
    );
    expect(all.some((r) => r.access !== 'public' && !isStaffAccess(r.access))).toBe(true);
  });

  it('lets no staff role through a machine route, and no machine token through a staff route', () => {
    // act
    const leaks = all.flatMap((route) =>
      PRESENTED.filter((p) => expected(route, p) === 'through')
        .filter((p) => (isStaffAccess(route.access) ? p.kind === 'machine' : route.access !== 'public' && p.kind !== 'machine'))
        .map((p) => `${route.operationId} × ${describePresented(p)}`),
    );

    // assert
    expect(leaks).toEqual([]);
  });

  it('leaves public only the operations a citizen or a probe needs, so a route made public by mistake fails here', () => {
    // A route's access is required by its type, so a route without one does not compile; this list is the
    // reviewed set of routes that ask for no account. Adding to it is a decision, not an accident.
    // fileBadReview: a bad rating's respondent, with the ballot's receipt code; open311*: GeoReport v2 clients (no accounts in Open311);
    // requestCaseAttachment: a citizen's upload link for a complaint's attachment (type and size signed, unclaimed uploads expire in a day).
    const reviewedPublic = [
      'caseCallback',
      'caseStatus',
      'fileBadReview',
      'fileCase',
      'getForm',
      'health',
      'listForms',
      'open311CreateRequest',
      'open311GetRequest',
      'open311ListRequests',
      'open311Services',
      'openApi',
      'requestCaseAttachment',
      'submitResponse',
    ];

    // assert
    expect(all.filter((r) => r.access === 'public').map((r) => r.operationId).sort()).toEqual(reviewedPublic);
  });

  describe.each(all.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (_, route) => {
    it.each(PRESENTED.map((p) => [describePresented(p), expected(route, p), p] as const))(
      'given %s answers %s',
      async (_name, want, presented) => {
        // act
        const { status, body } = await call(route, presented);

        // assert
        if (want === 'through') {
          expect([401, 403], body).not.toContain(status);
          expect(status, body).toBeLessThan(500);
        } else {
          expect(status, body).toBe(want);
          // The gateway refuses what it can check (signature, issuer, client, expiry, and a machine route's
          // scope); the function refuses what the gateway lets through but is no access token (an ID token, a
          // refresh-shaped one, one without token_use), and answers 403 for a role.
          const refusal = JSON.parse(body) as Record<string, unknown>;
          if (want === 403 && !isStaffAccess(route.access)) expect(refusal).toEqual({ message: 'Forbidden' });
          else if (want === 403) expect(refusal).toMatchObject({ code: 'FORBIDDEN' });
          else if (presented.kind === 'bad' && REFUSED_BY_THE_FUNCTION.has(presented.bad)) expect(refusal).toMatchObject({ code: 'UNAUTHORIZED' });
          else expect(refusal).toEqual({ message: 'Unauthorized' });
        }
      },
    );
  });
});
