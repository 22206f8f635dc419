import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/** What differs between a throwaway stage (dev, a branch) and the one citizens use (prod). */
export interface StageSettings {
  readonly stage: string;
  readonly isProd: boolean;
  /** DynamoDB deletion protection and Cognito user pool deletion protection. */
  readonly deletionProtection: boolean;
  readonly logRetention: logs.RetentionDays;
  /** Log groups and the user pool: kept in prod, removed with a test stage. */
  readonly removalPolicy: RemovalPolicy;
  readonly accessLogExpiration: Duration;
}

// Cognito refuses hosted UI domain prefixes containing these words, but only at deploy time.
const RESERVED_IN_DOMAIN_PREFIX = /aws|amazon|cognito/;

/**
 * Checks the literal part of a Cognito hosted UI domain prefix at synth time, where Cognito would only
 * refuse it in the middle of a deploy: lower-case letters, digits and inner hyphens, at most 63
 * characters, none of the reserved words aws, amazon, cognito.
 */
export function checkAuthDomainPrefix(prefix: string, what: string): void {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix)) {
    throw new Error(`${what} must be lower-case letters, digits and inner hyphens (at most 63), got "${prefix}"`);
  }
  if (RESERVED_IN_DOMAIN_PREFIX.test(prefix)) {
    throw new Error(`${what} may not contain "aws", "amazon" or "cognito" (Cognito refuses it), got "${prefix}"`);
  }
}

/** The settings of a stage: `prod` is protected and keeps a year of logs; any other stage is disposable. */
export function stageSettings(stage: string): StageSettings {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new Error(`stage must be lower-case letters, digits and dashes (at most 20), got "${stage}"`);
  }
  // The default hosted UI prefix is `pingyi-<stage>-<account id>`.
  checkAuthDomainPrefix(`pingyi-${stage}-0`, 'stage (part of the sign-in domain prefix)');
  const isProd = stage === 'prod';
  return {
    stage,
    isProd,
    deletionProtection: isProd,
    logRetention: isProd ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.TWO_WEEKS,
    removalPolicy: isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    accessLogExpiration: Duration.days(isProd ? 365 : 30),
  };
}
