/**
 * The restore drill behind `npm run restore-drill` (restore-drill-cli.ts parses the arguments and makes the
 * real clients): restores every table of functions/store/tables.ts to a point in time into new tables,
 * waits for them, counts the items of each live and restored table, prints the comparison and, unless told
 * to keep them, deletes the restored tables. It proves that point-in-time recovery works and that the
 * operators know how long it takes, before the day it is needed. Every function takes its SDK clients, so
 * tests drive it with mocked ones (DynamoDB Local has no point-in-time recovery).
 */
import { CloudFormationServiceException, DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  paginateScan,
  RestoreTableToPointInTimeCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDefinition, type TableKey } from '../../functions/store/tables';
import { stackName } from '../stacks/stack-name';
import type { Print } from './cli';

/** A failure explained in the operator's terms (exit 1). */
export class DrillError extends Error {
  override name = 'DrillError';
}


/** The stack output with a table's name (infra/stacks/pingyi-stack.ts writes one per table). */
export const tableNameOutput = (definition: TableDefinition) => `${definition.id}TableName`;

export interface DrillClients {
  dynamodb: DynamoDBClient;
  cloudFormation: CloudFormationClient;
}

export interface DrillOptions {
  stage: string;
  /** The point in time to restore to. @default the latest restorable time (about five minutes ago) */
  time?: Date;
  /** Keep the restored tables (they cost storage until deleted by hand). */
  keep: boolean;
  /** How long to wait for a restore to finish; large tables take hours. */
  waitMinutes: number;
  /** The drill's start, which names the restored tables. */
  now: Date;
}

/** One table's line of the comparison. */
export interface DrillRow {
  key: TableKey;
  live: string;
  restored: string;
  /** The point in time the restored table holds. */
  restoredTo: Date | undefined;
  liveCount: number;
  restoredCount: number;
}

export interface DrillResult {
  rows: DrillRow[];
  /** The restored tables still there (kept, or left by a failed delete). */
  kept: string[];
}

/** `<live name>-drill-20260512-093012`: table names allow letters, digits, `_`, `-` and `.` up to 255. */
export function restoredName(liveName: string, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  const name = `${liveName}-drill-${stamp}`;
  if (name.length > 255) throw new DrillError(`the restored name of ${liveName} would be longer than DynamoDB allows`);
  return name;
}

/** The live tables of a stage, by the stack's outputs: every table of TABLES must be there. */
export async function liveTables(cloudFormation: CloudFormationClient, stage: string): Promise<{ key: TableKey; name: string }[]> {
  const name = stackName(stage);
  let stack;
  try {
    stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch (error) {
    if (error instanceof CloudFormationServiceException && /does not exist/.test(error.message)) {
      throw new DrillError(`stack ${name} was not found: deploy it (npx cdk deploy -c stage=${stage}) or choose another --stage or region.`);
    }
    throw error;
  }
  if (!stack) throw new DrillError(`stack ${name} was not found.`);
  const outputs = new Map((stack.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  return (Object.entries(TABLES) as [TableKey, TableDefinition][]).map(([key, definition]) => {
    const tableName = outputs.get(tableNameOutput(definition));
    if (!tableName) throw new DrillError(`stack ${name} has no output ${tableNameOutput(definition)}: redeploy it with this version of Pingyi.`);
    return { key, name: tableName };
  });
}

/**
 * Counts a table's items with a paginated Scan (Select COUNT). It reads every item of the table: on an
 * on-demand table that is billed like reading the whole table once.
 */
export async function countItems(dynamodb: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  for await (const page of paginateScan({ client: dynamodb }, { TableName: tableName, Select: 'COUNT' })) count += page.Count ?? 0;
  return count;
}

/** Refuses a time point-in-time recovery cannot restore to, before anything is created. */
async function checkRecoverable(dynamodb: DynamoDBClient, tableName: string, time: Date | undefined): Promise<void> {
  const { ContinuousBackupsDescription: backups } = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: tableName }));
  const pitr = backups?.PointInTimeRecoveryDescription;
  if (pitr?.PointInTimeRecoveryStatus !== 'ENABLED') throw new DrillError(`${tableName} has no point-in-time recovery enabled.`);
  if (!time) return;
  const [earliest, latest] = [pitr.EarliestRestorableDateTime, pitr.LatestRestorableDateTime];
  if ((earliest && time < earliest) || (latest && time > latest)) {
    throw new DrillError(
      `${tableName} can be restored to ${earliest?.toISOString() ?? '?'} … ${latest?.toISOString() ?? '?'}, not to ${time.toISOString()}.`,
    );
  }
}

/**
 * A restored table is encrypted with an AWS-owned key unless told otherwise: a table of personal data
 * (`encryption: 'customerManagedKey'` in TABLES, the contacts) is restored under its live table's own key.
 */
async function encryptionOverride(dynamodb: DynamoDBClient, key: TableKey, liveName: string) {
  if ((TABLES[key] as TableDefinition).encryption !== 'customerManagedKey') return {};
  const live = await dynamodb.send(new DescribeTableCommand({ TableName: liveName }));
  const keyArn = live.Table?.SSEDescription?.KMSMasterKeyArn;
  if (!keyArn) throw new DrillError(`${liveName} should be encrypted with a customer-managed key and is not: check the stack before restoring it.`);
  return { SSESpecificationOverride: { Enabled: true, SSEType: 'KMS' as const, KMSMasterKeyId: keyArn } };
}

/**
 * Runs the drill. Restored tables are deleted at the end — also when a step failed — unless `keep`; they
 * carry no deletion protection (a restore copies data, keys, indexes and encryption, not protection, PITR
 * or TTL settings), so deleting them never touches a live table.
 */
export async function runRestoreDrill(clients: DrillClients, options: DrillOptions, print: Print): Promise<DrillResult> {
  const { dynamodb } = clients;
  const tables = await liveTables(clients.cloudFormation, options.stage);
  for (const table of tables) await checkRecoverable(dynamodb, table.name, options.time);

  const restoring: { key: TableKey; live: string; restored: string }[] = [];
  const kept: string[] = [];
  try {
    for (const table of tables) {
      const restored = restoredName(table.name, options.now);
      const sse = await encryptionOverride(dynamodb, table.key, table.name);
      await dynamodb.send(
        new RestoreTableToPointInTimeCommand({
          SourceTableName: table.name,
          TargetTableName: restored,
          ...(options.time ? { RestoreDateTime: options.time } : { UseLatestRestorableTime: true }),
          // On demand like the live tables: a drill must not need capacity planning.
          BillingModeOverride: 'PAY_PER_REQUEST',
          ...sse,
        }),
      );
      restoring.push({ key: table.key, live: table.name, restored });
      print(`restoring ${table.name} to ${options.time?.toISOString() ?? 'the latest restorable time'} as ${restored}`);
    }

    const started = Date.now();
    for (const table of restoring) {
      await waitUntilTableExists({ client: dynamodb, maxWaitTime: options.waitMinutes * 60, minDelay: 20, maxDelay: 120 }, { TableName: table.restored });
      print(`${table.restored} is ACTIVE (${Math.round((Date.now() - started) / 1000)} s after the restores started)`);
    }

    print('counting items: each count scans the whole live and restored table, which reads (and bills) every item.');
    const rows: DrillRow[] = [];
    for (const table of restoring) {
      const described = await dynamodb.send(new DescribeTableCommand({ TableName: table.restored }));
      const [liveCount, restoredCount] = await Promise.all([countItems(dynamodb, table.live), countItems(dynamodb, table.restored)]);
      rows.push({ ...table, restoredTo: described.Table?.RestoreSummary?.RestoreDateTime, liveCount, restoredCount });
    }
    for (const line of comparison(rows)) print(line);
    return { rows, kept };
  } finally {
    for (const table of restoring) {
      if (options.keep) {
        kept.push(table.restored);
        continue;
      }
      try {
        await dynamodb.send(new DeleteTableCommand({ TableName: table.restored }));
        print(`deleted ${table.restored}`);
      } catch (error) {
        kept.push(table.restored);
        print(`could not delete ${table.restored} (${error instanceof Error ? error.message : String(error)}): delete it by hand`);
      }
    }
    if (options.keep && kept.length > 0) print(`kept ${kept.join(', ')}: they are billed for storage until deleted`);
  }
}

/**
 * The comparison as aligned lines. The live count is taken now and the restored one is of the restore
 * time, so a difference is expected for the writes in between; a restored table with fewer items than the
 * live one had then would show as a larger gap than the traffic explains.
 */
export function comparison(rows: readonly DrillRow[]): string[] {
  const header = ['table', 'live items (now)', 'restored items', 'difference', 'restored to'];
  const body = rows.map((row) => [
    row.key,
    String(row.liveCount),
    String(row.restoredCount),
    String(row.restoredCount - row.liveCount),
    row.restoredTo?.toISOString() ?? '?',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  return [header, ...body].map((cells) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}
