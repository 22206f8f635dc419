import { resolve } from 'node:path';
import { SECRETS, type SecretKey } from '../../functions/store/secrets';
import { ensureRingFile } from '../ops/ballot-keys';
import { secretFile } from './paths';

/** How each secret of functions/store/secrets.ts is made locally the first time (typed: a new secret must say). */
const MAKE: Record<SecretKey, (path: string) => void> = {
  // A ring with k1 only: `{"current":"k1","k1":"<base64url of 32 random bytes>"}` (npm run ballot-keys rotates it).
  ballotKeys: (path) => void ensureRingFile(path),
};

/**
 * The secrets of the local stack, kept in files of the data dir (`.local/ballot-keys.json`) and made there
 * when missing, and the functions' environment that points at them: `<envVar>=file:<absolute path>`, which
 * functions/store/ballot-keys.ts reads where it would read a Secrets Manager ARN on AWS. Locally every
 * function shares one process, so every function gets it; on AWS only those whose route names the secret.
 */
export function localSecretEnv(dataDir: string): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(SECRETS) as SecretKey[]).map((key) => {
      const path = resolve(secretFile(dataDir, key));
      MAKE[key](path);
      return [SECRETS[key].envVar, `file:${path}`];
    }),
  );
}
