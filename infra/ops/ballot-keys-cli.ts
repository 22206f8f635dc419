/**
 * `npm run ballot-keys -- show | rotate | retire <keyId>`: the ballot-key ring of the local stack or of a
 * deployed stage (the work is in ballot-keys.ts). Region and credentials come from the standard AWS
 * environment when a stage is named.
 *
 *   npm run ballot-keys -- show                    the local ring (.local/ballot-keys.json)
 *   npm run ballot-keys -- rotate --stage prod     a new current key in stack Pingyi-prod's secret
 *   npm run ballot-keys -- retire k1 --stage prod  k1 stops verifying
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BALLOT_KEYS_MAX_AGE_SECONDS } from '../../functions/store/ballot-keys';
import { SECRETS } from '../../functions/store/secrets';
import { DEFAULT_DATA_DIR, secretFile } from '../local/paths';
import {
  BallotKeysError,
  describeRing,
  fileRingStore,
  findBallotKeysSecret,
  formatSummary,
  retireKey,
  ROTATION_PROPAGATION_MINUTES,
  rotateRing,
  secretRingStore,
  type RingStore,
} from './ballot-keys';
import { stackName } from '../stacks/stack-name';
import { parseCommandLine, runAsScript, runCommand, UsageError, type CliOutput } from './cli';

/** The text `--help` and every usage error show. */
export const USAGE = `usage:
  npm run ballot-keys -- show                 which keys the ring holds and which one signs (never a key itself)
  npm run ballot-keys -- rotate               add a key and make it the one that signs; older keys keep verifying
  npm run ballot-keys -- retire <keyId>       remove a key that no longer signs: links signed with it stop working

  Without --stage or --secret-id it works on the local ring, ${SECRETS.ballotKeys.localFile} in .local/ (npm start).
  --stage <stage>        the secret of deployed stack ${stackName('<stage>')} (its ${SECRETS.ballotKeys.id}SecretArn output)
  --secret-id <arn>      this Secrets Manager secret instead of looking it up
  --file <path>          this local ring file instead of .local/${SECRETS.ballotKeys.localFile}
  -h, --help             show this text

After a rotation, wait at least ${ROTATION_PROPAGATION_MINUTES} minutes (functions re-read the ring every ${BALLOT_KEYS_MAX_AGE_SECONDS} s) plus as long
as links signed with the old key must keep working, then retire it (README "Rotate the ballot keys").
Region and credentials come from the AWS environment (AWS_REGION, AWS_PROFILE or AWS_ACCESS_KEY_ID...).`;

/** Where the ring is: a local file, a stage's secret, or a secret given by id. */
export type RingChoice = { file: string } | { stage: string } | { secretId: string };

export type BallotKeysCommand =
  | { action: 'show' | 'rotate'; ring: RingChoice }
  | { action: 'retire'; ring: RingChoice; keyId: string }
  | { action: 'help' };

/** The clients `npm run ballot-keys` talks to AWS through, made only when a stage or secret is named. */
export interface BallotKeysClients {
  secretsManager: SecretsManagerClient;
  cloudFormation: CloudFormationClient;
}

/** Reads the arguments after `npm run ballot-keys --`; throws a UsageError for anything it cannot carry out. */
export function parseBallotKeysArgs(argv: readonly string[], defaultFile = secretFile(DEFAULT_DATA_DIR, 'ballotKeys')): BallotKeysCommand {
  const { values, positionals } = parseCommandLine({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      stage: { type: 'string' },
      'secret-id': { type: 'string' },
      file: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { action: 'help' };
  const places = [values.stage, values['secret-id'], values.file].filter((v) => v !== undefined);
  if (places.length > 1) throw new UsageError('give one of --stage, --secret-id and --file.');
  const ring: RingChoice =
    values.stage !== undefined
      ? { stage: values.stage }
      : values['secret-id'] !== undefined
        ? { secretId: values['secret-id'] }
        : { file: values.file ?? defaultFile };

  const [action, ...rest] = positionals;
  switch (action) {
    case 'show':
    case 'rotate':
      if (rest.length > 0) throw new UsageError(`${action} takes no arguments; unexpected "${rest.join(' ')}".`);
      return { action, ring };
    case 'retire': {
      if (rest.length !== 1) throw new UsageError('retire needs exactly one key id, e.g. retire k1.');
      return { action, ring, keyId: rest[0]! };
    }
    case undefined:
      throw new UsageError('which command: show, rotate or retire?');
    default:
      throw new UsageError(`"${action}" is not a command; use show, rotate or retire.`);
  }
}

async function storeOf(ring: RingChoice, makeClients: () => BallotKeysClients): Promise<RingStore> {
  if ('file' in ring) return fileRingStore(ring.file);
  const clients = makeClients();
  const secretId = 'secretId' in ring ? ring.secretId : await findBallotKeysSecret(clients.cloudFormation, stackName(ring.stage));
  return secretRingStore(clients.secretsManager, secretId);
}

/**
 * Runs one command line and returns the exit code: 0 done, 1 failed (one line saying why), 2 a usage error.
 * Nothing it prints holds key material.
 */
export async function runBallotKeysCli(
  argv: readonly string[],
  makeClients: () => BallotKeysClients,
  io: CliOutput,
  defaultFile?: string,
): Promise<number> {
  return runCommand('ballot-keys', USAGE, io, async () => {
    const command = parseBallotKeysArgs(argv, defaultFile);
    if (command.action === 'help') {
      io.out(USAGE);
      return 0;
    }
    const store = await storeOf(command.ring, makeClients);
    const stored = await store.read();
    switch (command.action) {
      case 'show':
        io.out(`${store.where}\n${formatSummary(describeRing(stored))}`);
        break;
      case 'rotate': {
        const before = describeRing(stored);
        const rotated = rotateRing(stored);
        await store.write(rotated);
        const after = describeRing(rotated);
        io.out(
          `${store.where}: ${after.current} added and made current; ${before.keys.join(', ')} still ${before.keys.length > 1 ? 'verify' : 'verifies'}.\n` +
            `Retire an old key once no link signed with it is needed, and not before ${ROTATION_PROPAGATION_MINUTES} minutes from now:\n` +
            `  npm run ballot-keys -- retire ${before.current}${argvPlace(command.ring)}`,
        );
        break;
      }
      case 'retire': {
        const retired = retireKey(stored, command.keyId);
        await store.write(retired);
        io.out(`${store.where}: ${command.keyId} retired; links signed with it no longer work. Keys now: ${describeRing(retired).keys.join(', ')}.`);
        break;
      }
    }
    return 0;
  }, { explain: (error) => (error instanceof BallotKeysError ? error.message : undefined) });
}

/** The place options of a command line, to repeat in a hint. */
function argvPlace(ring: RingChoice): string {
  if ('stage' in ring) return ` --stage ${ring.stage}`;
  if ('secretId' in ring) return ` --secret-id ${ring.secretId}`;
  return ring.file === secretFile(DEFAULT_DATA_DIR, 'ballotKeys') ? '' : ` --file ${ring.file}`;
}


// Run only as `npm run ballot-keys`, not when a test imports this module.
const makeClients = () => ({ secretsManager: new SecretsManagerClient({}), cloudFormation: new CloudFormationClient({}) });
await runAsScript(import.meta.url, (argv, io) => runBallotKeysCli(argv, makeClients, io));
