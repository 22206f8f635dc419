import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes';
import { BUCKETS } from '../../functions/store/buckets';
import { cleanUp, logicalId, synth } from './synth';

/**
 * The attachments bucket: private, encrypted, TLS only, uploads from browsers by presigned PUT only, objects
 * kept as long as cases need them, and touched only by the functions that declare it (the per-route grants
 * themselves are asserted for every bucket in buckets.test.ts).
 */

const { stack, template } = synth('dev');
afterAll(cleanUp);

const bucketId = logicalId(stack.buckets.get('attachments').bucket);
const bucket = () => template.toJSON().Resources[bucketId] as { Properties: Record<string, unknown> };

describe('the attachments bucket', () => {
  it('is private, encrypted, owner-enforced and logged, deletes unclaimed uploads after a day and keeps claimed files for the cases’ retention', () => {
    expect(bucket().Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { LogFilePrefix: 'attachments-bucket/' },
      LifecycleConfiguration: {
        Rules: [
          expect.objectContaining({ ExpirationInDays: BUCKETS.attachments.expiryDays, Status: 'Enabled' }),
          expect.objectContaining({ ExpirationInDays: 1, TagFilters: [{ Key: 'pending', Value: 'true' }], Status: 'Enabled' }),
        ],
      },
    });
    expect(BUCKETS.attachments.expiryDays).toBeGreaterThanOrEqual(3 * 365);
  });

  it('lets browsers PUT into it cross-origin (the signature decides), and nothing else', () => {
    expect(bucket().Properties.CorsConfiguration).toEqual({
      CorsRules: [{ AllowedMethods: ['PUT'], AllowedOrigins: ['*'], AllowedHeaders: ['content-type', 'x-amz-tagging'], MaxAge: 3600 }],
    });
  });

  it('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('is bound to exactly the upload-URL, intake, case-detail, ledger-item and ledger-action functions', () => {
    // act
    const bound = routes
      .map((r) => [r.operationId, ('buckets' in r ? (r.buckets as Record<string, string>) : {}).attachments] as const)
      .filter(([, access]) => access !== undefined);
    const withEnv = Object.entries(stack.api.functions)
      .filter(([, fn]) => {
        const env = (template.toJSON().Resources[logicalId(fn.function)] as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }).Properties.Environment?.Variables ?? {};
        return BUCKETS.attachments.envVar in env;
      })
      .map(([id]) => id)
      .sort();

    // assert
    expect(bound).toEqual([
      ['fileCase', 'attach'],
      ['requestCaseAttachment', 'upload'],
      ['getCase', 'read'],
      // A ledger item's evidence files: read with the item, attached by the action that submits evidence.
      ['getLedgerItem', 'read'],
      ['actOnLedgerItem', 'attach'],
    ]);
    expect(withEnv).toEqual(['actOnLedgerItem', 'fileCase', 'getCase', 'getLedgerItem', 'requestCaseAttachment']);
  });
});
