import { readFileSync } from 'node:fs';
import { SignJWT, UnsecuredJWT, decodeJwt, importJWK, type JWK, type JWTPayload } from 'jose';
import { machineScope } from '../../functions/platform/auth';
import { MACHINE_SCOPES, ROLES, type Role } from '../../functions/routes';
import { loadLocalIssuer } from '../../infra/local/jwt';
import { jwtKeyFile } from '../../infra/local/paths';

/**
 * Every kind of bearer token a caller may present to the local stack: the access tokens of each role,
 * another system's client-credentials token (with the scope a machine route asks for, or another one), and
 * tokens that must not be accepted — an ID token, an expired one, one of another issuer or for another
 * client, an unsigned one (`alg: none`), one whose signature or claims were tampered with, and garbage.
 * The bad ones are made from a token the route would let through (an access token of a role it allows, or
 * a machine token with its scope), so that the only thing wrong is the token. Tokens are signed with the
 * stack's own key (its data dir's `jwt-key.json`).
 */

export const BAD_TOKENS = [
  'an ID token',
  'a refresh-shaped token',
  'a token without token_use',
  'an expired token',
  'a token of another issuer',
  'a token for another client',
  'an alg:none token',
  'a token with a tampered signature',
  'a token with tampered claims',
  'a malformed token',
] as const;
export type BadToken = (typeof BAD_TOKENS)[number];

/** A scope no route asks for: a machine token holding only it is a machine token for something else. */
export const OTHER_SCOPE = 'reports';

/**
 * Who presents what: nobody, a role's access token, a unit handler with units, another system's token with
 * the service-records scope or with another scope only, or a bad token.
 */
export type Presented =
  | { kind: 'no token' }
  | { kind: 'role'; role: Role }
  | { kind: 'unit handler with units' }
  | { kind: 'machine'; scope: string }
  | { kind: 'bad'; bad: BadToken };

/** Every column of the route × token matrix. */
export const PRESENTED: readonly Presented[] = [
  { kind: 'no token' },
  ...ROLES.map((role) => ({ kind: 'role' as const, role })),
  { kind: 'unit handler with units' },
  { kind: 'machine', scope: MACHINE_SCOPES.serviceRecords },
  { kind: 'machine', scope: OTHER_SCOPE },
  ...BAD_TOKENS.map((bad) => ({ kind: 'bad' as const, bad })),
];

export const describePresented = (p: Presented): string => {
  switch (p.kind) {
    case 'role':
      return `a ${p.role}'s access token`;
    case 'bad':
      return p.bad;
    case 'no token':
      return 'no token';
    case 'unit handler with units':
      return "a unit handler's access token with units";
    case 'machine':
      return `a machine token with scope ${p.scope}`;
  }
};

/** What a bad token is made from: a role's access token, or a machine token with a scope. */
export type TokenBase = Role | { scope: string };

export interface TokenMaker {
  /** The token to present (for bad tokens: made from `base`); undefined for none. */
  token(presented: Presented, base: TokenBase): Promise<string | undefined>;
}

const HOUR_S = 3600;

/** Makes tokens with the signing key of the local stack whose data dir is `dataDir`. */
export async function tokenMaker(dataDir: string): Promise<TokenMaker> {
  const keyFile = jwtKeyFile(dataDir);
  const issuer = await loadLocalIssuer(keyFile);
  const { privateJwk, kid } = JSON.parse(readFileSync(keyFile, 'utf8')) as { privateJwk: JWK; kid: string };
  const privateKey = await importJWK(privateJwk, 'ES256');

  const sign = (claims: JWTPayload) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(privateKey);

  /**
   * The claims of another system's token from the client-credentials flow, as Cognito issues it (the local
   * machine client's): the app client is the subject, no user and no groups, the scope given.
   */
  const machineClaims = async (scope: string): Promise<JWTPayload> => ({
    ...decodeJwt(await issuer.signMachine(MACHINE_SCOPES.serviceRecords)),
    scope: machineScope(scope),
  });
  const claimsOf = async (base: TokenBase): Promise<JWTPayload> =>
    typeof base === 'string' ? decodeJwt(await issuer.sign(base)) : machineClaims(base.scope);
  const valid = async (base: TokenBase) => (typeof base === 'string' ? issuer.sign(base) : sign(await machineClaims(base.scope)));

  return {
    async token(presented, base) {
      switch (presented.kind) {
        case 'no token':
          return undefined;
        case 'role':
          return issuer.sign(presented.role);
        case 'unit handler with units':
          return issuer.sign('unitHandler', { unitIds: ['tax-bureau', 'water-bureau'] });
        case 'machine':
          return sign(await machineClaims(presented.scope));
      }
      const claims = await claimsOf(base);
      const now = Math.floor(Date.now() / 1000);
      switch (presented.bad) {
        case 'an ID token':
          return typeof base === 'string'
            ? issuer.sign(base, { tokenUse: 'id' })
            : sign({ ...claims, token_use: 'id', aud: String(claims.client_id), client_id: undefined });
        case 'a refresh-shaped token':
          // Signed by the issuer for this client, all claims intact, but not an access token.
          return sign({ ...claims, token_use: 'refresh' });
        case 'a token without token_use':
          return sign({ ...claims, token_use: undefined });
        case 'an expired token':
          return sign({ ...claims, iat: now - 2 * HOUR_S, exp: now - HOUR_S });
        case 'a token of another issuer':
          return sign({ ...claims, iss: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_someoneelse' });
        case 'a token for another client':
          return sign({ ...claims, client_id: 'someone-elses-web-client' });
        case 'an alg:none token':
          return new UnsecuredJWT(claims).encode();
        case 'a token with a tampered signature': {
          const [header, payload, signature] = (await valid(base)).split('.') as [string, string, string];
          // A character in the middle: the last one may only carry padding bits.
          const at = Math.floor(signature.length / 2);
          const flipped = signature[at] === 'A' ? 'B' : 'A';
          return `${header}.${payload}.${signature.slice(0, at)}${flipped}${signature.slice(at + 1)}`;
        }
        case 'a token with tampered claims': {
          const [header, , signature] = (await valid(base)).split('.') as [string, string, string];
          const tampered = { ...claims, 'cognito:groups': [...ROLES], scope: `${String(claims.scope ?? '')} ${machineScope(MACHINE_SCOPES.serviceRecords)}` };
          return `${header}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`;
        }
        case 'a malformed token':
          return `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.not-json.${Buffer.from('sig').toString('base64url')}`;
      }
    },
  };
}
