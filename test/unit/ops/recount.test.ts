import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecountRecord } from '../../../functions/domain/evaluation/recount';
import { createDocumentClient } from '../../../functions/store/client';
import { formatRecord, openTarget, parseRecountArgs, runRecountCli, type RecountTarget } from '../../../infra/ops/recount-cli';
import { UsageError } from '../../../infra/ops/cli';
import { aPeriod, DURING_PERIOD } from '../../fixtures/catalog';
import { periodItem } from '../../fixtures/items';
import { UNIT_TABLE, fakeTables, type FakeTables } from '../api/fake-tables';

const ddb = mockClient(DynamoDBDocumentClient);
let tables: FakeTables;

/** Runs a command line against the tables in memory; what it printed, and its exit code. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const opened: (string | undefined)[] = [];
  const open = async (endpoint: string | undefined): Promise<RecountTarget> => {
    opened.push(endpoint);
    return { db: createDocumentClient(), where: 'the test tables', close: async () => undefined };
  };
  const code = await runRecountCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, open);
  return { code, out: out.join('\n'), err: err.join('\n'), opened };
}

beforeEach(() => {
  vi.setSystemTime(DURING_PERIOD);
  ddb.reset();
  tables = fakeTables(ddb);
  tables.put(UNIT_TABLE.catalog, periodItem(aPeriod()));
});

describe('parseRecountArgs', () => {
  it('reads one period, or --all, and an endpoint', () => {
    expect(parseRecountArgs(['--period', '2026-annual'])).toEqual({ action: 'recount', periodId: '2026-annual', endpoint: undefined });
    expect(parseRecountArgs(['--all', '--endpoint', 'http://127.0.0.1:8123'])).toEqual({ action: 'recount', periodId: undefined, endpoint: 'http://127.0.0.1:8123' });
    expect(parseRecountArgs(['-h'])).toEqual({ action: 'help' });
  });

  it.each([[[]], [['--period', 'a', '--all']], [['--period']], [['--periode', 'a']], [['--all', '--endpoint', 'localhost']]])('refuses %j', (argv) => {
    expect(() => parseRecountArgs(argv)).toThrow(UsageError);
  });
});

describe('openTarget', () => {
  // It binds the store to its target through process.env, as the functions' configuration does.
  const before = { ...process.env };
  afterEach(() => {
    process.env = { ...before };
  });

  it('refuses some table variables without the others', async () => {
    await expect(openTarget(undefined, { CATALOG_TABLE: 'x' })).rejects.toThrow(/RESPONSES_TABLE, TALLIES_TABLE, REVIEWS_TABLE missing/);
  });

  it('uses the tables the environment names (AWS) when every one is set', async () => {
    // act
    const target = await openTarget(undefined, { CATALOG_TABLE: 'c', RESPONSES_TABLE: 'r', TALLIES_TABLE: 't', REVIEWS_TABLE: 'v' });
    await target.close();

    // assert
    expect(target.where).toBe('tables c, r, t, v (AWS)');
  });
});

describe('formatRecord', () => {
  const record: RecountRecord = {
    periodId: '2026-annual',
    at: '2026-06-15T19:00:00.000Z',
    periodRev: 2,
    status: 'repaired',
    ballots: 120,
    adopted: 0,
    unitsDiffering: ['tax-bureau', 'water-bureau'],
    countersDiffering: 3,
  };

  it('shows when in CST, what differed and where', () => {
    expect(formatRecord(record)).toBe(
      'period 2026-annual (revision 2), recounted 2026-06-16 03:00:00 CST: 120 counted ballots read again\n' +
        '  REPAIRED: 3 counters differed and now equal the recount; units: tax-bureau, water-bureau.\n' +
        '  The figures were derived again; the RecountMismatches alarm fires on AWS. Find out why (README "Recount").',
    );
    expect(formatRecord({ ...record, status: 'match', unitsDiffering: [], countersDiffering: 0 })).toMatch(/\n {2}match: the counters equal the recount\.$/);
    expect(formatRecord({ ...record, status: 'busy', unitsDiffering: [], countersDiffering: 0 })).toMatch(/busy: .* run it again\.$/);
  });
});

describe('npm run recount', () => {
  it('recounts one period and prints its record, exit code 0', async () => {
    // act
    const { code, out, err } = await cli('--period', '2026-annual');

    // assert
    expect([code, err]).toEqual([0, '']);
    expect(out).toContain('Recounting period 2026-annual in the test tables');
    expect(out).toContain('period 2026-annual (revision 1), recounted 2026-06-15 10:00:00 CST: 0 counted ballots read again\n  match');
    expect(tables.get(UNIT_TABLE.tallies, { pk: 'C#2026-annual', sk: 'RECOUNT' })).toMatchObject({ status: 'match' });
  });

  it('says so and exits 1 for an unknown period', async () => {
    // act
    const { code, out, err } = await cli('--period', 'nope');

    // assert
    expect(code).toBe(1);
    expect(err).toBe('npm run recount: no period "nope" in the test tables.');
    expect(out).toBe('');
  });

  it('recounts every period that needs one with --all', async () => {
    // act
    const { code, out } = await cli('--all', '--endpoint', 'http://127.0.0.1:8123');

    // assert
    expect(code).toBe(0);
    expect(out).toContain('Recounting every period that needs it');
    expect(out).toContain('period 2026-annual');
  });

  it('exits 2 with the usage for a bad command line, touching no table', async () => {
    // act
    const { code, err, opened } = await cli('--period', 'a', '--all');

    // assert
    expect(code).toBe(2);
    expect(err).toContain('usage:');
    expect(opened).toEqual([]);
  });
});
