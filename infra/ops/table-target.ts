/**
 * Where an operator command that reads the stack's tables runs (`npm run recount`, `npm run audit`): the
 * deployed tables, `npm start`'s DynamoDB Local while it runs, or `npm start`'s data in `.local/` on a
 * DynamoDB Local started for the run. The tables' names go into process.env, where the store's deps
 * factories read them, as the functions do.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/store/client';
import { TABLES, type TableKey } from '../../functions/store/tables';
import { LOCAL_TABLE_PREFIX, localFunctionEnv, startDynamoDbLocal, tableNames } from '../local/dynamodb';
import { DEFAULT_DATA_DIR } from '../local/paths';
import { UsageError } from './cli';

/** The DynamoDB client a command works through, with its tables bound in process.env. */
export interface TableTarget {
  db: DynamoDBDocumentClient;
  /** For the first line: which tables, where. */
  where: string;
  close(): Promise<void>;
}

/** The environment variables that name `tables` (each function has them; an operator sets them for AWS). */
export function tableVariables(tables: readonly TableKey[]): string[] {
  return tables.map((key) => TABLES[key].envVar);
}

/** The part of a command's usage text that says where it runs. */
export function whereUsage(tables: readonly TableKey[], whoHasThem: string): string {
  return `  Where: by default the local stack's data in .local/ (npm start), on a DynamoDB Local started for the run.
  --endpoint <url>       a running DynamoDB Local instead, e.g. npm start's while it runs (it prints
                         "DynamoDB Local: http://127.0.0.1:<port>"); the tables are ${LOCAL_TABLE_PREFIX}-*
  On AWS: set ${tableVariables(tables).join(', ')} to the stage's table names
  (${whoHasThem}); region and credentials come from the AWS environment
  (AWS_REGION, AWS_PROFILE or AWS_ACCESS_KEY_ID...).`;
}

/**
 * The target of a command line: AWS tables when every variable of `tables` is set in `env` (at
 * DYNAMODB_ENDPOINT if that is set too), else a running DynamoDB Local (`endpoint`), else DynamoDB Local
 * started on `dataDir` for this run (refused while `npm start` holds that data: its lock says so).
 */
export async function openTableTarget(
  tables: readonly TableKey[],
  endpoint: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  dataDir: string = DEFAULT_DATA_DIR,
): Promise<TableTarget> {
  const vars = tableVariables(tables);
  const set = vars.filter((name) => env[name]);
  if (set.length > 0 && set.length < vars.length) {
    throw new UsageError(`set every table variable or none: ${vars.filter((name) => !env[name]).join(', ')} missing.`);
  }
  if (set.length === vars.length && endpoint === undefined) {
    for (const name of vars) process.env[name] = env[name];
    const db = createDocumentClient(env.DYNAMODB_ENDPOINT || undefined);
    return { db, where: `tables ${vars.map((name) => env[name]).join(', ')}${env.DYNAMODB_ENDPOINT ? ` at ${env.DYNAMODB_ENDPOINT}` : ' (AWS)'}`, close: async () => db.destroy() };
  }
  const local = endpoint ? undefined : await startDynamoDbLocal({ dataDir });
  const url = endpoint ?? local!.endpoint;
  Object.assign(process.env, localFunctionEnv(url, tableNames(LOCAL_TABLE_PREFIX)));
  const db = createDocumentClient(url);
  return {
    db,
    where: endpoint ? `the local tables at ${url}` : `the local data in ${dataDir}`,
    async close() {
      db.destroy();
      await local?.stop();
    },
  };
}

/** `--endpoint <url>` as both commands take it. */
export function checkEndpoint(endpoint: string | undefined): string | undefined {
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new UsageError(`--endpoint must be a URL like http://127.0.0.1:8123, not "${endpoint}".`);
  }
  return endpoint;
}

/** A missing table, in the operator's terms. */
export function missingTable(error: Error, detail: string): string | undefined {
  return error.name === 'ResourceNotFoundException' ? `a table is missing (${detail}): run npm start once to create the local tables, or check the table names.` : undefined;
}
