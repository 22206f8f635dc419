/**
 * The secrets functions read, defined once like the tables (tables.ts): CDK creates each in Secrets
 * Manager and grants it to the functions whose route or job names it, setting the env var named here; the
 * local runtime points the same env var at a file under `.local/` (`file:<path>`).
 */
export interface SecretDefinition {
  /** CDK construct id. */
  readonly id: string;
  /** The env var that carries the secret's ARN (on AWS) or `file:<path>` (locally) to a bound function. */
  readonly envVar: string;
  /** The file under `.local/` the local runtime keeps it in. */
  readonly localFile: string;
}

export const SECRETS = {
  /** The keys that sign ballot tokens (domain/evaluation/ballot-token.ts KeyRing), rotated by `npm run ballot-keys`. */
  ballotKeys: { id: 'BallotKeys', envVar: 'BALLOT_KEYS_SECRET', localFile: 'ballot-keys.json' },
} as const satisfies Record<string, SecretDefinition>;

export type SecretKey = keyof typeof SECRETS;
