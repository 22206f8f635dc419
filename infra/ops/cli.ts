/**
 * What every operator command (`npm run staff`, `ballot-keys`, `recount`, `audit`, `restore-drill`) does the
 * same way: its arguments read strictly with node:util's parseArgs, a usage error shown with the usage text
 * (exit 2), any other failure as one line in the operator's terms, and the process's arguments and output
 * wired in only when node runs the module as a script, so that tests import it and drive it with their own.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Writes one line of output. */
export type Print = (line: string) => void;

/** Where a command writes: its report, and what went wrong. */
export interface CliOutput {
  out: Print;
  err: Print;
}

/** A command line that cannot be carried out as written; the CLI shows it with the usage text (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** node:util's parseArgs, with what it refuses (an unknown option, a missing value) as a UsageError. */
export function parseCommandLine<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    // parseArgs reports an unknown option or a missing value as a TypeError with a code.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(error.message);
    throw error;
  }
}

/** A command's own failures put in the operator's terms; undefined for any other. */
export type ExplainFailure = (error: Error, detail: string) => string | undefined;

/** One line for a failure: the SDK's own words for missing credentials or region help nobody. */
export function failureLine(error: unknown, explain?: ExplainFailure): string {
  if (!(error instanceof Error)) return String(error);
  const detail = error.message.split('\n')[0] ?? '';
  if (error.name === 'CredentialsProviderError' || error.name === 'TokenProviderError') {
    return (
      `no usable AWS credentials (${detail}). Set AWS_PROFILE (run \`aws sso login\` first for an SSO profile) ` +
      'or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again.'
    );
  }
  if (/^Region is missing/.test(error.message)) return 'no AWS region: set AWS_REGION (e.g. AWS_REGION=cn-north-1) or give your AWS profile a region.';
  return explain?.(error, detail) ?? `${error.name}: ${detail}`;
}

/**
 * Runs the work of `npm run <command>` and turns what it throws into the exit code: a UsageError is shown
 * with the usage text (2); any other failure as one line (`failure.code`, 1 unless the command's usage text
 * says otherwise).
 */
export async function runCommand(
  command: string,
  usage: string,
  io: CliOutput,
  work: () => Promise<number>,
  failure: { code?: number; explain?: ExplainFailure } = {},
): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`npm run ${command}: ${error.message}\n\n${usage}`);
      return 2;
    }
    io.err(`npm run ${command}: ${failureLine(error, failure.explain)}`);
    return failure.code ?? 1;
  }
}

/**
 * Runs `main` with the process's arguments, stdout and stderr, and sets its exit code — only when node runs
 * `moduleUrl` as the script (`npm run …`), not when a test imports the module.
 */
export async function runAsScript(moduleUrl: string, main: (argv: readonly string[], io: CliOutput) => Promise<number>): Promise<void> {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  // The SDK warns on every start that its 2027 releases will need Node 22; package.json's engines says 20 today.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await main(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
