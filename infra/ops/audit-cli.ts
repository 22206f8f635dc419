/**
 * `npm run audit -- verify`: re-derives the tamper-evident audit chain (functions/domain/audit/) from its
 * first record — each record's hash, its link to the one before, no seq missing, every chained item read
 * back against its digest — and names the first broken link. The admin operation `POST /admin/audit/verify`
 * does the same within API Gateway's 30 s; this has no time limit.
 *
 *   npm run audit -- verify                                      the local stack's data (.local/, npm start)
 *   npm run audit -- verify --endpoint http://127.0.0.1:8123     npm start's DynamoDB Local while it runs
 *   AUDIT_TABLE=… CASES_TABLE=… TALLIES_TABLE=… DISCLOSURES_TABLE=… BRIEFINGS_TABLE=… AWS_PROFILE=… npm run audit -- verify
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { verifyChain, type ChainReport } from '../../functions/domain/audit/verify';
import { formatInstantCst } from '../../functions/domain/time-zone';
import { verifyAuditChain } from '../../functions/routes/audit';
import { createDocumentClient } from '../../functions/store/client';
import { auditVerifyDeps } from '../../functions/store/deps';
import { TABLES, type TableKey } from '../../functions/store/tables';
import { localFunctionEnv, startDynamoDbLocal, tableNames } from '../local/dynamodb';
import { DEFAULT_DATA_DIR } from '../local/paths';
import { LOCAL_TABLE_PREFIX } from './recount-cli';
import { UsageError, type Print } from './staff';

/** The tables a verification reads: the admin operation's declaration. */
const AUDIT_TABLES = Object.keys(verifyAuditChain.tables) as TableKey[];
const TABLE_VARS = AUDIT_TABLES.map((key) => TABLES[key].envVar);
/** How long a snapshot or briefing that differs from its latest chained version is given to reach the chain. */
const DEFAULT_SETTLE_SECONDS = 10;

/** The text `--help` and every usage error show. */
export const USAGE = `usage:
  npm run audit -- verify                 re-derive the whole audit chain and name its first broken link
  npm run audit -- verify --after <seq>   go on after record <seq> (an earlier run's "verified through")

  Where: by default the local stack's data in .local/ (npm start), on a DynamoDB Local started for the run.
  --endpoint <url>       a running DynamoDB Local instead, e.g. npm start's while it runs (it prints
                         "DynamoDB Local: http://127.0.0.1:<port>"); the tables are ${LOCAL_TABLE_PREFIX}-*
  On AWS: set ${TABLE_VARS.join(', ')} to the stage's table names
  (the verify function has them in its environment); region and credentials come from the AWS environment
  (AWS_REGION, AWS_PROFILE or AWS_ACCESS_KEY_ID...). It reads every record and every chained item once.
  --settle-seconds <n>   how long a tally snapshot or briefing that differs from its latest chained version
                         is given to reach the chain before it counts as altered (default ${DEFAULT_SETTLE_SECONDS})
  -h, --help             show this text

Exit code 0 when the chain is intact, 1 when a link is broken, 2 for a usage error, 3 when it could not run.`;

export type AuditCommand = { action: 'help' } | { action: 'verify'; afterSeq: number; endpoint: string | undefined; settleSeconds: number };

/** Reads the arguments after `npm run audit --`; throws a UsageError for anything it cannot carry out. */
export function parseAuditArgs(argv: readonly string[]): AuditCommand {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        after: { type: 'string' },
        endpoint: { type: 'string' },
        'settle-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    // node:util's parseArgs reports an unknown option or a missing value as a TypeError with a code.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(error.message);
    throw error;
  }
  if (values.help) return { action: 'help' };
  if (positionals.length !== 1 || positionals[0] !== 'verify') throw new UsageError(positionals.length === 0 ? 'what? verify.' : `unknown command "${positionals.join(' ')}": verify.`);
  if (values.after !== undefined && !/^\d{1,12}$/.test(values.after)) throw new UsageError(`--after must be a record number (0 or more), not "${values.after}".`);
  const settle = values['settle-seconds'];
  if (settle !== undefined && !/^\d{1,4}$/.test(settle)) throw new UsageError(`--settle-seconds must be a whole number of seconds, not "${settle}".`);
  if (values.endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(values.endpoint)) {
    throw new UsageError(`--endpoint must be a URL like http://127.0.0.1:8123, not "${values.endpoint}".`);
  }
  return { action: 'verify', afterSeq: Number(values.after ?? 0), endpoint: values.endpoint, settleSeconds: settle === undefined ? DEFAULT_SETTLE_SECONDS : Number(settle) };
}

/** Where the verification runs: the DynamoDB client, with the tables' names in process.env as the deps factories read them. */
export interface AuditTarget {
  db: DynamoDBDocumentClient;
  /** For the first line: which tables, where. */
  where: string;
  close(): Promise<void>;
}

/**
 * The target of a command line: AWS tables when every table variable of `env` is set, else a running
 * DynamoDB Local (`--endpoint`), else DynamoDB Local started on `.local/` for this run (as `npm run recount`).
 */
export async function openAuditTarget(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env, dataDir: string = DEFAULT_DATA_DIR): Promise<AuditTarget> {
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

/** A verification's report as an operator reads it. */
export function formatReport(report: ChainReport): string {
  const head = report.head ? `head: record ${report.head.seq}, hash ${report.head.hash}` : 'no head: the chain is empty';
  const when = `verified ${formatInstantCst(report.verifiedAt)} CST`;
  switch (report.status) {
    case 'intact':
      return `INTACT: ${report.records} record(s) checked, ${report.from} to ${report.verifiedThrough}, every chained item as chained (${head}; ${when}).`;
    case 'incomplete':
      return `INCOMPLETE: ${report.records} record(s) intact, ${report.from} to ${report.verifiedThrough}; go on with --after ${report.verifiedThrough} (${head}; ${when}).`;
    case 'broken': {
      const broken = report.firstBreak!;
      const source = broken.source ? `\n  item: ${broken.source.table} (${broken.source.pk}, ${broken.source.sk})` : '';
      return (
        `BROKEN at record ${broken.seq} (${broken.kind}): ${broken.detail}${source}\n` +
        `  records ${report.from} to ${report.verifiedThrough} are intact (${head}; ${when}).\n` +
        '  Nothing was changed. Keep the tables as they are and find out who wrote them (README "Audit chain").'
      );
    }
  }
}

/** Runs one command line and returns the exit code (see USAGE). */
export async function runAuditCli(
  argv: readonly string[],
  io: { out: Print; err: Print },
  open: (endpoint: string | undefined) => Promise<AuditTarget> = (endpoint) => openAuditTarget(endpoint),
): Promise<number> {
  let target: AuditTarget | undefined;
  try {
    const command = parseAuditArgs(argv);
    if (command.action === 'help') {
      io.out(USAGE);
      return 0;
    }
    target = await open(command.endpoint);
    io.out(`Verifying the audit chain ${command.afterSeq > 0 ? `after record ${command.afterSeq} ` : ''}in ${target.where}…`);
    const report = await verifyChain(auditVerifyDeps(target.db), { afterSeq: command.afterSeq, settleMs: command.settleSeconds * 1000 });
    (report.status === 'broken' ? io.err : io.out)(formatReport(report));
    return report.status === 'broken' ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`npm run audit: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`npm run audit: ${failureLine(error)}`);
    return 3;
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

// Run only as `npm run audit`, not when a test imports this module.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The SDK warns on every start that its 2027 releases will need Node 22; package.json's engines says 20 today.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await runAuditCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
