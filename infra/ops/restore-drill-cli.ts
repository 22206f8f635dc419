/**
 * `npm run restore-drill -- --stage <stage> [--time <iso>] [--keep]`: a point-in-time restore drill of a
 * deployed stage's tables (the work is in restore-drill.ts). Region and credentials come from the standard
 * AWS environment.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DrillError, runRestoreDrill, stackName, type DrillClients, type DrillOptions, type Print } from './restore-drill';

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

/** A command line that cannot be carried out as written (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Reads the arguments after `npm run restore-drill --`: the drill's options, or help. */
export function parseDrillArgs(argv: readonly string[], now: Date): DrillOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
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
    }));
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(error.message);
    throw error;
  }
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
  io: { out: Print; err: Print },
  now: Date = new Date(),
): Promise<number> {
  try {
    const options = parseDrillArgs(argv, now);
    if (options === 'help') {
      io.out(USAGE);
      return 0;
    }
    await runRestoreDrill(makeClients(), options, io.out);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`npm run restore-drill: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`npm run restore-drill: ${failureLine(error)}`);
    return 1;
  }
}

function failureLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const detail = error.message.split('\n')[0];
  if (error.name === 'CredentialsProviderError' || error.name === 'TokenProviderError') {
    return `no usable AWS credentials (${detail}). Set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again.`;
  }
  if (/^Region is missing/.test(error.message)) return 'no AWS region: set AWS_REGION (e.g. AWS_REGION=cn-northwest-1) or give your AWS profile a region.';
  if (error instanceof DrillError) return error.message;
  if (error.name === 'TimeoutError') return `a restore did not finish in time (${detail}); try again with a larger --wait-minutes.`;
  return `${error.name}: ${detail}`;
}

// Run only as `npm run restore-drill`, not when a test imports this module.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const makeClients = () => ({ dynamodb: new DynamoDBClient({}), cloudFormation: new CloudFormationClient({}) });
  process.exitCode = await runDrillCli(process.argv.slice(2), makeClients, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
