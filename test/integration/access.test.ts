import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, isStaffAccess, routes, type Role, type Route } from '../../functions/routes';
import type { MachineAccess } from '../../functions/routes/route';
import type { LocalStack } from '../../infra/local/stack';
import { startTestStack, type TestStack } from './helpers';

/**
 * Who may call what, through the local HTTP API, generated from the route table: every staff route
 * answers 401 without a token, 403 to each role its access leaves out and to another system's machine
 * token, and lets each role it names through (a 400 or 404 for a made-up id or an empty body is fine: the
 * request got past the access check). Every machine route answers 401 without a token, 403 to every staff
 * role, and lets a machine token with its scope through. A new route is covered without a new test.
 */
const all = routes as readonly Route[];
const staffRoutes = all.filter((r): r is Route & { access: readonly Role[] } => isStaffAccess(r.access));
const machineRoutes = all.filter((r): r is Route & { access: MachineAccess } => r.access !== 'public' && !isStaffAccess(r.access));

/** The route's path with every parameter filled with a valid id (`1` for a version). */
const pathOf = (route: Route) => route.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'version' ? '1' : `made-up-${name.toLowerCase()}`));

describe('access to every route (local API)', () => {
  let test: TestStack | undefined;
  let stack: LocalStack;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    test = await startTestStack('access');
    ({ stack } = test);
    for (const role of ROLES) tokens.set(role, await stack.token(role));
  });

  afterAll(async () => {
    await test?.stop();
  });

  /** Calls a route, with an empty JSON body where it takes one, as `role`, as a machine client (`scope`), or without a token. */
  const call = async (route: Route, role?: Role | { scope: MachineAccess['scope'] }) =>
    fetch(`${stack.url}${pathOf(route)}`, {
      method: route.method,
      headers: {
        ...(typeof role === 'string' ? { authorization: `Bearer ${tokens.get(role)}` } : {}),
        ...(typeof role === 'object' ? { authorization: `Bearer ${await stack.machineToken(role.scope)}` } : {}),
        ...(route.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(route.body ? { body: '{}' } : {}),
    });

  it('covers routes of every kind of access', () => {
    // assert
    expect(all.some((r) => r.access === 'public')).toBe(true);
    expect(staffRoutes.length).toBeGreaterThanOrEqual(20);
    expect(machineRoutes.length).toBeGreaterThanOrEqual(1);
  });

  describe.each(staffRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (_, route) => {
    it('answers 401 without a token', async () => {
      // act
      const res = await call(route);

      // assert
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Unauthorized' });
    });

    it.each(ROLES.filter((role) => !route.access.includes(role)))('answers 403 to a %s', async (role) => {
      // act
      const res = await call(route, role);

      // assert
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'FORBIDDEN' });
    });

    it.each([...route.access])('lets a %s through', async (role) => {
      // act
      const res = await call(route, role);

      // assert
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    });

    it("answers 403 to another system's machine token: a scope is no role", async () => {
      // act
      const res = await call(route, { scope: 'service-records' });

      // assert
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  describe.each(machineRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s (for another system)', (_, route) => {
    it('answers 401 without a token', async () => {
      // act
      const res = await call(route);

      // assert
      expect(res.status).toBe(401);
    });

    it.each(ROLES)("answers 403 to a %s's token, as the gateway checks the route's scope", async (role) => {
      // act
      const res = await call(route, role);

      // assert
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ message: 'Forbidden' });
    });

    it('lets a machine token with its scope through', async () => {
      // act
      const res = await call(route, { scope: route.access.scope });

      // assert
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    });
  });

  it.each(all.filter((r) => r.path.startsWith('/admin/')).map((r) => [`${r.method} ${r.path}`, r] as const))(
    'keeps admin operation %s from supervisors and unit handlers',
    async (_, route) => {
      // act
      const anonymous = await call(route);
      const supervisor = await call(route, 'supervisor');
      const unitHandler = await call(route, 'unitHandler');

      // assert
      expect([anonymous.status, supervisor.status, unitHandler.status]).toEqual([401, 403, 403]);
    },
  );

  it.each(all.filter((r) => r.access === 'public').map((r) => [`${r.method} ${r.path}`, r] as const))(
    'answers public route %s without a token',
    async (_, route) => {
      // act
      const res = await call(route);

      // assert
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    },
  );
});
