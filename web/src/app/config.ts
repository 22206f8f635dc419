import * as z from 'zod/mini';

/**
 * What the pages learn from `GET /config.json` at run time, so one build serves every deployment:
 * locally the runtime serves `{ apiBase: '', auth: { kind: 'local' } }`; on AWS the stack writes the
 * API's URL and the sign-in settings of the identity provider (Cognito's hosted UI, or any OIDC issuer).
 */
export const ZWebConfig = z.object({
  /** Prefix of every API path; '' means the pages' own origin. */
  apiBase: z.string(),
  auth: z.discriminatedUnion('kind', [
    /** `npm start`: staff paste a local token (or open a `#token=` link). */
    z.object({ kind: z.literal('local') }),
    /** OAuth 2.0 authorization code with PKCE against an OpenID Connect provider. */
    z.object({
      kind: z.literal('oidc'),
      /** The `iss` of the provider's tokens (Cognito: https://cognito-idp.<region>.amazonaws.com/<pool id>). */
      issuer: z.url(),
      authorizationEndpoint: z.url(),
      tokenEndpoint: z.url(),
      clientId: z.string().check(z.minLength(1)),
      /** The sign-in page registered as the client's callback URL (…/sign-in.html). */
      redirectUri: z.url(),
      scope: z.string().check(z.minLength(1)),
      /** Where the browser goes to end the provider's own session after local sign-out (Cognito's /logout). */
      signOutUrl: z.url(),
      /** The access token's claim that lists the staff member's groups. @default 'cognito:groups' */
      groupsClaim: z.optional(z.string().check(z.minLength(1))),
    }),
  ]),
});
export type WebConfig = z.infer<typeof ZWebConfig>;

/** config.json, checked whole: what staff pages need to sign in. */
export async function loadStaffConfig(load: () => Promise<unknown>): Promise<WebConfig> {
  const config = ZWebConfig.parse(await load());
  // The session reads the staff member's groups from the claim of this deployment's issuer. Imported here
  // rather than at the top: infra/ reads this module too, and the citizen page's session needs no config.
  const { readGroupsFrom } = await import('./session');
  readGroupsFrom(config.auth.kind === 'oidc' ? config.auth.groupsClaim : undefined);
  return config;
}

/** The page the provider sends staff back to with the authorization code; it returns them to where they were. */
export const SIGN_IN_PAGE = '/sign-in.html';
