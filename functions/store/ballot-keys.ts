import { readFile } from 'node:fs/promises';
import { ZStoredKeyRing, keyRingOf, type KeyRing } from '../domain/evaluation/ballot-token';
import { TIME_BUDGET } from '../platform/time-budget';
import { traced } from '../platform/tracer';
import { SECRETS } from './secrets';

/**
 * How long a function keeps the ballot keys before reading them again: a rotation (a new current key)
 * reaches every warm function within this time, so the rotation script waits this long before it retires
 * an old key.
 */
export const BALLOT_KEYS_MAX_AGE_SECONDS = 300;

/**
 * The stage's ballot-token keys, read through Powertools Parameters (cached for the max age above) from
 * the Secrets Manager secret named by the bound env var, or from the file it names locally (`file:<path>`).
 * The binding is read now, so a function without it fails at cold start.
 */
export function ballotKeySource(env: NodeJS.ProcessEnv = process.env): () => Promise<KeyRing> {
  const { envVar } = SECRETS.ballotKeys;
  const ref = env[envVar];
  if (!ref) throw new Error(`${envVar} is not set: this function is not bound to the ballot keys`);
  if (ref.startsWith('file:')) {
    const path = ref.slice('file:'.length);
    let cached: { ring: KeyRing; readAt: number } | undefined;
    return async () => {
      if (!cached || Date.now() - cached.readAt > BALLOT_KEYS_MAX_AGE_SECONDS * 1_000) {
        cached = { ring: keyRingOf(ZStoredKeyRing.parse(JSON.parse(await readFile(path, 'utf8')))), readAt: Date.now() };
      }
      return cached.ring;
    };
  }
  let provider: Promise<{ get(name: string, options: object): Promise<unknown> }> | undefined;
  return async () => {
    // Loaded on the first token only: an open ballot, the most common kind, never pays for the client.
    provider ??= secretsProvider();
    return keyRingOf(ZStoredKeyRing.parse(await (await provider).get(ref, { transform: 'json', maxAge: BALLOT_KEYS_MAX_AGE_SECONDS })));
  };
}

/** Powertools' Secrets Manager provider over a client with the same enforced deadlines as DynamoDB's. */
async function secretsProvider() {
  const [{ SecretsManagerClient }, { SecretsProvider }] = await Promise.all([
    import('@aws-sdk/client-secrets-manager'),
    import('@aws-lambda-powertools/parameters/secrets'),
  ]);
  const { connectMs, attemptMs, maxAttempts } = TIME_BUDGET.dynamo;
  const client = new SecretsManagerClient({
    maxAttempts,
    requestHandler: { connectionTimeout: connectMs, requestTimeout: attemptMs, throwOnRequestTimeout: true },
  });
  return new SecretsProvider({ awsSdkV3Client: traced(client) });
}
