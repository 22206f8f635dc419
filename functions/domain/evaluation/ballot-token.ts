import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';

/**
 * Ballot tokens: the one-time invitations (`i`) and service-record links (`r`, 一事一评) a respondent rates
 * with. A token proves by itself what it is for — period, unit (or every unit), group, expiry and serial,
 * under an HMAC of a per-stage key — so checking one needs no read. A token is used up by the very write
 * that stores its ballot: the ballot's key is derived from the token's serial.
 *
 * `<kind>.<keyId>.<periodId>.<unitId|_>.<groupId|_>.<expires, minutes since 1970 in base 36>.<serial>.<mac>`
 *
 * Ids never contain a dot, and `_` is never an id. The MAC is the first 128 bits of HMAC-SHA-256 over
 * everything before it, in base64url. Keys are rotated by adding a key and making it current: tokens of
 * older keys stay valid until their key is retired (`npm run ballot-keys`).
 */

export const TOKEN_KINDS = { invitation: 'i', serviceRecord: 'r' } as const;
export type TokenKind = keyof typeof TOKEN_KINDS;

/** What a token says. */
export interface TokenClaims {
  kind: TokenKind;
  periodId: string;
  /** The unit it rates; undefined for an invitation to rate every unit of a form. */
  unitId?: string;
  /** The respondent group an invitation was issued for. */
  groupId?: string;
  /** When it stops being accepted. */
  expiresAt: Date;
  /** Unique within its period and kind: `<batchId>-<n>` for an invitation, a digest for a service record. */
  serial: string;
}

/** Key material: at least 32 URL-safe characters (what Secrets Manager generates, or base64url of 32 random bytes). */
const KEY = /^[A-Za-z0-9_-]{32,128}$/;
const KEY_ID = /^k[0-9]{1,6}$/;

/**
 * The keys of a stage. The current key signs, every listed key verifies. The record key only turns
 * service-record numbers into serials and never changes, or a record posted again after a rotation could
 * be rated twice; until a rotation writes it down, it is derived from the first key, `k1`.
 */
export interface KeyRing {
  current: string;
  keys: Readonly<Record<string, string>>;
  recordKey: string;
}

/**
 * The ring as a secret holds it: flat JSON, so that Secrets Manager can generate the first key itself —
 * `{"current": "k1", "k1": "<key>", "k2": "<key>", "record": "<key>"}`. Key ids are `k` and a number.
 */
export const ZStoredKeyRing = z.record(z.string(), z.string());

/** The ring in a stored secret, or an error naming what is wrong (never a key). */
export function keyRingOf(stored: Record<string, string>): KeyRing {
  const current = stored.current;
  const keys = Object.fromEntries(Object.entries(stored).filter(([id]) => KEY_ID.test(id)));
  if (!current || !keys[current]) throw new Error('ballot key ring: the current key is missing');
  for (const [id, key] of Object.entries(keys)) if (!KEY.test(key)) throw new Error(`ballot key ring: key ${id} is not 32 to 128 URL-safe characters`);
  const record = stored.record ?? (keys.k1 ? derivedRecordKey(keys.k1) : undefined);
  if (!record || !KEY.test(record)) throw new Error('ballot key ring: no record key, and no k1 to derive it from');
  return { current, keys, recordKey: record };
}

/** The record key derived from the first key, for a ring that has not written its own down. */
export const derivedRecordKey = (k1: string) => createHmac('sha256', k1).update('pingyi ballot record key').digest('base64url');

/** The longest token accepted: well above the longest a valid one can be. */
export const TOKEN_MAX_LENGTH = 400;

const NONE = '_';
const KIND_BY_LETTER = Object.fromEntries(Object.entries(TOKEN_KINDS).map(([k, v]) => [v, k])) as Record<string, TokenKind>;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SERIAL = /^[A-Za-z0-9_-]{4,64}$/;

const macOf = (key: string, payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 16);

/** Signs claims with the ring's current key. */
export function signToken(ring: KeyRing, claims: TokenClaims): string {
  const key = ring.keys[ring.current];
  if (!key) throw new Error(`ballot key ring has no current key ${ring.current}`);
  const minutes = Math.ceil(claims.expiresAt.getTime() / 60_000).toString(36);
  const payload = [TOKEN_KINDS[claims.kind], ring.current, claims.periodId, claims.unitId ?? NONE, claims.groupId ?? NONE, minutes, claims.serial].join('.');
  return `${payload}.${macOf(key, payload).toString('base64url')}`;
}

/**
 * Reads a token and checks its MAC: its claims, or undefined when it is malformed, forged, or signed by a
 * key the ring no longer has. Whether it has expired is the caller's to check (a retry of a stored ballot
 * gets its receipt even after the token expired). Never throws.
 */
export function readToken(ring: KeyRing, token: string): TokenClaims | undefined {
  if (token.length > TOKEN_MAX_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 8) return undefined;
  const [letter, keyId, periodId, unitId, groupId, minutes, serial, mac] = parts as [string, string, string, string, string, string, string, string];
  const kind = KIND_BY_LETTER[letter];
  const key = Object.hasOwn(ring.keys, keyId) ? ring.keys[keyId] : undefined;
  if (!kind || !key || !ID.test(periodId) || !SERIAL.test(serial) || !/^[0-9a-z]{1,10}$/.test(minutes)) return undefined;
  if ((unitId !== NONE && !ID.test(unitId)) || (groupId !== NONE && !ID.test(groupId))) return undefined;
  const expected = macOf(key, parts.slice(0, 7).join('.'));
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return {
    kind,
    periodId,
    ...(unitId !== NONE ? { unitId } : {}),
    ...(groupId !== NONE ? { groupId } : {}),
    expiresAt: new Date(Number.parseInt(minutes, 36) * 60_000),
    serial,
  };
}

/** The reference of the ballot a token stores (its key): `i.<serial>` or `r.<serial>`. */
export const tokenBallotRef = (claims: Pick<TokenClaims, 'kind' | 'serial'>) => `${TOKEN_KINDS[claims.kind]}.${claims.serial}`;

/** The batch of an invitation, from its serial. */
export const batchOfSerial = (serial: string) => serial.slice(0, serial.lastIndexOf('-'));

/** The serial of the n-th invitation of a batch. */
export const invitationSerial = (batchId: string, n: number) => `${batchId}-${n.toString(36)}`;

/**
 * The serial of a service record's token: a keyed digest of the record number, so a link never shows the
 * number, posting the same record again gives the same link, and one record can be rated once.
 */
export function serviceRecordSerial(ring: KeyRing, periodId: string, unitId: string, recordNumber: string): string {
  return createHmac('sha256', ring.recordKey).update(`record\n${periodId}\n${unitId}\n${recordNumber}`).digest().subarray(0, 12).toString('base64url');
}
