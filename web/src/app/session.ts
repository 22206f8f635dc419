import { computed, signal } from '@preact/signals';
import { ROLES, unitsOfGroups, type Role } from '../../../functions/routes/route';

/**
 * The staff member signed in in this tab: their access token (kept in sessionStorage, never in
 * localStorage, so it lives only as long as the tab), what the token says about them, and why they were
 * sent back to sign-in. The token is checked by the API; the claims read here only shape the pages
 * (navigation by role, the name shown).
 */

const TOKEN_KEY = 'pingyi.token';

export type AuthProblem = 'expired' | 'forbidden' | 'signInFailed';

export interface Session {
  token: string | undefined;
  problem: AuthProblem | undefined;
}

function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export const session = signal<Session>({ token: readToken(), problem: undefined });

/** Cognito's groups claim, which the local issuer imitates: where the pages look unless config.json names another. */
const DEFAULT_GROUPS_CLAIM = 'cognito:groups';

/** The access token's claim with the groups: Cognito's unless config.json names the OIDC issuer's own. */
export const groupsClaim = signal(DEFAULT_GROUPS_CLAIM);

/** Reads the groups from this claim from now on (config.ts `loadStaffConfig` calls it with config.json's `groupsClaim`). */
export function readGroupsFrom(claim: string | undefined): void {
  groupsClaim.value = claim ?? DEFAULT_GROUPS_CLAIM;
}

interface Claims {
  sub?: string;
  username?: string;
  email?: string;
  exp?: number;
  [claim: string]: unknown;
}

/** The token's payload, decoded without verification (the API verifies it). */
function claimsOf(token: string | undefined): Claims | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Claims;
  } catch {
    return undefined;
  }
}

/** Who is signed in, as far as the pages need to know. */
export const staff = computed(() => {
  const claims = claimsOf(session.value.token);
  if (!claims) return undefined;
  const raw = claims[groupsClaim.value];
  // An array, as Cognito and most issuers send it; some send one space-separated string.
  const groups = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/\s+/).filter(Boolean) : [];
  return {
    name: claims.email ?? claims.username ?? claims.sub ?? '',
    roles: ROLES.filter((r) => groups.includes(r)) as Role[],
    unitIds: unitsOfGroups(groups),
    expiresAt: claims.exp ? claims.exp * 1000 : undefined,
  };
});

/** Keeps a token for this tab (after sign-in) and forgets any earlier problem. */
export function keepToken(token: string): void {
  const value = token.trim();
  try {
    sessionStorage.setItem(TOKEN_KEY, value);
  } catch {
    // Blocked storage: the token still works until the page is left.
  }
  session.value = { token: value, problem: undefined };
}

/** Forgets the token (sign-out, or the API no longer accepts it), saying why when there is a reason. */
export function dropToken(problem?: AuthProblem): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing kept, nothing to remove.
  }
  session.value = { token: undefined, problem };
}

/** What a staff call's 401 or 403 means for the session: 401 back to sign-in, 403 a refusal shown by the shell. */
export function noteAuthProblem(status: 401 | 403): void {
  if (status === 401) dropToken('expired');
  else session.value = { ...session.value, problem: 'forbidden' };
}

/**
 * Takes a token handed over in the URL fragment (`admin-forms.html#token=…`, as `npm start` prints it),
 * keeps it, and removes it from the address bar and history so it is not bookmarked or shared by accident.
 */
export function takeTokenFromFragment(): boolean {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = fragment.get('token');
  if (!token) return false;
  keepToken(token);
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}
