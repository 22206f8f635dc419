import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../functions/store/client';
import { openAuditTarget, parseAuditArgs, runAuditCli, type AuditTarget } from '../../../infra/ops/audit-cli';
import { UsageError } from '../../../infra/ops/cli';
import { districtAuditItems } from '../../fixtures/audit';
import { UNIT_TABLE, fakeTables, type FakeTables } from '../api/fake-tables';

const ddb = mockClient(DynamoDBDocumentClient);
let tables: FakeTables;

/** Runs a command line against the tables in memory; what it printed, and its exit code. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const open = async (): Promise<AuditTarget> => ({ db: createDocumentClient(), where: 'the test tables', close: async () => undefined });
  const code = await runAuditCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, open);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeEach(() => {
  ddb.reset();
  tables = fakeTables(ddb);
  // a case event and a snapshot, chained
  tables.put(UNIT_TABLE.cases, { pk: 'CASE#1', sk: 'EVENT#000001', action: 'file', to: 'RECEIVED' });
  tables.put(UNIT_TABLE.tallies, { pk: 'P#2026', sk: 'S#tax-bureau#2026-11-29', n: 12 });
  tables.put(UNIT_TABLE.audit, ...districtAuditItems((key) => tables.items(UNIT_TABLE[key])));
});

describe('parseAuditArgs', () => {
  it('reads verify, where to go on from, how long to settle, and an endpoint', () => {
    expect(parseAuditArgs(['verify'])).toEqual({ action: 'verify', afterSeq: 0, endpoint: undefined, settleSeconds: 10 });
    expect(parseAuditArgs(['verify', '--after', '120', '--settle-seconds', '0', '--endpoint', 'http://127.0.0.1:8123'])).toEqual({
      action: 'verify',
      afterSeq: 120,
      endpoint: 'http://127.0.0.1:8123',
      settleSeconds: 0,
    });
    expect(parseAuditArgs(['--help'])).toEqual({ action: 'help' });
  });

  it.each([[[]], [['check']], [['verify', 'now']], [['verify', '--after', '-1']], [['verify', '--after', 'x']], [['verify', '--endpoint', 'localhost']], [['verify', '--bogus']]])(
    'refuses %j as a usage error',
    (argv) => {
      expect(() => parseAuditArgs(argv)).toThrow(UsageError);
    },
  );
});

describe('openAuditTarget', () => {
  it('wants every table variable or none', async () => {
    await expect(openAuditTarget(undefined, { AUDIT_TABLE: 'a', CASES_TABLE: 'c' })).rejects.toThrow(/TALLIES_TABLE, DISCLOSURES_TABLE, BRIEFINGS_TABLE missing/);
  });
});

describe('npm run audit', () => {
  it('prints an intact chain and exits 0', async () => {
    // act
    const run = await cli('verify', '--settle-seconds', '0');

    // assert
    expect(run.code).toBe(0);
    expect(run.out).toContain('Verifying the audit chain in the test tables');
    expect(run.out).toMatch(/INTACT: 2 record\(s\) checked, 1 to 2/);
  });

  it('prints the first broken link, the item it names, and exits 1', async () => {
    // prepare: the snapshot rewritten in place
    tables.put(UNIT_TABLE.tallies, { pk: 'P#2026', sk: 'S#tax-bureau#2026-11-29', n: 40 });

    // act
    const run = await cli('verify', '--settle-seconds', '0');

    // assert
    expect(run.code).toBe(1);
    expect(run.err).toContain('BROKEN at record 2 (sourceAltered)');
    expect(run.err).toContain('item: tallies (P#2026, S#tax-bureau#2026-11-29)');
    expect(run.err).toContain('records 1 to 1 are intact');
  });

  it('shows the usage and exits 2 on a usage error, 0 on --help', async () => {
    // act
    const bad = await cli('verfy');
    const help = await cli('-h');

    // assert
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('npm run audit: unknown command "verfy"');
    expect(help.code).toBe(0);
    expect(help.out).toContain('npm run audit -- verify');
  });

  it('exits 3 with one line when it cannot read the tables', async () => {
    // prepare
    const open = async (): Promise<AuditTarget> => {
      throw Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
    };
    const err: string[] = [];

    // act
    const code = await runAuditCli(['verify'], { out: () => undefined, err: (line) => err.push(line) }, open);

    // assert
    expect(code).toBe(3);
    expect(err.join('\n')).toContain('a table is missing');
  });
});
