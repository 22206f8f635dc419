import type { Access, Role } from '../routes';
import { ROLES } from '../routes';
import { forbidden, unauthorized } from './http-errors';

/** JWT claims as API Gateway's JWT authorizer hands them over (and the local runtime imitates). */
export type JwtClaims = Record<string, string | number | boolean | string[]>;

/** The staff member behind a request: a stable subject and their roles. Never logged with contact data. */
export interface Caller {
  sub: string;
  roles: Role[];
}

/**
 * The roles in a `cognito:groups` claim. API Gateway passes array claims as a string such as
 * `[supervisor admin]`; a decoded token has a real array. Unknown groups are ignored.
 */
export function rolesFromClaims(claims: JwtClaims | undefined): Role[] {
  const raw = claims?.['cognito:groups'];
  const groups = Array.isArray(raw)
    ? raw
    : typeof raw === 'string'
      ? raw.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean)
      : [];
  return ROLES.filter((role) => groups.includes(role));
}

/**
 * Checks a request against a route's access. The JWT authorizer has already verified the token on AWS
 * (and the local adapter does the same); this is where the group is checked: 401 without a verified
 * token, 403 when none of the caller's roles may call the route.
 */
export function authorize(access: Access, claims: JwtClaims | undefined): Caller | undefined {
  if (access === 'public') return undefined;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw unauthorized();
  const roles = rolesFromClaims(claims);
  if (!roles.some((role) => access.includes(role))) throw forbidden();
  return { sub, roles };
}
