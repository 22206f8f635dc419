import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { routes, type OperationId } from '../../functions/routes';
import { BUCKETS } from '../../functions/store/buckets';
import { cleanUp, logicalId, synth } from './synth';

/** The export bucket: private, encrypted, TLS only, short-lived objects, and granted only as routes.ts declares. */

const { stack, template } = synth('dev');
afterAll(cleanUp);

const exportsBucket = stack.buckets.get('exports').bucket;
const bucketId = logicalId(exportsBucket);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The S3 statements of the policies attached to a role. */
function s3StatementsOf(roleId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
}

describe('the exports bucket', () => {
  it('is private, encrypted, owner-enforced, logged, and deletes exports after a day', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { LogFilePrefix: 'exports-bucket/' },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: BUCKETS.exports.expiryDays, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' })],
      },
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

  it.each(routes.map((route) => [route.operationId, route] as const))('route %s may use exactly the buckets routes.ts declares', (operationId, route) => {
    // prepare
    const fn = stack.api.functions[operationId as OperationId];
    const resource = template.toJSON().Resources[logicalId(fn.function)] as { Properties: { Environment?: { Variables?: Record<string, unknown> } } };
    const env = resource.Properties.Environment?.Variables ?? {};

    // act
    const statements = s3StatementsOf(logicalId(fn.role));

    // assert
    if (!('buckets' in route)) {
      expect(statements).toEqual([]);
      expect(env).not.toHaveProperty(BUCKETS.exports.envVar);
      return;
    }
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      },
    ]);
    expect(env[BUCKETS.exports.envVar]).toEqual({ Ref: bucketId });
  });
});
