import { ROLES, isStaffAccess, unitsOfGroups, type Access, type Role } from '../routes/route';
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
 * What makes a verified token a staff access token, and where its groups are: Cognito's (and the local
 * issuer's) by default. API Gateway's JWT authorizer accepts any token of the issuer whose `aud` or
 * `client_id` is the web client — an ID token too — so the kind of token is checked here. A deployment with
 * another OIDC issuer names its own claims through the function's environment (infra sets them).
 */
export const STAFF_TOKEN = {
  groupsClaim: process.env.STAFF_GROUPS_CLAIM || 'cognito:groups',
  kindClaim: process.env.STAFF_TOKEN_KIND_CLAIM || 'token_use',
  kindValue: process.env.STAFF_TOKEN_KIND_VALUE || 'access',
} as const;

/**
 * What makes a verified token a machine client's (OAuth client-credentials) token for a scope: Cognito puts
 * the granted scopes, space-separated, in `scope`, each as `<resource server>/<scope>`. Another OIDC issuer
 * names its resource server (the prefix) through the function's environment.
 */
export const MACHINE_TOKEN = {
  scopeClaim: 'scope',
  scopePrefix: process.env.MACHINE_SCOPE_PREFIX || 'pingyi/',
} as const;

/** The full scope name a machine route asks for. */
export const machineScope = (scope: string) => `${MACHINE_TOKEN.scopePrefix}${scope}`;

/**
 * The groups in the groups claim. API Gateway passes array claims as a string such as
 * `[supervisor admin]`; a decoded token has a real array.
 */
export function groupsFromClaims(claims: JwtClaims | undefined): string[] {
  const raw = claims?.[STAFF_TOKEN.groupsClaim];
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
 * Checks a request against a route's access. The JWT authorizer has already verified the token's
 * signature, issuer, audience and expiry on AWS (and the local adapter does the same); this is where the
 * kind of token and the group are checked: 401 without a verified access token (an ID or refresh token is
 * not one), 403 when none of the caller's roles may call the route.
 */
export function authorize(access: Access, claims: JwtClaims | undefined): Caller | undefined {
  if (access === 'public') return undefined;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw unauthorized();
  if (String(claims?.[STAFF_TOKEN.kindClaim]) !== STAFF_TOKEN.kindValue) throw unauthorized();
  if (!isStaffAccess(access)) {
    // A machine client: its token must carry the route's scope; staff tokens never do.
    const scopes = String(claims?.[MACHINE_TOKEN.scopeClaim] ?? '').split(/\s+/);
    if (!scopes.includes(machineScope(access.scope))) throw forbidden();
    return { sub, roles: [], unitIds: [] };
  }
  const groups = groupsFromClaims(claims);
  const roles = ROLES.filter((role) => groups.includes(role));
  if (!roles.some((role) => access.includes(role))) throw forbidden();
  const unitIds = roles.includes('unitHandler') ? unitsOfGroups(groups) : [];
  return { sub, roles, unitIds };
}
