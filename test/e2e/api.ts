import { expect } from 'vitest';
import type { Route } from '../../functions/routes/route';
import type { Role } from '../../functions/routes';
import type { LocalStack } from '../../infra/local/stack';
import { loadLocalIssuer } from '../../infra/local/jwt';
import { DEFAULT_DATA_DIR, jwtKeyFile } from '../../infra/local/paths';
import { apiPath, type CallOptions, type Success } from '../../web/src/app/api';

/**
 * What the browser tests prepare through the API rather than through pages they do not test: calls to a
 * route of the route table with a staff token, typed as the pages' own client types them.
 */

/** Calls `route` on the stack as the holder of `token`; fails the test unless it answers `status`. */
export async function api<R extends Route>(stack: LocalStack, token: string | undefined, route: R, opts: CallOptions<R>, status = route.responses[0].status): Promise<Success<R>> {
  const { params, query, body } = opts as { params?: Record<string, string>; query?: Record<string, string>; body?: unknown };
  const search = query ? `?${new URLSearchParams(query).toString()}` : '';
  const res = await fetch(stack.url + apiPath(route, params) + search, {
    method: route.method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${route.operationId}: ${text}`).toBe(status);
  return (text ? JSON.parse(text) : undefined) as Success<R>;
}

/**
 * A staff token the stack accepts, for roles that act for units (a unit handler's `unit:<id>` groups):
 * signed with the local issuer's key in `.local/`, which the stack reads too, whatever its data dir for
 * DynamoDB.
 */
export async function staffToken(role: Role, unitIds: readonly string[] = []): Promise<string> {
  const issuer = await loadLocalIssuer(jwtKeyFile(DEFAULT_DATA_DIR));
  return issuer.sign(role, { unitIds });
}
