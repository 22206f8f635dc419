import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { checkAuthDomainPrefix, stageSettings } from '../../infra/stacks/stage';

describe('stageSettings', () => {
  it('protects prod and keeps its logs a year', () => {
    expect(stageSettings('prod')).toMatchObject({
      isProd: true,
      deletionProtection: true,
      logRetention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  });

  it('makes any other stage disposable', () => {
    expect(stageSettings('dev')).toMatchObject({
      isProd: false,
      deletionProtection: false,
      logRetention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  });

  it.each(['Prod', 'prod_1', '', '-dev', 'a'.repeat(21)])('rejects the stage name %j, which would not make valid resource names', (stage) => {
    expect(() => stageSettings(stage)).toThrow(/stage must be/);
  });

  it.each(['aws-demo', 'my-amazon', 'cognito1'])('rejects the stage %j, whose sign-in domain prefix Cognito would refuse', (stage) => {
    expect(() => stageSettings(stage)).toThrow(/may not contain/);
  });
});

describe('checkAuthDomainPrefix', () => {
  it('accepts a plain prefix and refuses bad characters, edge hyphens, length and reserved words', () => {
    expect(() => checkAuthDomainPrefix('pingyi-district-7', 'p')).not.toThrow();
    for (const bad of ['Pingyi', 'ping_yi', '-pingyi', 'pingyi-', 'a'.repeat(64), 'pingyi-aws']) {
      expect(() => checkAuthDomainPrefix(bad, 'p')).toThrow();
    }
  });
});
