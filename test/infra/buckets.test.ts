import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { routes, type OperationId } from '../../functions/routes';
import { BUCKETS, type BucketAccess, type BucketDefinition, type BucketKey } from '../../functions/store/buckets';
import { cleanUp, logicalId, roleStatements, synth } from './synth';

/** The export bucket: private, encrypted, TLS only, short-lived objects, and granted only as routes.ts declares. */

const { stack, template } = synth('dev');
afterAll(cleanUp);

const exportsBucket = stack.buckets.get('exports').bucket;
const bucketId = logicalId(exportsBucket);

// What each declared access grants, as CloudFormation renders it (one action as a string, several sorted).
const ACTIONS: Record<BucketAccess, string | string[]> = {
  export: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
  upload: 's3:PutObject',
  read: 's3:GetObject',
  attach: ['s3:GetObject', 's3:PutObjectTagging'],
  publish: ['s3:DeleteObject', 's3:PutObject'],
};

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** The S3 statements of a role's policies, inline or attached. */
function s3StatementsOf(roleId: string): Statement[] {
  return (roleStatements(template, roleId) as Statement[]).filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
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
    const declared = Object.entries('buckets' in route ? route.buckets : {}) as [BucketKey, BucketAccess][];
    expect(statements).toEqual(
      declared.map(([key, access]) => ({
        Effect: 'Allow',
        Action: ACTIONS[access],
        // A site prefix (the public files) is granted as that prefix only.
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack.buckets.get(key).bucket), 'Arn'] }, `/${(BUCKETS[key] as BucketDefinition).site?.prefix ?? ''}*`]] },
      })),
    );
    for (const key of Object.keys(BUCKETS) as BucketKey[]) {
      const bound = declared.some(([k]) => k === key);
      if (bound) expect(env[BUCKETS[key].envVar]).toEqual({ Ref: logicalId(stack.buckets.get(key).bucket) });
      else expect(env).not.toHaveProperty(BUCKETS[key].envVar);
    }
    // Whoever deletes public files invalidates them in the site's distribution, and no one else touches CloudFront.
    const publishes = declared.some(([key, access]) => access === 'publish' && (BUCKETS[key] as BucketDefinition).site);
    const distribution = { Ref: logicalId(stack.site.distribution) };
    const invalidations = (roleStatements(template, logicalId(fn.role)) as Statement[]).filter((s) => [s.Action].flat().some((a) => a.startsWith('cloudfront:')));
    expect(invalidations).toEqual(publishes ? [{ Effect: 'Allow', Action: 'cloudfront:CreateInvalidation', Resource: expect.anything() }] : []);
    if (publishes) expect(JSON.stringify(invalidations[0]!.Resource)).toContain(JSON.stringify(distribution));
    expect(env[BUCKETS.publications.site.distributionEnvVar]).toEqual(publishes ? distribution : undefined);
  });
});
