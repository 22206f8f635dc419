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

/** The settings of a stage: `prod` is protected and keeps a year of logs; any other stage is disposable. */
export function stageSettings(stage: string): StageSettings {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new Error(`stage must be lower-case letters, digits and dashes (at most 20), got "${stage}"`);
  }
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
