import * as oauth from 'oauth4webapi';
import * as z from 'zod/mini';
import type { WebConfig } from './config';
import { dropToken, keepToken } from './session';

/**
 * Staff sign-in with OAuth 2.0 authorization code and PKCE (RFC 7636) against the deployment's OpenID
 * Connect provider — Cognito's hosted UI, or any OIDC issuer — through oauth4webapi, and sign-out that also
 * ends the provider's session. Loaded by staff pages only.
 */
type OidcAuth = Extract<WebConfig['auth'], { kind: 'oidc' }>;

const PENDING_KEY = 'pingyi.signIn';
const ZPending = z.object({ verifier: z.string(), state: z.string(), returnTo: z.string() });

const server = (auth: OidcAuth): oauth.AuthorizationServer => ({
  issuer: auth.issuer,
  authorization_endpoint: auth.authorizationEndpoint,
  token_endpoint: auth.tokenEndpoint,
});

/** Only a path of this site may be returned to after sign-in (never another origin). */
function safeReturn(path: string): string {
  return path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

/**
 * Sends the browser to the provider's sign-in page. The verifier, the state and the page to come back to
 * stay in this tab's sessionStorage until the redirect returns to the sign-in page.
 */
export async function startSignIn(auth: OidcAuth, returnTo: string = location.pathname + location.search): Promise<void> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo: safeReturn(returnTo) }));
  const url = new URL(auth.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: auth.redirectUri,
    scope: auth.scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * Completes a sign-in on the page the provider redirected to: checks the state, swaps the code for tokens
 * (checking the ID token's issuer and audience), keeps the access token — the one the API accepts — and
 * returns the page to go back to. Throws when the sign-in failed or was not started in this tab.
 */
export async function finishSignIn(auth: OidcAuth): Promise<string> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = ZPending.parse(JSON.parse(raw ?? 'null'));
  const as = server(auth);
  const client: oauth.Client = { client_id: auth.clientId };
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, auth.redirectUri, pending.verifier);
  const result = await oauth.processAuthorizationCodeResponse(as, client, response);
  keepToken(result.access_token);
  return safeReturn(pending.returnTo);
}

/** Signs out here and at the provider, whose page then returns to the site's home. */
export function signOut(auth: WebConfig['auth']): void {
  dropToken();
  if (auth.kind === 'oidc') location.assign(auth.signOutUrl);
}
