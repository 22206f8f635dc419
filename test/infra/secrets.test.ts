import { Validations } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { keyRingOf } from '../../functions/domain/evaluation/ballot-token';
import { SECRETS, type SecretKey } from '../../functions/store/secrets';
import { secretArnOutput } from '../../infra/ops/ballot-keys';
import { CHINA_CONTEXT } from './profiles';
import { cleanUp, type Json, logicalId, synth } from './synth';

afterAll(cleanUp);

const secretKeys = Object.keys(SECRETS) as SecretKey[];

function secretResource(stage: string, key: SecretKey, context: Record<string, unknown> = {}) {
  const { stack, template } = synth(stage, {}, context);
  return template.toJSON().Resources[logicalId(stack.secrets.get(key).secret)] as { Type: string; Properties: Json; DeletionPolicy?: string };
}

describe('secrets', () => {
  it('creates one Secrets Manager secret per entry of store/secrets.ts, besides the origin secret of the API edge', () => {
    const { stack, template } = synth('dev');
    const secrets = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets.sort()).toEqual([...secretKeys.map((key) => logicalId(stack.secrets.get(key).secret)), logicalId(stack.originCheck!.secret)].sort());
  });

  it('lets Secrets Manager generate the first ballot key into the flat ring the functions read', () => {
    const { Properties } = secretResource('dev', 'ballotKeys');
    expect(Properties.GenerateSecretString).toEqual({
      SecretStringTemplate: '{"current":"k1"}',
      GenerateStringKey: 'k1',
      PasswordLength: 48,
      ExcludePunctuation: true,
      IncludeSpace: false,
    });
    expect(Properties.SecretString).toBeUndefined();
    // What Secrets Manager makes from the template: 48 letters and digits under k1.
    const generated = { ...JSON.parse(Properties.GenerateSecretString.SecretStringTemplate as string), k1: 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4' };
    expect(keyRingOf(generated)).toMatchObject({ current: 'k1', keys: { k1: generated.k1 } });
  });

  it.each(secretKeys)('keeps %s in prod and removes it with a test stage', (key) => {
    expect(secretResource('prod', key).DeletionPolicy).toBe('Retain');
    expect(secretResource('dev', key).DeletionPolicy).toBe('Delete');
  });

  it.each(secretKeys)('says why %s has no Secrets Manager rotation (AwsSolutions-SMG4)', (key) => {
    const { stack } = synth('dev');
    const acks = stack.secrets
      .get(key)
      .secret.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acks).toEqual([[expect.stringMatching(/(^|:)AwsSolutions-SMG4$/), expect.stringContaining('npm run ballot-keys')]]);
  });

  it.each(secretKeys)('outputs the ARN of %s for npm run ballot-keys', (key) => {
    const { stack, template } = synth('dev');
    expect(template.toJSON().Outputs[secretArnOutput(SECRETS[key])].Value).toEqual({ Ref: logicalId(stack.secrets.get(key).secret) });
  });

  it('creates the same secrets on the china profile', () => {
    for (const key of secretKeys) expect(secretResource('dev', key, CHINA_CONTEXT).Type).toBe('AWS::SecretsManager::Secret');
  });
});
