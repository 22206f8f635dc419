import { describe, expect, it } from 'vitest';
import { authorize, groupsFromClaims, machineScope, rolesFromClaims } from '../../../functions/platform/auth';
import { unitGroupName } from '../../../functions/routes/route';
import { HttpError } from '../../../functions/platform/http-errors';

const statusOf = (act: () => unknown): number | undefined => {
  try {
    act();
    return undefined;
  } catch (error) {
    return error instanceof HttpError ? error.statusCode : -1;
  }
};

describe('groupsFromClaims', () => {
  it("reads API Gateway's `[a b]` string, a decoded token's array, and nothing", () => {
    // act & assert
    expect(groupsFromClaims({ 'cognito:groups': '[supervisor admin]' })).toEqual(['supervisor', 'admin']);
    expect(groupsFromClaims({ 'cognito:groups': '[unitHandler unit:tax-bureau unit:window-general]' })).toEqual([
      'unitHandler',
      'unit:tax-bureau',
      'unit:window-general',
    ]);
    expect(groupsFromClaims({ 'cognito:groups': ['admin', 'unit:tax-bureau'] })).toEqual(['admin', 'unit:tax-bureau']);
    expect(groupsFromClaims({ 'cognito:groups': '[]' })).toEqual([]);
    expect(groupsFromClaims({})).toEqual([]);
    expect(groupsFromClaims(undefined)).toEqual([]);
  });
});

describe('rolesFromClaims', () => {
  it('keeps only the known roles among the groups', () => {
    // act & assert
    expect(rolesFromClaims({ 'cognito:groups': '[admin strangers unit:tax-bureau]' })).toEqual(['admin']);
    expect(rolesFromClaims({ 'cognito:groups': ['unitHandler', 'Supervisor'] })).toEqual(['unitHandler']);
  });
});

describe('authorize', () => {
  it('lets anyone call a public route, token or not', () => {
    // act & assert
    expect(authorize('public', undefined)).toBeUndefined();
    expect(authorize('public', { sub: 'u1', token_use: 'access', 'cognito:groups': '[admin]' })).toBeUndefined();
  });

  it('answers 401 without a subject and 403 when no role of the caller may call the route', () => {
    // act & assert
    expect(statusOf(() => authorize(['supervisor'], undefined))).toBe(401);
    expect(statusOf(() => authorize(['supervisor'], { 'cognito:groups': '[supervisor]' }))).toBe(401);
    expect(statusOf(() => authorize(['supervisor'], { sub: '', 'cognito:groups': '[supervisor]' }))).toBe(401);
    expect(statusOf(() => authorize(['admin'], { sub: 'u1', token_use: 'access', 'cognito:groups': '[supervisor unitHandler]' }))).toBe(403);
    expect(statusOf(() => authorize(['admin'], { sub: 'u1', token_use: 'access', 'cognito:groups': '[unit:tax-bureau]' }))).toBe(403);
  });

  it('answers 401 to a verified token that is not an access token: an ID token, a refresh token, none said', () => {
    // act & assert
    for (const token_use of ['id', 'refresh', undefined]) {
      const claims = { sub: 'u1', 'cognito:groups': '[admin]', ...(token_use ? { token_use } : {}) };
      expect(statusOf(() => authorize(['admin'], claims))).toBe(401);
    }
    expect(statusOf(() => authorize(['admin'], { sub: 'u1', token_use: 'access', 'cognito:groups': '[admin]' }))).toBeUndefined();
  });

  it('returns the caller with every role it has, when one of them may call the route', () => {
    // act
    const caller = authorize(['supervisor', 'admin'], { sub: 'u1', token_use: 'access', 'cognito:groups': '[admin supervisor]' });

    // assert
    expect(caller).toEqual({ sub: 'u1', roles: ['supervisor', 'admin'], unitIds: [] });
  });

  it("gives a unit handler the units of its `unit:<id>` groups, from a claim string or an array", () => {
    // act
    const fromString = authorize(['unitHandler'], { sub: 'h1', token_use: 'access', 'cognito:groups': '[unitHandler unit:tax-bureau unit:window-general]' });
    const fromArray = authorize(['unitHandler'], {
      sub: 'h1',
      token_use: 'access',
      'cognito:groups': ['unitHandler', unitGroupName('tax-bureau')],
    });

    // assert
    expect(fromString?.unitIds).toEqual(['tax-bureau', 'window-general']);
    expect(fromArray).toEqual({ sub: 'h1', roles: ['unitHandler'], unitIds: ['tax-bureau'] });
  });

  it('gives unit ids to unit handlers only', () => {
    // act
    const supervisor = authorize(['supervisor'], { sub: 's1', token_use: 'access', 'cognito:groups': '[supervisor unit:tax-bureau]' });

    // assert
    expect(supervisor).toEqual({ sub: 's1', roles: ['supervisor'], unitIds: [] });
  });
});

describe('authorize, on a route for another system (client-credentials token with a scope)', () => {
  const machine = { scope: 'service-records' } as const;
  const clientToken = (scope: string) => ({ sub: 'records-client', client_id: 'records-client', token_use: 'access', scope });

  it('lets a client through whose token carries the scope, among others, as a caller with no role and no unit', () => {
    // act
    const caller = authorize(machine, clientToken(`pingyi/other ${machineScope('service-records')}`));

    // assert
    expect(machineScope('service-records')).toBe('pingyi/service-records');
    expect(caller).toEqual({ sub: 'records-client', roles: [], unitIds: [] });
  });

  it("answers 403 to every staff member's token, whatever their roles, and to a client token without the scope", () => {
    // act & assert
    for (const groups of ['[admin]', '[supervisor admin unitHandler]', '[unitHandler unit:tax-bureau]']) {
      expect(statusOf(() => authorize(machine, { sub: 'u1', token_use: 'access', 'cognito:groups': groups, scope: 'aws.cognito.signin.user.admin' }))).toBe(403);
    }
    expect(statusOf(() => authorize(machine, clientToken('pingyi/other')))).toBe(403);
    // the scope of another resource server with the same name is another scope
    expect(statusOf(() => authorize(machine, clientToken('someone-else/service-records')))).toBe(403);
  });

  it('answers 401 without a subject, or to a token that is not an access token', () => {
    // act & assert
    expect(statusOf(() => authorize(machine, undefined))).toBe(401);
    expect(statusOf(() => authorize(machine, { ...clientToken(machineScope('service-records')), token_use: 'id' }))).toBe(401);
  });

  it('answers 403 to a client token on a staff route: a scope is no role', () => {
    // act & assert
    expect(statusOf(() => authorize(['admin', 'supervisor', 'unitHandler'], clientToken(machineScope('service-records'))))).toBe(403);
  });
});

describe('unitGroupName', () => {
  it('names the group of a unit as the claims carry it', () => {
    // act & assert
    expect(unitGroupName('tax-bureau')).toBe('unit:tax-bureau');
  });
});
