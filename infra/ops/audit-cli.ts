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
import { verifyChain, type ChainReport } from '../../functions/domain/audit/verify';
import { formatInstantCst } from '../../functions/domain/time-zone';
import { verifyAuditChain } from '../../functions/routes/audit';
import { auditVerifyDeps } from '../../functions/store/deps';
import type { TableKey } from '../../functions/store/tables';
import { DEFAULT_DATA_DIR } from '../local/paths';
import { parseCommandLine, runAsScript, runCommand, UsageError, type CliOutput } from './cli';
import { checkEndpoint, missingTable, openTableTarget, whereUsage, type TableTarget } from './table-target';

/** The tables a verification reads: the admin operation's declaration. */
const AUDIT_TABLES = Object.keys(verifyAuditChain.tables) as TableKey[];
/** How long a snapshot or briefing that differs from its latest chained version is given to reach the chain. */
const DEFAULT_SETTLE_SECONDS = 10;

/** The text `--help` and every usage error show. */
export const USAGE = `usage:
  npm run audit -- verify                 re-derive the whole audit chain and name its first broken link
  npm run audit -- verify --after <seq>   go on after record <seq> (an earlier run's "verified through")

${whereUsage(AUDIT_TABLES, 'the verify function has them in its environment')}
  It reads every record and every chained item once.
  --settle-seconds <n>   how long a tally snapshot or briefing that differs from its latest chained version
                         is given to reach the chain before it counts as altered (default ${DEFAULT_SETTLE_SECONDS})
  -h, --help             show this text

Exit code 0 when the chain is intact, 1 when a link is broken, 2 for a usage error, 3 when it could not run.`;

export type AuditCommand = { action: 'help' } | { action: 'verify'; afterSeq: number; endpoint: string | undefined; settleSeconds: number };

/** Reads the arguments after `npm run audit --`; throws a UsageError for anything it cannot carry out. */
export function parseAuditArgs(argv: readonly string[]): AuditCommand {
  const { values, positionals } = parseCommandLine({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      after: { type: 'string' },
      endpoint: { type: 'string' },
      'settle-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { action: 'help' };
  if (positionals.length !== 1 || positionals[0] !== 'verify') throw new UsageError(positionals.length === 0 ? 'what? verify.' : `unknown command "${positionals.join(' ')}": verify.`);
  if (values.after !== undefined && !/^\d{1,12}$/.test(values.after)) throw new UsageError(`--after must be a record number (0 or more), not "${values.after}".`);
  const settle = values['settle-seconds'];
  if (settle !== undefined && !/^\d{1,4}$/.test(settle)) throw new UsageError(`--settle-seconds must be a whole number of seconds, not "${settle}".`);
  return { action: 'verify', afterSeq: Number(values.after ?? 0), endpoint: checkEndpoint(values.endpoint), settleSeconds: settle === undefined ? DEFAULT_SETTLE_SECONDS : Number(settle) };
}

/** Where the verification runs (table-target.ts). */
export type AuditTarget = TableTarget;

/** The target of a command line for the audit chain's tables (table-target.ts `openTableTarget`). */
export function openAuditTarget(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env, dataDir: string = DEFAULT_DATA_DIR): Promise<AuditTarget> {
  return openTableTarget(AUDIT_TABLES, endpoint, env, dataDir);
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
  io: CliOutput,
  open: (endpoint: string | undefined) => Promise<AuditTarget> = (endpoint) => openAuditTarget(endpoint),
): Promise<number> {
  return runCommand('audit', USAGE, io, async () => {
    const command = parseAuditArgs(argv);
    if (command.action === 'help') {
      io.out(USAGE);
      return 0;
    }
    const target = await open(command.endpoint);
    try {
      io.out(`Verifying the audit chain ${command.afterSeq > 0 ? `after record ${command.afterSeq} ` : ''}in ${target.where}…`);
      const report = await verifyChain(auditVerifyDeps(target.db), { afterSeq: command.afterSeq, settleMs: command.settleSeconds * 1000 });
      (report.status === 'broken' ? io.err : io.out)(formatReport(report));
      return report.status === 'broken' ? 1 : 0;
    } finally {
      await target.close();
    }
  }, { code: 3, explain: missingTable });
}

// Run only as `npm run audit`, not when a test imports this module.
await runAsScript(import.meta.url, runAuditCli);
