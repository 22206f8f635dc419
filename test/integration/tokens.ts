import { readFileSync } from 'node:fs';
import { SignJWT, UnsecuredJWT, decodeJwt, importJWK, type JWK, type JWTPayload } from 'jose';
import { ROLES, type Role } from '../../functions/routes';
import { loadLocalIssuer } from '../../infra/local/jwt';
import { jwtKeyFile } from '../../infra/local/paths';

/**
 * Every kind of bearer token a caller may present to the local stack: the access tokens of each role, and
 * tokens that must not be accepted — an ID token, an expired one, one of another issuer or for another
 * client, an unsigned one (`alg: none`), one whose signature or claims were tampered with, and garbage.
 * The bad ones are made from an access token of a role the route allows, so that the only thing wrong is
 * the token. Tokens are signed with the stack's own key (its data dir's `jwt-key.json`).
 */

export const BAD_TOKENS = [
  'an ID token',
  'an expired token',
  'a token of another issuer',
  'a token for another client',
  'an alg:none token',
  'a token with a tampered signature',
  'a token with tampered claims',
  'a malformed token',
] as const;
export type BadToken = (typeof BAD_TOKENS)[number];

/** Who presents what: nobody, a role's access token, a unit handler with units, or a bad token. */
export type Presented =
  | { kind: 'no token' }
  | { kind: 'role'; role: Role }
  | { kind: 'unit handler with units' }
  | { kind: 'bad'; bad: BadToken };

/** Every column of the route × token matrix. */
export const PRESENTED: readonly Presented[] = [
  { kind: 'no token' },
  ...ROLES.map((role) => ({ kind: 'role' as const, role })),
  { kind: 'unit handler with units' },
  ...BAD_TOKENS.map((bad) => ({ kind: 'bad' as const, bad })),
];

export const describePresented = (p: Presented): string =>
  p.kind === 'role' ? `a ${p.role}'s access token` : p.kind === 'bad' ? p.bad : p.kind === 'no token' ? 'no token' : "a unit handler's access token with units";

export interface TokenMaker {
  /** The token to present, as the role given (for bad tokens: the role they were made from); undefined for none. */
  token(presented: Presented, role: Role): Promise<string | undefined>;
}

/** Makes tokens with the signing key of the local stack whose data dir is `dataDir`. */
export async function tokenMaker(dataDir: string): Promise<TokenMaker> {
  const keyFile = jwtKeyFile(dataDir);
  const issuer = await loadLocalIssuer(keyFile);
  const { privateJwk, kid } = JSON.parse(readFileSync(keyFile, 'utf8')) as { privateJwk: JWK; kid: string };
  const privateKey = await importJWK(privateJwk, 'ES256');

  /** The same claims as a real access token, with some changed, signed with the stack's own key. */
  const resigned = async (role: Role, changes: JWTPayload) => {
    const claims = decodeJwt(await issuer.sign(role));
    return new SignJWT({ ...claims, ...changes }).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(privateKey);
  };

  return {
    async token(presented, role) {
      switch (presented.kind) {
        case 'no token':
          return undefined;
        case 'role':
          return issuer.sign(presented.role);
        case 'unit handler with units':
          return issuer.sign('unitHandler', { unitIds: ['tax-bureau', 'water-bureau'] });
      }
      switch (presented.bad) {
        case 'an ID token':
          return issuer.sign(role, { tokenUse: 'id' });
        case 'an expired token':
          return issuer.sign(role, { now: new Date(Date.now() - 2 * 3600_000), ttlSeconds: 3600 });
        case 'a token of another issuer':
          return resigned(role, { iss: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_someoneelse' });
        case 'a token for another client':
          return resigned(role, { client_id: 'someone-elses-web-client' });
        case 'an alg:none token':
          return new UnsecuredJWT(decodeJwt(await issuer.sign(role))).encode();
        case 'a token with a tampered signature': {
          const [header, payload, signature] = (await issuer.sign(role)).split('.') as [string, string, string];
          // A character in the middle: the last one may only carry padding bits.
          const at = Math.floor(signature.length / 2);
          const flipped = signature[at] === 'A' ? 'B' : 'A';
          return `${header}.${payload}.${signature.slice(0, at)}${flipped}${signature.slice(at + 1)}`;
        }
        case 'a token with tampered claims': {
          const [header, , signature] = (await issuer.sign(role)).split('.') as [string, string, string];
          const claims = { ...decodeJwt(await issuer.sign(role)), 'cognito:groups': [...ROLES] };
          return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
        }
        case 'a malformed token':
          return `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.not-json.${Buffer.from('sig').toString('base64url')}`;
      }
    },
  };
}
