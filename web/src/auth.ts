import * as z from 'zod';
import type { WebConfig } from './config';

type CognitoAuth = Extract<WebConfig['auth'], { kind: 'cognito' }>;

/** sessionStorage keys: the token lives only as long as the tab, never in localStorage. */
const TOKEN_KEY = 'pingyi.token';
const PKCE_KEY = 'pingyi.pkce';

/** The supervisor's bearer token, if signed in in this tab. */
export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** Keeps a bearer token for this tab. */
export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
}

/** Forgets the token (sign out, or the API said it is no longer valid). */
export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Takes a token handed over in the URL fragment (`supervisor.html#token=…`, as `npm run token` prints it),
 * keeps it, and removes it from the address bar and history so it is not bookmarked or shared by accident.
 */
export function takeTokenFromFragment(): boolean {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = fragment.get('token');
  if (!token) return false;
  storeToken(token);
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = (byteLength: number): string => base64url(crypto.getRandomValues(new Uint8Array(byteLength)));

const ZPending = z.object({ verifier: z.string(), state: z.string(), returnSearch: z.string() });

/**
 * Sends the browser to the Cognito hosted UI: OAuth 2.0 authorization code with PKCE (RFC 7636, S256).
 * The verifier and state stay in this tab's sessionStorage until the redirect comes back.
 */
export async function startCognitoSignIn(auth: CognitoAuth): Promise<void> {
  const verifier = randomString(32);
  const state = randomString(16);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnSearch: location.search }));
  const url = new URL('/oauth2/authorize', auth.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: auth.redirectUri,
    scope: 'openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

const ZTokenResponse = z.object({ access_token: z.string().min(1), token_type: z.string() });

/**
 * Completes a hosted-UI sign-in when the page was opened by its redirect (`?code=…&state=…`): checks the
 * state, swaps the code for tokens at `/oauth2/token`, keeps the access token and cleans the address bar.
 * Returns 'none' when the page was not opened by a redirect; throws when the sign-in failed.
 */
export async function finishCognitoSignIn(auth: CognitoAuth): Promise<'none' | 'signedIn'> {
  const query = new URLSearchParams(location.search);
  const code = query.get('code');
  const error = query.get('error');
  if (!code && !error) return 'none';
  const raw = sessionStorage.getItem(PKCE_KEY);
  sessionStorage.removeItem(PKCE_KEY);
  const pending = raw ? ZPending.safeParse(JSON.parse(raw)) : undefined;
  history.replaceState(null, '', location.pathname + (pending?.success ? pending.data.returnSearch : ''));
  if (error) throw new Error(`sign-in refused: ${error}`);
  if (!pending?.success || pending.data.state !== query.get('state')) throw new Error('sign-in state mismatch');

  const res = await fetch(new URL('/oauth2/token', auth.domain), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: auth.clientId,
      code: code ?? '',
      redirect_uri: auth.redirectUri,
      code_verifier: pending.data.verifier,
    }),
  });
  if (!res.ok) throw new Error(`token endpoint: HTTP ${res.status}`);
  storeToken(ZTokenResponse.parse(await res.json()).access_token);
  return 'signedIn';
}
