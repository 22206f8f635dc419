/**
 * `npm run recount -- --period <periodId> | --all`: the recount (复核重算) on demand — a period's counters
 * recomputed from its raw ballots, compared, repaired where they differ (the recount wins) and its figures
 * derived again: the nightly job's work (functions/jobs/recount.ts), with no time limit but the operator's.
 *
 *   npm run recount -- --period 2026-annual                      the local stack's data (.local/, npm start)
 *   npm run recount -- --all --endpoint http://127.0.0.1:8123     npm start's DynamoDB Local while it runs
 *   CATALOG_TABLE=… RESPONSES_TABLE=… TALLIES_TABLE=… REVIEWS_TABLE=… AWS_PROFILE=… npm run recount -- --period …
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runRecount, type RecountRecord } from '../../functions/domain/evaluation/recount';
import { tallyPeriod } from '../../functions/domain/evaluation/tally';
import { formatInstantCst } from '../../functions/domain/time-zone';
import { createDocumentClient } from '../../functions/store/client';
import { recountDeps, runTallyDeps } from '../../functions/store/deps';
import { TABLES, type TableKey } from '../../functions/store/tables';
import { recountJob } from '../../functions/routes/evaluation';
import { localFunctionEnv, startDynamoDbLocal, tableNames } from '../local/dynamodb';
import { DEFAULT_DATA_DIR } from '../local/paths';
import { UsageError, type Print } from './staff';

/** The tables a recount reads and writes: the nightly job's declaration. */
const RECOUNT_TABLES = Object.keys(recountJob.tables) as TableKey[];
const TABLE_VARS = RECOUNT_TABLES.map((key) => TABLES[key].envVar);
/** The local stack's table names (`npm start`: infra/local/stack.ts). */
export const LOCAL_TABLE_PREFIX = 'pingyi-local';

/** The text `--help` and every usage error show. */
export const USAGE = `usage:
  npm run recount -- --period <periodId>    recount one period now, whatever its state
  npm run recount -- --all                  recount every period that needs it (open, or ended and not recounted since)

  Where: by default the local stack's data in .local/ (npm start), on a DynamoDB Local started for the run.
  --endpoint <url>       a running DynamoDB Local instead, e.g. npm start's while it runs (it prints
                         "DynamoDB Local: http://127.0.0.1:<port>"); the tables are ${LOCAL_TABLE_PREFIX}-*
  On AWS: set ${TABLE_VARS.join(', ')} to the stage's table names
  (the stack's functions have them in their environment); region and credentials come from the AWS
  environment (AWS_REGION, AWS_PROFILE or AWS_ACCESS_KEY_ID...). A recount reads every ballot of the period.
  -h, --help             show this text

Exit code 0 when it ran (match, repaired or busy), 1 when the period is unknown or it failed, 2 for a usage error.`;

export type RecountCommand = { action: 'help' } | { action: 'recount'; periodId: string | undefined; endpoint: string | undefined };

/** Reads the arguments after `npm run recount --`; throws a UsageError for anything it cannot carry out. */
export function parseRecountArgs(argv: readonly string[]): RecountCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        period: { type: 'string' },
        all: { type: 'boolean', default: false },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    // node:util's parseArgs reports an unknown option or a missing value as a TypeError with a code.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(error.message);
    throw error;
  }
  if (values.help) return { action: 'help' };
  if (values.all && values.period !== undefined) throw new UsageError('give --period <periodId> or --all, not both.');
  if (!values.all && values.period === undefined) throw new UsageError('which period? --period <periodId>, or --all.');
  if (values.period !== undefined && values.period.trim() === '') throw new UsageError('--period needs a period id.');
  if (values.endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(values.endpoint)) {
    throw new UsageError(`--endpoint must be a URL like http://127.0.0.1:8123, not "${values.endpoint}".`);
  }
  return { action: 'recount', periodId: values.period, endpoint: values.endpoint };
}

/** Where the recount runs: the DynamoDB client bound to the tables (through process.env, as the functions read them). */
export interface RecountTarget {
  db: DynamoDBDocumentClient;
  /** For the first line: which tables, where. */
  where: string;
  close(): Promise<void>;
}

/**
 * The target of a command line, set in process.env as the store's deps factories read it: AWS tables when
 * every table variable of `env` is set, else a running DynamoDB Local (`--endpoint`), else DynamoDB Local
 * started on `.local/` for this run (refused while `npm start` holds that data: its lock says so).
 */
export async function openTarget(
  endpoint: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  dataDir: string = DEFAULT_DATA_DIR,
): Promise<RecountTarget> {
  const set = TABLE_VARS.filter((name) => env[name]);
  if (set.length > 0 && set.length < TABLE_VARS.length) {
    throw new UsageError(`set every table variable or none: ${TABLE_VARS.filter((name) => !env[name]).join(', ')} missing.`);
  }
  if (set.length === TABLE_VARS.length && endpoint === undefined) {
    for (const name of TABLE_VARS) process.env[name] = env[name];
    const db = createDocumentClient(env.DYNAMODB_ENDPOINT || undefined);
    return { db, where: `tables ${TABLE_VARS.map((name) => env[name]).join(', ')}${env.DYNAMODB_ENDPOINT ? ` at ${env.DYNAMODB_ENDPOINT}` : ' (AWS)'}`, close: async () => db.destroy() };
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

/** A recount's record as an operator reads it: times in CST, what differed, what to do about it. */
export function formatRecord(record: RecountRecord): string {
  const head = `period ${record.periodId} (revision ${record.periodRev}), recounted ${formatInstantCst(record.at)} CST: ${record.ballots} counted ballots read again${record.adopted > 0 ? `, ${record.adopted} the stream had not counted counted now` : ''}`;
  switch (record.status) {
    case 'match':
      return `${head}\n  match: the counters equal the recount.`;
    case 'repaired':
      return (
        `${head}\n  REPAIRED: ${record.countersDiffering === 1 ? '1 counter differed and now equals' : `${record.countersDiffering} counters differed and now equal`} the recount; ` +
        `units: ${record.unitsDiffering.join(', ') || 'none (period totals only)'}.\n` +
        '  The figures were derived again; the RecountMismatches alarm fires on AWS. Find out why (README "Recount").'
      );
    case 'busy':
      return `${head}\n  busy: ballots were being counted while it read, so nothing was compared or changed; run it again.`;
  }
}

/** Runs one command line and returns the exit code: 0 it ran, 1 unknown period or a failure, 2 a usage error. */
export async function runRecountCli(
  argv: readonly string[],
  io: { out: Print; err: Print },
  open: (endpoint: string | undefined) => Promise<RecountTarget> = (endpoint) => openTarget(endpoint),
): Promise<number> {
  let target: RecountTarget | undefined;
  try {
    const command = parseRecountArgs(argv);
    if (command.action === 'help') {
      io.out(USAGE);
      return 0;
    }
    target = await open(command.endpoint);
    const deps = recountDeps(target.db);
    const tallyDeps = runTallyDeps(target.db);
    let only;
    if (command.periodId !== undefined) {
      only = await deps.getPeriod(command.periodId);
      if (!only) {
        io.err(`npm run recount: no period "${command.periodId}" in ${target.where}.`);
        return 1;
      }
    }
    io.out(`Recounting ${only ? `period ${only.periodId}` : 'every period that needs it'} in ${target.where}…`);
    const records = await runRecount(deps, (period) => tallyPeriod(tallyDeps, period), only);
    if (records.length === 0) io.out('No period needs a recount (none open, none ended since its last recount).');
    for (const record of records) io.out(formatRecord(record));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`npm run recount: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`npm run recount: ${failureLine(error)}`);
    return 1;
  } finally {
    await target?.close();
  }
}

/** One line for a failure; the SDK's own words for missing credentials, region or tables help nobody. */
function failureLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const detail = error.message.split('\n')[0];
  if (error.name === 'CredentialsProviderError' || error.name === 'TokenProviderError') {
    return `no usable AWS credentials (${detail}). Set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again.`;
  }
  if (/^Region is missing/.test(error.message)) return 'no AWS region: set AWS_REGION (e.g. AWS_REGION=cn-northwest-1) or give your AWS profile a region.';
  if (error.name === 'ResourceNotFoundException') return `a table is missing (${detail}): run npm start once to create the local tables, or check the table names.`;
  return `${error.name}: ${detail}`;
}

// Run only as `npm run recount`, not when a test imports this module.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The SDK warns on every start that its 2027 releases will need Node 22; package.json's engines says 20 today.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await runRecountCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
