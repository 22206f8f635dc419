import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BUCKETS, type BucketDefinition, type BucketKey } from '../../functions/store/buckets';

/** A created bucket together with the definition it came from, ready for `ApiFunction.bindBucket`. */
export interface BoundBucket {
  readonly key: BucketKey;
  readonly definition: BucketDefinition;
  readonly bucket: s3.Bucket;
  /** The distribution that serves a site prefix (definitions with `site`): where a deleted file is invalidated. */
  readonly distribution?: cloudfront.IDistribution;
}

export interface BucketsProps {
  /** Where S3 writes the server access logs (the site's access-log bucket), each bucket under its own prefix. */
  readonly accessLogsBucket: s3.IBucket;
  /** The site's pages bucket, which a definition with `site` (a prefix of it) stands for instead of a bucket of its own. */
  readonly siteBucket: s3.Bucket;
  /** The site's distribution, which serves the site bucket's prefixes. */
  readonly siteDistribution: cloudfront.IDistribution;
}

/**
 * Every bucket of functions/store/buckets.ts: private (all public access blocked, owner-enforced objects),
 * encrypted with S3-managed keys, reachable over TLS only, with server access logs, and every object deleted
 * `expiryDays` after it was written (unfinished multipart uploads after a day; objects tagged `pending=true` after `pendingExpiryDays`). What they hold is derived
 * and short-lived (exports), or citizens' attachments kept while their cases need them; a deleted stack
 * takes them along. A definition with `site` is a prefix of the site's pages bucket (the public files), made by the Site construct. A bucket browsers upload into (`browserUploads`) lets them PUT cross-origin. Functions get one only through
 * `ApiFunction.bindBucket`, which grants exactly the declared access and sets its env var together.
 */
export class Buckets extends Construct {
  private readonly byKey: Record<BucketKey, BoundBucket>;

  constructor(scope: Construct, id: string, props: BucketsProps) {
    super(scope, id);
    const entries = (Object.entries(BUCKETS) as [BucketKey, BucketDefinition][]).map(([key, definition]) => {
      if (definition.site) return [key, { key, definition, bucket: props.siteBucket, distribution: props.siteDistribution }] as const;
      const bucket = new s3.Bucket(this, definition.id, {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        serverAccessLogsBucket: props.accessLogsBucket,
        serverAccessLogsPrefix: `${definition.localDir}-bucket/`,
        lifecycleRules: [
          { expiration: Duration.days(definition.expiryDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
          ...(definition.pendingExpiryDays ? [{ tagFilters: { pending: 'true' }, expiration: Duration.days(definition.pendingExpiryDays) }] : []),
        ],
        // Presigned PUTs from the pages: any origin may try, the signature (type and size included) decides.
        ...(definition.browserUploads
          ? { cors: [{ allowedMethods: [s3.HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['content-type', 'x-amz-tagging'], maxAge: 3600 }] }
          : {}),
        removalPolicy: RemovalPolicy.DESTROY,
        autoDeleteObjects: false,
      });
      return [key, { key, definition, bucket }] as const;
    });
    this.byKey = Object.fromEntries(entries) as Record<BucketKey, BoundBucket>;
  }

  /** The bucket for a key of BUCKETS. */
  get(key: BucketKey): BoundBucket {
    return this.byKey[key];
  }

  /** Every bucket, in BUCKETS order. */
  all(): BoundBucket[] {
    return Object.values(this.byKey);
  }
}
