import { ROLES, type Access, type Role } from '../routes/route';
import { forbidden, unauthorized } from './http-errors';

/** JWT claims as API Gateway's JWT authorizer hands them over (and the local runtime imitates). */
export type JwtClaims = Record<string, string | number | boolean | string[]>;

/**
 * The staff member behind a request: a stable subject, their roles, and — for a unit handler — the units
 * they act for. Never logged with contact data.
 */
export interface Caller {
  sub: string;
  roles: Role[];
  /** The units a unit handler acts for (their `unit:<unitId>` groups); empty for others. */
  unitIds: string[];
}

/**
 * A unit handler's units travel as Cognito groups named `unit:<unitId>` beside the `unitHandler` role
 * group: groups are in every access token without a token-customisation trigger, and `npm run staff`
 * creates them.
 */
export const UNIT_GROUP_PREFIX = 'unit:';
export const unitGroupName = (unitId: string) => `${UNIT_GROUP_PREFIX}${unitId}`;

/**
 * The groups in a `cognito:groups` claim. API Gateway passes array claims as a string such as
 * `[supervisor admin]`; a decoded token has a real array.
 */
export function groupsFromClaims(claims: JwtClaims | undefined): string[] {
  const raw = claims?.['cognito:groups'];
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === 'string') return raw.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  return [];
}

/** The roles among a claim's groups; unknown groups are ignored. */
export const rolesFromClaims = (claims: JwtClaims | undefined): Role[] => {
  const groups = groupsFromClaims(claims);
  return ROLES.filter((role) => groups.includes(role));
};

/**
 * Checks a request against a route's access. The JWT authorizer has already verified the token on AWS
 * (and the local adapter does the same); this is where the group is checked: 401 without a verified
 * token, 403 when none of the caller's roles may call the route.
 */
export function authorize(access: Access, claims: JwtClaims | undefined): Caller | undefined {
  if (access === 'public') return undefined;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw unauthorized();
  const groups = groupsFromClaims(claims);
  const roles = ROLES.filter((role) => groups.includes(role));
  if (!roles.some((role) => access.includes(role))) throw forbidden();
  const unitIds = roles.includes('unitHandler')
    ? groups.filter((g) => g.startsWith(UNIT_GROUP_PREFIX)).map((g) => g.slice(UNIT_GROUP_PREFIX.length))
    : [];
  return { sub, roles, unitIds };
}
