/**
 * `npm run recount -- --period <periodId> | --all`: the recount (复核重算) on demand — a period's counters
 * recomputed from its raw ballots, compared, repaired where they differ (the recount wins) and its figures
 * derived again: the nightly job's work (functions/jobs/recount.ts), with no time limit but the operator's.
 *
 *   npm run recount -- --period 2026-annual                      the local stack's data (.local/, npm start)
 *   npm run recount -- --all --endpoint http://127.0.0.1:8123     npm start's DynamoDB Local while it runs
 *   CATALOG_TABLE=… RESPONSES_TABLE=… TALLIES_TABLE=… REVIEWS_TABLE=… AWS_PROFILE=… npm run recount -- --period …
 */
import { runRecount, type RecountRecord } from '../../functions/domain/evaluation/recount';
import { tallyPeriod } from '../../functions/domain/evaluation/tally';
import { formatInstantCst } from '../../functions/domain/time-zone';
import { recountDeps, runTallyDeps } from '../../functions/store/deps';
import type { TableKey } from '../../functions/store/tables';
import { recountJob } from '../../functions/routes/evaluation';
import { DEFAULT_DATA_DIR } from '../local/paths';
import { parseCommandLine, runAsScript, runCommand, UsageError, type CliOutput } from './cli';
import { checkEndpoint, missingTable, openTableTarget, whereUsage, type TableTarget } from './table-target';

/** The tables a recount reads and writes: the nightly job's declaration. */
const RECOUNT_TABLES = Object.keys(recountJob.tables) as TableKey[];

/** The text `--help` and every usage error show. */
export const USAGE = `usage:
  npm run recount -- --period <periodId>    recount one period now, whatever its state
  npm run recount -- --all                  recount every period that needs it (open, or ended and not recounted since)

${whereUsage(RECOUNT_TABLES, "the stack's functions have them in their environment")}
  A recount reads every ballot of the period.
  -h, --help             show this text

Exit code 0 when it ran (match, repaired or busy), 1 when the period is unknown or it failed, 2 for a usage error.`;

export type RecountCommand = { action: 'help' } | { action: 'recount'; periodId: string | undefined; endpoint: string | undefined };

/** Reads the arguments after `npm run recount --`; throws a UsageError for anything it cannot carry out. */
export function parseRecountArgs(argv: readonly string[]): RecountCommand {
  const { values } = parseCommandLine({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      period: { type: 'string' },
      all: { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { action: 'help' };
  if (values.all && values.period !== undefined) throw new UsageError('give --period <periodId> or --all, not both.');
  if (!values.all && values.period === undefined) throw new UsageError('which period? --period <periodId>, or --all.');
  if (values.period !== undefined && values.period.trim() === '') throw new UsageError('--period needs a period id.');
  return { action: 'recount', periodId: values.period, endpoint: checkEndpoint(values.endpoint) };
}

/** Where the recount runs (table-target.ts). */
export type RecountTarget = TableTarget;

/** The target of a command line for the recount's tables (table-target.ts `openTableTarget`). */
export function openTarget(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env, dataDir: string = DEFAULT_DATA_DIR): Promise<RecountTarget> {
  return openTableTarget(RECOUNT_TABLES, endpoint, env, dataDir);
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
  io: CliOutput,
  open: (endpoint: string | undefined) => Promise<RecountTarget> = (endpoint) => openTarget(endpoint),
): Promise<number> {
  return runCommand('recount', USAGE, io, async () => {
    const command = parseRecountArgs(argv);
    if (command.action === 'help') {
      io.out(USAGE);
      return 0;
    }
    const target = await open(command.endpoint);
    try {
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
    } finally {
      await target.close();
    }
  }, { explain: missingTable });
}

// Run only as `npm run recount`, not when a test imports this module.
await runAsScript(import.meta.url, runRecountCli);
