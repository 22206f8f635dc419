import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRETS, type SecretKey } from '../../functions/store/secrets';

/** Where the local stack keeps what outlives a run: the repository's git-ignored `.local/` folder. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../.local/', import.meta.url));

/** The signing key of local tokens inside a data dir; `npm start` and `npm run token` read the same file. */
export const jwtKeyFile = (dataDir: string): string => join(dataDir, 'jwt-key.json');

/** Where the local stack keeps a secret of functions/store/secrets.ts (the ballot keys: `ballot-keys.json`). */
export const secretFile = (dataDir: string, key: SecretKey): string => join(dataDir, SECRETS[key].localFile);
