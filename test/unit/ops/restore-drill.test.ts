import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseDrillArgs, runDrillCli } from '../../../infra/ops/restore-drill-cli';
import { comparison, restoredName, tableNameOutput } from '../../../infra/ops/restore-drill';
import { TABLES, type TableKey } from '../../../functions/store/tables';

const NOW = new Date('2026-05-12T01:30:12.345Z');
/** The live tables' names: the four the counts below are about, and every other table of TABLES. */
const LIVE: Record<TableKey, string> = {
  ...(Object.fromEntries((Object.keys(TABLES) as TableKey[]).map((key, i) => [key, `Pingyi-prod-Tables${TABLES[key].id}-${i}X`])) as Record<TableKey, string>),
  catalog: 'Pingyi-prod-TablesCatalog-1A',
  responses: 'Pingyi-prod-TablesResponses-2B',
  tallies: 'Pingyi-prod-TablesTallies-3C',
  reviews: 'Pingyi-prod-TablesReviews-4D',
};
const TABLE_COUNT = Object.keys(TABLES).length;
const CONTACTS_KEY = 'arn:aws-cn:kms:cn-northwest-1:111122223333:key/0f1e2d3c-contacts';
/** The tables beyond the four: one page of three items each, live and restored alike. */
const OTHER_TABLES = (Object.keys(TABLES) as TableKey[]).filter((key) => !['catalog', 'responses', 'tallies', 'reviews'].includes(key));
const RESTORED_TO = new Date('2026-05-12T01:25:00Z');
const drillName = (live: string) => `${live}-drill-20260512-013012`;

const dynamodb = new DynamoDBClient({ region: 'cn-northwest-1' });
const cloudFormation = new CloudFormationClient({ region: 'cn-northwest-1' });
const ddbMock = mockClient(dynamodb);
const cfnMock = mockClient(cloudFormation);

/** `npm run restore-drill -- <argv>` against the mocked clients, with what it printed. */
async function drill(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDrillCli(argv, () => ({ dynamodb, cloudFormation }), { out: (l) => out.push(l), err: (l) => err.push(l) }, NOW);
  return { code, out, err };
}

/** The item counts of each Scan page of each table, answered page by page (LastEvaluatedKey = next page). */
const pages = new Map<string, number[]>();
function countPages(table: string, counts: number[]) {
  pages.set(table, counts);
}
function answerScans() {
  ddbMock.on(ScanCommand).callsFake((input: { TableName: string; Select?: string; ExclusiveStartKey?: { page: { N: string } } }) => {
    const counts = pages.get(input.TableName);
    if (!counts || input.Select !== 'COUNT') throw new Error(`unexpected Scan ${JSON.stringify(input)}`);
    const page = Number(input.ExclusiveStartKey?.page.N ?? 0);
    return { Count: counts[page], ...(page < counts.length - 1 ? { LastEvaluatedKey: { page: { N: String(page + 1) } } } : {}) };
  });
}

beforeEach(() => {
  ddbMock.reset();
  cfnMock.reset();
  cfnMock.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'Pingyi-prod',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date('2026-01-05T02:00:00Z'),
        Outputs: (Object.keys(TABLES) as TableKey[]).map((key) => ({ OutputKey: tableNameOutput(TABLES[key]), OutputValue: LIVE[key] })),
      },
    ],
  });
  ddbMock.on(DescribeContinuousBackupsCommand).resolves({
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: {
        PointInTimeRecoveryStatus: 'ENABLED',
        EarliestRestorableDateTime: new Date('2026-04-07T00:00:00Z'),
        LatestRestorableDateTime: new Date('2026-05-12T01:25:00Z'),
      },
    },
  });
  ddbMock.on(RestoreTableToPointInTimeCommand).resolves({});
  ddbMock.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'ACTIVE', RestoreSummary: { RestoreDateTime: RESTORED_TO, RestoreInProgress: false } } });
  ddbMock.on(DescribeTableCommand, { TableName: LIVE.contacts }).resolves({ Table: { TableStatus: 'ACTIVE', SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: CONTACTS_KEY } } });
  ddbMock.on(DeleteTableCommand).resolves({});
  countPages(LIVE.catalog, [40, 2]);
  countPages(drillName(LIVE.catalog), [42]);
  countPages(LIVE.responses, [1000, 1000, 17]);
  countPages(drillName(LIVE.responses), [1000, 1000, 12]);
  countPages(LIVE.tallies, [30]);
  countPages(drillName(LIVE.tallies), [30]);
  countPages(LIVE.reviews, [5]);
  countPages(drillName(LIVE.reviews), [5]);
  for (const key of OTHER_TABLES) {
    countPages(LIVE[key], [3]);
    countPages(drillName(LIVE[key]), [3]);
  }
  answerScans();
});

describe('npm run restore-drill', () => {
  it('restores every table to the latest restorable time into new, suffixed tables, on demand', async () => {
    const { code } = await drill('--stage', 'prod');

    expect(code).toBe(0);
    expect(ddbMock).toHaveReceivedCommandTimes(RestoreTableToPointInTimeCommand, TABLE_COUNT);
    for (const live of Object.values(LIVE)) {
      expect(ddbMock).toHaveReceivedCommandWith(RestoreTableToPointInTimeCommand, {
        SourceTableName: live,
        TargetTableName: drillName(live),
        UseLatestRestorableTime: true,
        BillingModeOverride: 'PAY_PER_REQUEST',
      });
    }
    expect(cfnMock).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'Pingyi-prod' });
  });

  it("restores the contacts (personal data) under the live table's own customer-managed key, the others as they are", async () => {
    const { code } = await drill('--stage', 'prod');

    expect(code).toBe(0);
    expect(ddbMock).toHaveReceivedCommandWith(RestoreTableToPointInTimeCommand, {
      SourceTableName: LIVE.contacts,
      SSESpecificationOverride: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: CONTACTS_KEY },
    });
    const others = ddbMock.commandCalls(RestoreTableToPointInTimeCommand).filter((call) => call.args[0].input.SourceTableName !== LIVE.contacts);
    expect(others.every((call) => call.args[0].input.SSESpecificationOverride === undefined)).toBe(true);
  });

  it('refuses to restore the contacts when the live table is not under a customer-managed key', async () => {
    ddbMock.on(DescribeTableCommand, { TableName: LIVE.contacts }).resolves({ Table: { TableStatus: 'ACTIVE' } });

    const { code, err } = await drill('--stage', 'prod');

    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/customer-managed key/);
    expect(ddbMock).not.toHaveReceivedCommandWith(RestoreTableToPointInTimeCommand, { SourceTableName: LIVE.contacts });
  });

  it('restores to the time asked for', async () => {
    const { code } = await drill('--stage', 'prod', '--time', '2026-05-01T08:00:00+08:00');

    expect(code).toBe(0);
    expect(ddbMock).toHaveReceivedCommandWith(RestoreTableToPointInTimeCommand, {
      SourceTableName: LIVE.responses,
      RestoreDateTime: new Date('2026-05-01T00:00:00Z'),
    });
  });

  it('waits for the restored tables, counts live and restored items page by page, and prints the comparison', async () => {
    const { out } = await drill('--stage', 'prod');

    for (const live of Object.values(LIVE)) expect(ddbMock).toHaveReceivedCommandWith(DescribeTableCommand, { TableName: drillName(live) });
    expect(ddbMock).toHaveReceivedCommandTimes(ScanCommand, 2 + 1 + 3 + 3 + 1 + 1 + 1 + 1 + 2 * OTHER_TABLES.length);
    expect(out.some((line) => /scans the whole live and restored table/.test(line))).toBe(true);
    const table = out.slice(out.findIndex((line) => line.startsWith('table')));
    expect(table[0]).toMatch(/^table\s+live items \(now\)\s+restored items\s+difference\s+restored to$/);
    expect(table[1]).toMatch(/^catalog\s+42\s+42\s+0\s+2026-05-12T01:25:00.000Z$/);
    expect(table[2]).toMatch(/^responses\s+2017\s+2012\s+-5\s+2026-05-12T01:25:00.000Z$/);
    expect(table[3]).toMatch(/^tallies\s+30\s+30\s+0/);
    expect(table[4]).toMatch(/^reviews\s+5\s+5\s+0/);
  });

  it('deletes the restored tables afterwards, and never a live one', async () => {
    const { out } = await drill('--stage', 'prod');

    expect(ddbMock).toHaveReceivedCommandTimes(DeleteTableCommand, TABLE_COUNT);
    for (const live of Object.values(LIVE)) {
      expect(ddbMock).toHaveReceivedCommandWith(DeleteTableCommand, { TableName: drillName(live) });
      expect(ddbMock).not.toHaveReceivedCommandWith(DeleteTableCommand, { TableName: live });
    }
    expect(out).toContain(`deleted ${drillName(LIVE.tallies)}`);
  });

  it('keeps them with --keep, and says they cost until deleted', async () => {
    const { code, out } = await drill('--stage', 'prod', '--keep');

    expect(code).toBe(0);
    expect(ddbMock).not.toHaveReceivedCommand(DeleteTableCommand);
    expect(out.at(-1)).toMatch(/^kept .*-drill-20260512-013012.*billed for storage/);
  });

  it('still deletes what it restored when counting fails, and exits 1 saying why', async () => {
    ddbMock.on(ScanCommand, { TableName: drillName(LIVE.responses) }).rejects(new Error('Throughput exceeds the current capacity'));
    ddbMock.on(ScanCommand, { TableName: LIVE.responses }).resolves({ Count: 1 });

    const { code, err } = await drill('--stage', 'prod');

    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/Throughput exceeds/);
    expect(ddbMock).toHaveReceivedCommandTimes(DeleteTableCommand, TABLE_COUNT);
  });

  it('says which restored table it could not delete', async () => {
    ddbMock.on(DeleteTableCommand, { TableName: drillName(LIVE.catalog) }).rejects(new ResourceInUseException({ message: 'Table is being restored', $metadata: {} }));

    const { code, out } = await drill('--stage', 'prod');

    expect(code).toBe(0);
    expect(out).toContain(`could not delete ${drillName(LIVE.catalog)} (Table is being restored): delete it by hand`);
  });

  it('refuses a time outside the recovery window before restoring anything', async () => {
    const { code, err } = await drill('--stage', 'prod', '--time', '2026-01-01T00:00:00Z');

    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/can be restored to 2026-04-07T00:00:00.000Z … 2026-05-12T01:25:00.000Z/);
    expect(ddbMock).not.toHaveReceivedCommand(RestoreTableToPointInTimeCommand);
  });

  it('refuses a table without point-in-time recovery before restoring anything', async () => {
    ddbMock.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } },
    });

    const { code, err } = await drill('--stage', 'prod');

    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/has no point-in-time recovery/);
    expect(ddbMock).not.toHaveReceivedCommand(RestoreTableToPointInTimeCommand);
  });

  it('asks to redeploy a stack that does not name its tables yet', async () => {
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'Pingyi-prod', StackStatus: 'UPDATE_COMPLETE', CreationTime: NOW, Outputs: [] }] });

    const { code, err } = await drill('--stage', 'prod');

    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/has no output CatalogTableName: redeploy it/);
  });
});

describe('parseDrillArgs', () => {
  it.each([
    [[], /which stage/],
    [['--stage', 'prod', '--time', '2026-05-01 08:00'], /ISO 8601 time with a zone/],
    [['--stage', 'prod', '--time', '2026-05-01T08:00:00'], /ISO 8601 time with a zone/],
    [['--stage', 'prod', '--time', '2027-01-01T00:00:00Z'], /in the future/],
    [['--stage', 'prod', '--wait-minutes', '0'], /--wait-minutes/],
    [['--stage', 'prod', '--force'], /Unknown option/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseDrillArgs(argv, NOW)).toThrow(message);
  });

  it('exits 2 with the usage for a usage error, 0 with it for --help', async () => {
    expect((await drill()).code).toBe(2);
    const help = await drill('--help');
    expect(help.code).toBe(0);
    expect(help.out[0]).toMatch(/^usage:/);
    expect(cfnMock).not.toHaveReceivedAnyCommand();
  });
});

describe('restoredName and comparison', () => {
  it('suffixes the live name with the drill time in UTC', () => {
    expect(restoredName('Pingyi-dev-Tables', NOW)).toBe('Pingyi-dev-Tables-drill-20260512-013012');
  });

  it('aligns the columns', () => {
    const lines = comparison([
      { key: 'responses', live: 'a', restored: 'b', restoredTo: RESTORED_TO, liveCount: 12345, restoredCount: 12340 },
    ]);
    expect(lines[1]!.indexOf('12340')).toBe(lines[0]!.indexOf('restored items'));
  });
});
