/**
 * `npm run staff -- <command>`: adds, lists and disables staff in the deployed Cognito user pool
 * (the work is in staff.ts). Region and credentials come from the standard AWS environment.
 *
 *   npm run staff -- add wang@example.cn unitHandler --unit tax-bureau --unit water-bureau
 *   npm run staff -- list --stage prod
 *   npm run staff -- disable wang@example.cn
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ROLES } from '../../functions/routes/route';
import {
  addStaff,
  checkEmail,
  checkUserPoolId,
  disableStaff,
  findUserPoolId,
  listStaff,
  newStaff,
  StaffError,
  type NewStaff,
} from './staff';
import { parseCommandLine, runAsScript, runCommand, UsageError, type CliOutput } from './cli';
import { stackName } from '../stacks/stack-name';

/** The text `--help` and every usage error show. */
export const USAGE = `usage:
  npm run staff -- add <email> <role> [--unit <unitId>]...   create a staff member (Cognito e-mails a temporary password)
  npm run staff -- list                                        every staff member with status, roles and units
  npm run staff -- disable <email>                             block sign-in and revoke their refresh tokens

  <role> is one of: ${ROLES.join(', ')}
  --unit <unitId>        a unit the unit handler acts for; required for unitHandler, repeat for several
  --stage <stage>        find the user pool in stack ${stackName('<stage>')} (default: dev)
  --user-pool-id <id>    use this user pool instead of looking it up
  -h, --help             show this text

Region and credentials come from the AWS environment (AWS_REGION, AWS_PROFILE or AWS_ACCESS_KEY_ID...).`;

/** Where the user pool comes from: given on the command line, or the outputs of a stage's stack. */
export type PoolChoice = { userPoolId: string } | { stage: string };

/** A command line, checked. */
export type StaffCommand =
  | { action: 'add'; pool: PoolChoice; staff: NewStaff }
  | { action: 'list'; pool: PoolChoice }
  | { action: 'disable'; pool: PoolChoice; email: string }
  | { action: 'help' };

/** The clients `npm run staff` talks to AWS through. */
export interface StaffClients {
  cognito: CognitoIdentityProviderClient;
  cloudFormation: CloudFormationClient;
}

/** Reads the arguments after `npm run staff --`; throws a UsageError for anything it cannot carry out. */
export function parseStaffArgs(argv: readonly string[]): StaffCommand {
  const { values, positionals } = parseCommandLine({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      unit: { type: 'string', multiple: true, default: [] },
      stage: { type: 'string', default: 'dev' },
      'user-pool-id': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { action: 'help' };

  const [action, ...rest] = positionals;
  const userPoolId = values['user-pool-id'];
  const pool: PoolChoice = userPoolId !== undefined ? { userPoolId: checkUserPoolId(userPoolId) } : { stage: values.stage };
  if (action !== 'add' && values.unit.length > 0) throw new UsageError('--unit belongs to add.');
  switch (action) {
    case 'add': {
      const [email, role] = expectArgs(rest, ['<email>', '<role>'], action);
      return { action, pool, staff: newStaff(email, role, values.unit) };
    }
    case 'list':
      expectArgs(rest, [], action);
      return { action, pool };
    case 'disable': {
      const [email] = expectArgs(rest, ['<email>'], action);
      return { action, pool, email: checkEmail(email) };
    }
    case undefined:
      throw new UsageError('which command: add, list or disable?');
    default:
      throw new UsageError(`"${action}" is not a command; use add, list or disable.`);
  }
}

/**
 * Runs one command line and returns the exit code: 0 done, 1 failed (one line saying why, with a hint
 * when AWS credentials or the region are missing), 2 a usage error. The clients are made only once the
 * command line is known to be good.
 */
export async function runStaffCli(
  argv: readonly string[],
  makeClients: () => StaffClients,
  io: CliOutput,
): Promise<number> {
  return runCommand('staff', USAGE, io, async () => {
    const command = parseStaffArgs(argv);
    if (command.action === 'help') {
      io.out(USAGE);
      return 0;
    }
    const clients = makeClients();
    const userPoolId =
      'userPoolId' in command.pool ? command.pool.userPoolId : await findUserPoolId(clients.cloudFormation, command.pool.stage);
    switch (command.action) {
      case 'add':
        await addStaff(clients.cognito, userPoolId, command.staff, io.out);
        break;
      case 'list':
        await listStaff(clients.cognito, userPoolId, io.out);
        break;
      case 'disable':
        await disableStaff(clients.cognito, userPoolId, command.email, io.out);
        break;
    }
    return 0;
  }, { explain: (error) => (error instanceof StaffError ? error.message : undefined) });
}


/** The positional arguments of a command, exactly as many as it names. */
function expectArgs<const Names extends readonly string[]>(
  args: readonly string[],
  names: Names,
  action: string,
): { [K in keyof Names]: string } {
  if (args.length !== names.length) {
    const wanted = names.length > 0 ? names.join(' ') : 'no arguments';
    throw new UsageError(
      args.length < names.length
        ? `${action} needs ${wanted}.`
        : `${action} takes ${wanted}; unexpected "${args.slice(names.length).join(' ')}".`,
    );
  }
  return [...args] as { [K in keyof Names]: string };
}

// Run only as `npm run staff`, not when a test imports this module.
const makeClients = () => ({ cognito: new CognitoIdentityProviderClient({}), cloudFormation: new CloudFormationClient({}) });
await runAsScript(import.meta.url, (argv, io) => runStaffCli(argv, makeClients, io));
