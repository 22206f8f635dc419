import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  derivedRecordKey,
  keyRingOf,
  readToken,
  serviceRecordSerial,
  signToken,
  type TokenClaims,
} from '../../../functions/domain/evaluation/ballot-token';
import {
  BallotKeysError,
  describeRing,
  ensureRingFile,
  newKey,
  newRing,
  retireKey,
  rotateRing,
  secretArnOutput,
} from '../../../infra/ops/ballot-keys';
import { parseBallotKeysArgs, runBallotKeysCli } from '../../../infra/ops/ballot-keys-cli';
import { SECRETS } from '../../../functions/store/secrets';

const K1 = 'k1-key-material-0123456789abcdefghijklmnopqrstu';
const K2 = 'k2-key-material-0123456789abcdefghijklmnopqrstu';
const K3 = 'k3-key-material-0123456789abcdefghijklmnopqrstu';

const claims: TokenClaims = {
  kind: 'invitation',
  periodId: '2026-annual',
  groupId: 'deputy',
  expiresAt: new Date('2027-01-01T00:00:00Z'),
  serial: 'demo-deputies-1',
};

describe('newRing', () => {
  it('makes a ring of one fresh key, k1, current, as the functions read it', () => {
    // act
    const ring = newRing();

    // assert
    expect(Object.keys(ring)).toEqual(['current', 'k1']);
    expect(ring.current).toBe('k1');
    expect(ring.k1).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keyRingOf(ring).current).toBe('k1');
    expect(newRing().k1).not.toBe(ring.k1);
  });

  it('makes keys of 32 random bytes in base64url', () => {
    expect(newKey((size) => Buffer.alloc(size, 0xff))).toBe(Buffer.alloc(32, 0xff).toString('base64url'));
  });
});

describe('rotateRing', () => {
  it('adds the next key and makes it current, while the older keys keep verifying', () => {
    // prepare
    const before = keyRingOf({ current: 'k1', k1: K1 });
    const token = signToken(before, claims);

    // act
    const rotated = rotateRing({ current: 'k1', k1: K1 }, K2);

    // assert
    expect(rotated).toMatchObject({ current: 'k2', k1: K1, k2: K2 });
    const ring = keyRingOf(rotated);
    expect(readToken(ring, token)).toEqual(claims);
    expect(signToken(ring, claims).split('.')[1]).toBe('k2');
  });

  it('writes the record key down as derived from k1, so service-record serials never change', () => {
    // prepare
    const first = keyRingOf({ current: 'k1', k1: K1 });
    const serial = serviceRecordSerial(first, '2026-annual', 'window-general', 'BJ-0001');

    // act
    const rotated = rotateRing({ current: 'k1', k1: K1 }, K2);
    const withoutK1 = retireKey(rotated, 'k1');

    // assert
    expect(rotated.record).toBe(derivedRecordKey(K1));
    expect(serviceRecordSerial(keyRingOf(withoutK1), '2026-annual', 'window-general', 'BJ-0001')).toBe(serial);
  });

  it('keeps a record key already written down, and numbers past the highest key', () => {
    // act
    const rotated = rotateRing({ current: 'k7', k7: K2, record: K3 }, K1);

    // assert
    expect(rotated).toEqual({ current: 'k8', k7: K2, k8: K1, record: K3 });
  });

  it('refuses a ring the functions could not read, naming what is wrong but never a key', () => {
    expect(() => rotateRing({ current: 'k2', k1: K1 })).toThrow(BallotKeysError);
    expect(() => rotateRing({ current: 'k1', k1: 'short' })).toThrow(/k1 is not 32 to 128/);
    try {
      rotateRing({ current: 'k1', k1: 'short' });
    } catch (error) {
      expect((error as Error).message).not.toContain('short');
    }
  });
});

describe('retireKey', () => {
  it('removes a key that no longer signs: its links stop verifying, the others do not', () => {
    // prepare
    const old = signToken(keyRingOf({ current: 'k1', k1: K1 }), claims);
    const rotated = rotateRing({ current: 'k1', k1: K1 }, K2);
    const fresh = signToken(keyRingOf(rotated), claims);

    // act
    const retired = retireKey(rotated, 'k1');

    // assert
    expect(retired).toEqual({ current: 'k2', k2: K2, record: derivedRecordKey(K1) });
    expect(readToken(keyRingOf(retired), old)).toBeUndefined();
    expect(readToken(keyRingOf(retired), fresh)).toEqual(claims);
  });

  it('refuses to retire the current key, an unknown key, or something that is not a key id', () => {
    const ring = rotateRing({ current: 'k1', k1: K1 }, K2);
    expect(() => retireKey(ring, 'k2')).toThrow(/current key: rotate first/);
    expect(() => retireKey(ring, 'k9')).toThrow(/no key k9; it has k1, k2/);
    expect(() => retireKey(ring, 'record')).toThrow(/not a key id/);
  });

  it('writes the record key down before k1 goes, even in a ring edited by hand', () => {
    // act
    const retired = retireKey({ current: 'k2', k1: K1, k2: K2 }, 'k1');

    // assert
    expect(retired.record).toBe(derivedRecordKey(K1));
    expect(keyRingOf(retired).recordKey).toBe(derivedRecordKey(K1));
  });
});

describe('describeRing', () => {
  it('says which keys the ring holds and which signs, without a key', () => {
    // act
    const summary = describeRing({ current: 'k2', k1: K1, k2: K2 });

    // assert
    expect(summary).toEqual({ current: 'k2', keys: ['k1', 'k2'], record: 'derived' });
    expect(JSON.stringify(summary)).not.toContain(K1.slice(0, 10));
  });
});

describe('ensureRingFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ballot-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the ring on first use, readable by its owner only, and keeps it afterwards', () => {
    // act
    const path = join(dir, 'nested', 'ballot-keys.json');
    const first = ensureRingFile(path);
    const second = ensureRingFile(path);

    // assert
    expect(second).toEqual(first);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(first);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

/** Runs `npm run ballot-keys -- <argv>` and collects what it prints. */
async function cli(argv: string[], clients = awsClients(), defaultFile?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runBallotKeysCli(argv, () => clients, { out: (l) => out.push(l), err: (l) => err.push(l) }, defaultFile);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const secretsManager = new SecretsManagerClient({ region: 'cn-north-1' });
const cloudFormation = new CloudFormationClient({ region: 'cn-north-1' });
const secretsMock = mockClient(secretsManager);
const cfnMock = mockClient(cloudFormation);
const awsClients = () => ({ secretsManager, cloudFormation });
const SECRET_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:BallotKeys-AbCdEf';

describe('npm run ballot-keys', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    secretsMock.reset();
    cfnMock.reset();
    dir = mkdtempSync(join(tmpdir(), 'ballot-keys-cli-'));
    file = join(dir, 'ballot-keys.json');
    writeFileSync(file, JSON.stringify({ current: 'k1', k1: K1 }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('works on the local ring by default, and never prints a key', async () => {
    // act
    const shown = await cli(['show'], awsClients(), file);
    const rotated = await cli(['rotate'], awsClients(), file);

    // assert
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('current key: k1');
    expect(rotated.code).toBe(0);
    expect(rotated.out).toContain('k2 added and made current; k1 still verifies');
    expect(rotated.out).toContain('not before 5 minutes');
    const ring = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(ring).toMatchObject({ current: 'k2', k1: K1, record: derivedRecordKey(K1) });
    for (const printed of [shown.out, rotated.out]) {
      for (const key of Object.values(ring)) if (key.length > 8) expect(printed).not.toContain(key);
    }
    expect(secretsMock).not.toHaveReceivedAnyCommand();
  });

  it('retires a key of the local ring, and refuses the current one with exit code 1', async () => {
    // prepare
    await cli(['rotate'], awsClients(), file);

    // act
    const refused = await cli(['retire', 'k2'], awsClients(), file);
    const retired = await cli(['retire', 'k1'], awsClients(), file);

    // assert
    expect(refused).toMatchObject({ code: 1, err: expect.stringContaining('k2 is the current key') });
    expect(retired.code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual(['current', 'k2', 'record']);
  });

  it("rotates a stage's secret found through its stack's output, with PutSecretValue", async () => {
    // prepare
    cfnMock.on(DescribeStacksCommand, { StackName: 'Pingyi-prod' }).resolves({
      Stacks: [
        {
          StackName: 'Pingyi-prod',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date('2026-01-05T02:00:00Z'),
          Outputs: [{ OutputKey: secretArnOutput(SECRETS.ballotKeys), OutputValue: SECRET_ARN }],
        },
      ],
    });
    // What Secrets Manager generated at deploy time: 48 letters and digits under k1.
    secretsMock.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify({ current: 'k1', k1: 'A'.repeat(48) }) });
    secretsMock.on(PutSecretValueCommand).resolves({});

    // act
    const { code, out } = await cli(['rotate', '--stage', 'prod']);

    // assert
    expect(code).toBe(0);
    expect(out).toContain(`secret ${SECRET_ARN}: k2 added`);
    expect(out).toContain('npm run ballot-keys -- retire k1 --stage prod');
    const put = secretsMock.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put.SecretId).toBe(SECRET_ARN);
    const written = JSON.parse(put.SecretString!) as Record<string, string>;
    expect(written).toMatchObject({ current: 'k2', k1: 'A'.repeat(48), record: derivedRecordKey('A'.repeat(48)) });
    expect(keyRingOf(written).current).toBe('k2');
  });

  it('uses --secret-id without looking up a stack, and says so when a stage has no such output', async () => {
    // prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ current: 'k1', k1: K1 }) });
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Pingyi-dev', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs: [] }] });

    // act
    const shown = await cli(['show', '--secret-id', SECRET_ARN]);
    const missing = await cli(['show', '--stage', 'dev']);

    // assert
    expect(shown.code).toBe(0);
    expect(cfnMock.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(missing).toMatchObject({ code: 1, err: expect.stringContaining('has no output BallotKeysSecretArn') });
  });

  it('answers a bad command line with the usage and exit code 2', async () => {
    expect((await cli(['turn'])).code).toBe(2);
    expect((await cli(['retire'])).err).toContain('retire needs exactly one key id');
    expect((await cli(['show', '--stage', 'prod', '--secret-id', SECRET_ARN])).err).toContain('give one of');
    expect(parseBallotKeysArgs(['retire', 'k1', '--stage', 'prod'])).toEqual({ action: 'retire', keyId: 'k1', ring: { stage: 'prod' } });
  });
});
