/**
 * `npm run restore-drill -- --stage <stage> [--time <iso>] [--keep]`: a point-in-time restore drill of a
 * deployed stage's tables (the work is in restore-drill.ts). Region and credentials come from the standard
 * AWS environment.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { stackName } from '../stacks/stack-name';
import { parseCommandLine, runAsScript, runCommand, UsageError, type CliOutput } from './cli';
import { DrillError, runRestoreDrill, type DrillClients, type DrillOptions } from './restore-drill';

/** The text `--help` and every usage error show. */
export const USAGE = `usage:
  npm run restore-drill -- --stage <stage> [--time <iso>] [--keep] [--wait-minutes <n>]

  Restores every table of stack ${stackName('<stage>')} to a point in time into new tables (<name>-drill-<utc time>),
  waits for them, compares their item counts with the live tables and deletes them again.

  --stage <stage>        the deployed stage (required)
  --time <iso>           restore to this time, e.g. 2026-05-12T08:30:00+08:00 (default: the latest restorable time)
  --keep                 keep the restored tables (delete them by hand; they are billed for storage)
  --wait-minutes <n>     give up waiting for a restore after n minutes (default: 120)
  -h, --help             show this text

Counting scans every item of each live and restored table: it reads, and bills, each table once.
Region and credentials come from the AWS environment (AWS_REGION, AWS_PROFILE or AWS_ACCESS_KEY_ID...).`;

/** Reads the arguments after `npm run restore-drill --`: the drill's options, or help. */
export function parseDrillArgs(argv: readonly string[], now: Date): DrillOptions | 'help' {
  const { values } = parseCommandLine({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      stage: { type: 'string' },
      time: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'wait-minutes': { type: 'string', default: '120' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.stage === undefined) throw new UsageError('which stage? --stage <stage> (the drill restores real tables, so there is no default).');
  let time: Date | undefined;
  if (values.time !== undefined) {
    // An ISO 8601 time with its zone: a bare local time would mean different instants on different machines.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(values.time) || Number.isNaN(Date.parse(values.time))) {
      throw new UsageError(`--time must be an ISO 8601 time with a zone, e.g. 2026-05-12T08:30:00+08:00; got "${values.time}".`);
    }
    time = new Date(values.time);
    if (time > now) throw new UsageError(`--time ${values.time} is in the future.`);
  }
  const waitMinutes = Number(values['wait-minutes']);
  if (!Number.isInteger(waitMinutes) || waitMinutes < 1) throw new UsageError(`--wait-minutes must be a whole number of minutes, got "${values['wait-minutes']}".`);
  return { stage: values.stage, ...(time ? { time } : {}), keep: values.keep, waitMinutes, now };
}

/** Runs one command line and returns the exit code: 0 done, 1 failed (one line says why), 2 a usage error. */
export async function runDrillCli(
  argv: readonly string[],
  makeClients: () => DrillClients,
  io: CliOutput,
  now: Date = new Date(),
): Promise<number> {
  return runCommand('restore-drill', USAGE, io, async () => {
    const options = parseDrillArgs(argv, now);
    if (options === 'help') {
      io.out(USAGE);
      return 0;
    }
    await runRestoreDrill(makeClients(), options, io.out);
    return 0;
  }, { explain: explainDrillFailure });
}

/** The drill's own failures in the operator's terms. */
function explainDrillFailure(error: Error, detail: string): string | undefined {
  if (error instanceof DrillError) return error.message;
  if (error.name === 'TimeoutError') return `a restore did not finish in time (${detail}); try again with a larger --wait-minutes.`;
  return undefined;
}

// Run only as `npm run restore-drill`, not when a test imports this module.
const makeClients = () => ({ dynamodb: new DynamoDBClient({}), cloudFormation: new CloudFormationClient({}) });
await runAsScript(import.meta.url, (argv, io) => runDrillCli(argv, makeClients, io));
