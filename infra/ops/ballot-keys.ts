import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CloudFormationServiceException, DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { derivedRecordKey, keyRingOf } from '../../functions/domain/evaluation/ballot-token';
import { BALLOT_KEYS_MAX_AGE_SECONDS } from '../../functions/store/ballot-keys';
import { SECRETS, type SecretDefinition } from '../../functions/store/secrets';

/**
 * The ballot-key ring as operators handle it (`npm run ballot-keys`; the CLI is ballot-keys-cli.ts): make a
 * ring, rotate (a new key signs, the older ones keep verifying), retire a key nobody needs any more, and
 * show what a ring holds without showing a key. The ring is the flat JSON of domain/evaluation/
 * ballot-token.ts (`{"current":"k2","k1":"…","k2":"…","record":"…"}`), kept in Secrets Manager on AWS and
 * in `.local/ballot-keys.json` locally.
 */

/** A ring as stored: flat JSON, string values. */
export type StoredRing = Record<string, string>;

/** Why a ring cannot be changed as asked, in words for an operator; never carries a key. */
export class BallotKeysError extends Error {
  override name = 'BallotKeysError';
}

/** The stack output with a secret's ARN (see infra/stacks/pingyi-stack.ts). */
export const secretArnOutput = (definition: SecretDefinition) => `${definition.id}SecretArn`;

const KEY_ID = /^k([0-9]{1,6})$/;

/** New key material: 32 random bytes in base64url (43 characters, within what keyRingOf accepts). */
export const newKey = (random: (size: number) => Buffer = randomBytes): string => random(32).toString('base64url');

/** A ring with one key, k1, current: what `npm start` makes on first start. */
export const newRing = (key: string = newKey()): StoredRing => ({ current: 'k1', k1: key });

/** The key ids of a ring, in number order. */
const keyIds = (stored: StoredRing): string[] =>
  Object.keys(stored)
    .filter((id) => KEY_ID.test(id))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));

/** A ring in a fixed order (current, the keys by number, record), checked as the functions will read it. */
function ordered(stored: StoredRing): StoredRing {
  const ring: StoredRing = { current: stored.current! };
  for (const id of keyIds(stored)) ring[id] = stored[id]!;
  if (stored.record !== undefined) ring.record = stored.record;
  checked(ring);
  return ring;
}

/** The ring, if the functions can read it; otherwise a BallotKeysError saying why (keyRingOf's words). */
function checked(stored: StoredRing): StoredRing {
  try {
    keyRingOf(stored);
  } catch (error) {
    throw new BallotKeysError((error as Error).message);
  }
  return stored;
}

/**
 * Adds the next key (`k<highest + 1>`) and makes it current. Writes the record key down first, derived from
 * k1 as the functions derive it, so that retiring k1 later never changes a service record's serial (a record
 * posted again after that must give the same link, and be rated once).
 */
export function rotateRing(stored: StoredRing, key: string = newKey()): StoredRing {
  checked(stored);
  const ids = keyIds(stored);
  const next = `k${Math.max(0, ...ids.map((id) => Number(id.slice(1)))) + 1}`;
  if (!KEY_ID.test(next)) throw new BallotKeysError(`no key id after ${ids.at(-1)}`);
  const record = stored.record ?? derivedRecordKey(stored.k1!);
  return ordered({ ...stored, record, [next]: key, current: next });
}

/**
 * Removes a key that no longer signs: every link signed with it stops working. The current key cannot be
 * retired (rotate first). Retiring k1 of a ring that never wrote its record key down writes it first.
 */
export function retireKey(stored: StoredRing, keyId: string): StoredRing {
  checked(stored);
  if (!KEY_ID.test(keyId)) throw new BallotKeysError(`"${keyId}" is not a key id (k1, k2, …)`);
  if (!(keyId in stored)) throw new BallotKeysError(`the ring has no key ${keyId}; it has ${keyIds(stored).join(', ')}`);
  if (stored.current === keyId) throw new BallotKeysError(`${keyId} is the current key: rotate first, then retire it once nothing needs it`);
  const { [keyId]: _retired, ...rest } = stored;
  return ordered({ ...rest, record: stored.record ?? derivedRecordKey(stored.k1!) });
}

/** What a ring holds, without a key. */
export interface RingSummary {
  current: string;
  keys: string[];
  /** `stored`: the record key is written down; `derived`: still derived from k1 (no rotation yet). */
  record: 'stored' | 'derived';
}

export function describeRing(stored: StoredRing): RingSummary {
  checked(stored);
  return { current: stored.current!, keys: keyIds(stored), record: stored.record !== undefined ? 'stored' : 'derived' };
}

/** The summary as the CLI prints it. */
export function formatSummary(summary: RingSummary): string {
  const retirable = summary.keys.filter((id) => id !== summary.current);
  return [
    `current key: ${summary.current} (signs new links)`,
    `keys:        ${summary.keys.join(', ')} (each verifies the links signed with it)`,
    `record key:  ${summary.record === 'stored' ? 'stored in the ring' : 'derived from k1 (written down at the first rotation)'}`,
    ...(retirable.length > 0 ? [`retirable:   ${retirable.join(', ')} (once no link signed with it is needed: see README)`] : []),
  ].join('\n');
}

/**
 * How long to wait after a rotation before retiring the old key: until every warm function has read the
 * new ring (BALLOT_KEYS_MAX_AGE_SECONDS), plus however long links signed with the old key must still work.
 */
export const ROTATION_PROPAGATION_MINUTES = Math.ceil(BALLOT_KEYS_MAX_AGE_SECONDS / 60);

/** Where a ring is kept: read it, write it back. */
export interface RingStore {
  /** For messages: the file, or the secret. */
  readonly where: string;
  read(): Promise<StoredRing>;
  write(ring: StoredRing): Promise<void>;
}

function parseRing(text: string, where: string): StoredRing {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BallotKeysError(`${where} does not hold JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new BallotKeysError(`${where} is not a ballot key ring (a flat JSON object of strings)`);
  }
  return parsed as StoredRing;
}

/** A ring in a local file (`.local/ballot-keys.json`); written whole, by rename, readable by its owner only. */
export function fileRingStore(path: string): RingStore {
  return {
    where: path,
    async read() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BallotKeysError(`${path} does not exist: \`npm start\` makes it on its first start`);
        throw error;
      }
      return parseRing(text, path);
    },
    async write(ring) {
      const aside = `${path}.${process.pid}.tmp`;
      writeFileSync(aside, `${JSON.stringify(ordered(ring), null, 2)}\n`, { mode: 0o600 });
      renameSync(aside, path);
    },
  };
}

/**
 * The ring in `path`, made (k1 only) when the file does not exist yet. Creation is atomic (written aside,
 * then hard-linked into place), so two processes starting together end up with one ring.
 */
export function ensureRingFile(path: string): StoredRing {
  try {
    return parseRing(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true });
  const ring = newRing();
  const aside = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(aside, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(aside, path);
    return ring;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseRing(readFileSync(path, 'utf8'), path);
  } finally {
    rmSync(aside, { force: true });
  }
}

/** A ring in a Secrets Manager secret: GetSecretValue, and PutSecretValue for a new current version. */
export function secretRingStore(client: SecretsManagerClient, secretId: string): RingStore {
  return {
    where: `secret ${secretId}`,
    async read() {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (SecretString === undefined) throw new BallotKeysError(`secret ${secretId} has no string value`);
      return parseRing(SecretString, `secret ${secretId}`);
    },
    async write(ring) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(ordered(ring)) }));
    },
  };
}

/** The ballot-key secret of a deployed stage, from its stack's output. */
export async function findBallotKeysSecret(cloudFormation: CloudFormationClient, stackName: string): Promise<string> {
  const output = secretArnOutput(SECRETS.ballotKeys);
  let stack;
  try {
    stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id … does not exist".
    if (error instanceof CloudFormationServiceException && /does not exist/.test(error.message)) stack = undefined;
    else throw error;
  }
  if (!stack) throw new BallotKeysError(`stack ${stackName} was not found in this region: choose another --stage or region, or pass --secret-id`);
  const arn = stack.Outputs?.find((o) => o.OutputKey === output)?.OutputValue;
  if (!arn) throw new BallotKeysError(`stack ${stackName} has no output ${output}: deploy this version of Pingyi first, or pass --secret-id`);
  return arn;
}
