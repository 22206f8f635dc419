import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT, errors, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { machineScope } from '../../functions/platform/auth';
import { unitGroupName, type MachineScope } from '../../functions/routes/route';
import type { Role } from '../../functions/routes';
import { uuidV5 } from './ids';

/**
 * The local stand-in for Cognito: signs staff access tokens, and another system's client-credentials
 * tokens, with a key kept in `.local/jwt-key.json`, so `npm run token` and a running `npm start` agree, and
 * verifies them the way API Gateway's JWT authorizer checks Cognito's (signature, issuer, expiry, client id).
 */

/** The `iss` of local tokens. The local adapter accepts no other issuer. */
export const LOCAL_ISSUER = 'http://localhost/pingyi-local-issuer';
/** The `client_id` of local tokens: the "audience" the local authorizer accepts, as an app client id on AWS. */
export const LOCAL_CLIENT_ID = 'pingyi-local-web';
/**
 * The local machine client: another system (a service-hall system posting completed services) as it would
 * be registered with Cognito, with the client-credentials flow. Its tokens' `sub` and `client_id`.
 */
export const LOCAL_MACHINE_CLIENT_ID = 'pingyi-local-machine';
/** The app clients whose tokens the local authorizer accepts: its audience, as on AWS (web client and machine clients). */
export const LOCAL_AUDIENCE = [LOCAL_CLIENT_ID, LOCAL_MACHINE_CLIENT_ID] as const;
/** How long a local machine token is valid (Cognito's default access token validity). */
export const LOCAL_MACHINE_TOKEN_TTL_SECONDS = 60 * 60;
/** How long a local token is valid. */
export const LOCAL_TOKEN_TTL_SECONDS = 12 * 60 * 60;

const ALG = 'ES256';

/** Why a token was refused, in the words API Gateway puts in `www-authenticate`. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
}

export interface LocalIssuer {
  /**
   * A token shaped like a Cognito access token for a demo member of `roles`: `sub`, `username`,
   * `cognito:groups`, `token_use: 'access'`, `client_id`, `scope`, `iss`, `iat`, `exp`, `jti`.
   */
  sign(
    roles: Role | readonly Role[],
    options?: {
      ttlSeconds?: number;
      now?: Date;
      unitIds?: readonly string[];
      /**
       * `id` signs what Cognito issues as an ID token (audience = the client, `token_use: id`): the
       * authorizer accepts it, the functions must not. For tests; `npm run token` signs access tokens.
       */
      tokenUse?: 'access' | 'id';
    },
  ): Promise<string>;
  /**
   * A token shaped like what Cognito's token endpoint gives a machine client for the client-credentials
   * flow: `sub` and `client_id` the client, `token_use: 'access'`, `scope` `<resource server>/<scope>`, no
   * groups.
   */
  signMachine(scope: MachineScope, options?: { ttlSeconds?: number; now?: Date }): Promise<string>;
  /** The verified claims, or a TokenRejectedError saying why the token is not acceptable. */
  verify(token: string): Promise<JWTPayload>;
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * The issuer whose key lives in `keyFile`, generating the key pair the first time. Creation is atomic
 * (written aside, then hard-linked into place), so two processes starting together end up with one key.
 */
export async function loadLocalIssuer(keyFile: string): Promise<LocalIssuer> {
  const stored = readKey(keyFile) ?? (await createKey(keyFile));
  const privateKey = await importJWK(stored.privateJwk, ALG);
  const publicKey = await importJWK(stored.publicJwk, ALG);

  return {
    async sign(roles, { ttlSeconds = LOCAL_TOKEN_TTL_SECONDS, now = new Date(), unitIds = [], tokenUse = 'access' } = {}) {
      const roleList = typeof roles === 'string' ? [roles] : [...roles];
      const groups = [...roleList, ...unitIds.map(unitGroupName)];
      const username = `demo-${[...roleList, ...unitIds].join('-')}`;
      const iat = Math.floor(now.getTime() / 1000);
      const kind =
        tokenUse === 'access'
          ? { token_use: 'access', client_id: LOCAL_CLIENT_ID, scope: 'aws.cognito.signin.user.admin' }
          : { token_use: 'id', aud: LOCAL_CLIENT_ID, 'cognito:username': username, email: `${username}@example.invalid` };
      return new SignJWT({ username, 'cognito:groups': groups, ...kind, auth_time: iat })
        .setProtectedHeader({ alg: ALG, kid: stored.kid, typ: 'JWT' })
        .setSubject(uuidV5(`local-user:${username}`))
        .setIssuer(LOCAL_ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
    },

    async signMachine(scope, { ttlSeconds = LOCAL_MACHINE_TOKEN_TTL_SECONDS, now = new Date() } = {}) {
      const iat = Math.floor(now.getTime() / 1000);
      return new SignJWT({ token_use: 'access', scope: machineScope(scope), client_id: LOCAL_MACHINE_CLIENT_ID, auth_time: iat })
        .setProtectedHeader({ alg: ALG, kid: stored.kid, typ: 'JWT' })
        .setSubject(LOCAL_MACHINE_CLIENT_ID)
        .setIssuer(LOCAL_ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
    },

    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          issuer: LOCAL_ISSUER,
          algorithms: [ALG],
          requiredClaims: ['exp', 'iat', 'sub'],
        });
        // API Gateway checks `aud`, or `client_id` when there is no `aud` (Cognito access tokens have none).
        const audience = payload.aud ?? payload.client_id;
        const audiences = Array.isArray(audience) ? audience : [audience];
        if (!audiences.some((a) => (LOCAL_AUDIENCE as readonly unknown[]).includes(a))) {
          throw new TokenRejectedError('the token does not have a valid audience');
        }
        return payload;
      } catch (error) {
        if (error instanceof TokenRejectedError) throw error;
        if (error instanceof errors.JWTExpired) throw new TokenRejectedError('the token has expired');
        if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss') {
          throw new TokenRejectedError('the token does not have a valid issuer');
        }
        if (error instanceof errors.JOSEError) throw new TokenRejectedError(`the token is not valid (${error.code})`);
        throw error;
      }
    },
  };
}

function readKey(keyFile: string): StoredKey | undefined {
  let text: string;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<StoredKey>;
  if (!parsed.kid || !parsed.privateJwk || !parsed.publicJwk) {
    throw new Error(`${keyFile} is not a local signing key; delete it and a new one is made`);
  }
  return parsed as StoredKey;
}

async function createKey(keyFile: string): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomUUID();
  const key: StoredKey = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), alg: ALG, kid, use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), alg: ALG, kid, use: 'sig' },
  };
  mkdirSync(dirname(keyFile), { recursive: true });
  const aside = `${keyFile}.${process.pid}.${kid}.tmp`;
  writeFileSync(aside, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(aside, keyFile);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process made the key first: use theirs.
    const theirs = readKey(keyFile);
    if (!theirs) throw error;
    return theirs;
  } finally {
    rmSync(aside, { force: true });
  }
}
