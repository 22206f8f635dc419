import * as path from 'node:path';
import { Aws, type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { WebConfig } from '../../web/src/app/config';
import { contentSecurityPolicy } from '../../web/security-headers';

/** The folder of content-hashed scripts and styles in web/build.ts output. */
const HASHED_ASSETS = 'assets';
const DEPLOYMENT_MEMORY_MB = 512;

export interface SiteProps {
  /** The hosted UI origin the sign-in page posts to and fetches tokens from. */
  readonly hostedUiUrl: string;
  /** How long the bucket access logs are kept. */
  readonly accessLogExpiration: Duration;
  /** Retention of the upload function's log. */
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

export interface SitePagesProps {
  /** The folder web/build.ts wrote the pages to. */
  readonly pagesDir: string;
  /** Written as `/config.json`, which the pages read at start-up. */
  readonly config: WebConfig;
}

/**
 * The web pages: a private S3 bucket that only CloudFront may read (Origin Access Control), served over
 * HTTPS with security headers, and the uploads of the built pages plus the `config.json` that tells
 * them where the API and the sign-in page are. Pages are rebuilt from source on every
 * deploy, so the bucket itself is disposable; its access logs are not, because they show every write
 * to the pages — the place where a tampered rating form would show up.
 */
export class Site extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** The distribution's host name, `<id>.cloudfront.net`. */
  readonly domainName: string;
  /** `https://<cloudfront domain>`, no trailing slash. */
  readonly url: string;
  /** The role of the upload function, instead of one with AWSLambdaBasicExecutionRole. */
  readonly uploadRole: iam.Role;
  readonly uploadLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: props.accessLogExpiration }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'pages-bucket/',
      // Emptied by the deployment below (retainOnDelete: false), so the stack can delete it.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The API origin is a wildcard within the region: naming the exact API here would make the
    // distribution depend on the API, whose CORS setting already depends on the distribution.
    const apiOrigins = `https://*.execute-api.${Aws.REGION}.amazonaws.com`;
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Pingyi pages: HSTS, CSP, no framing, no referrer.',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        // Page URLs name the form and unit being rated, and the sign-in return carries `?code=`: no Referer
        // header may carry either anywhere.
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy({ api: apiOrigins, signIn: props.hostedUiUrl }),
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true },
        ],
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Pingyi pages',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // Edges in Asia are in this class; South America and Oceania are not needed by the users.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
    });
    this.domainName = this.distribution.distributionDomainName;
    this.url = `https://${this.domainName}`;

    this.uploadLogs = new logs.LogGroup(this, 'UploadLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.uploadRole = new iam.Role(this, 'UploadRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Uploads the pages during a deploy (BucketDeployment)',
    });
    this.uploadLogs.grantWrite(this.uploadRole);

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'No geo restriction: citizens and enterprises abroad (travel, overseas investors) must be able to rate too.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves static pages only; the abuse target is the rating API, which is not behind ' +
          'CloudFront (HTTP APIs cannot take a web ACL) and is throttled per stage. Revisit if the API moves behind CloudFront.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "Deliberately no CloudFront access logs: they record each viewer's IP next to the page and its query " +
          'string (the form and unit a citizen is about to rate), and Pingyi never stores a raw IP. The API access ' +
          'log (no IPs) and the bucket access log (every write to the pages) cover operations and tampering.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The site uses the default *.cloudfront.net certificate, for which CloudFront fixes the TLS policy. ' +
          'Serving it under an agency domain needs an ACM certificate with TLSv1.2_2021, which the Site ' +
          'construct does not offer yet.',
      },
    );
  }

  /**
   * Uploads the built pages: first the content-hashed files of `assets/` (cached for a year and never
   * removed, so a page still cached somewhere can load the scripts it names), then the pages and
   * `config.json` (cached for a minute; pages that no longer exist are removed) and invalidates
   * CloudFront so the new pages are served at once. This is the caching web/build.ts asks for.
   */
  deployPages(props: SitePagesProps): { assets: s3deploy.BucketDeployment; pages: s3deploy.BucketDeployment } {
    const assets = new s3deploy.BucketDeployment(this, 'AssetsDeployment', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${HASHED_ASSETS}/`,
      sources: [s3deploy.Source.asset(path.join(props.pagesDir, HASHED_ASSETS))],
      prune: false,
      retainOnDelete: false,
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.days(365)), s3deploy.CacheControl.immutable()],
      memoryLimit: DEPLOYMENT_MEMORY_MB,
      role: this.uploadRole,
      logGroup: this.uploadLogs,
    });
    const pages = new s3deploy.BucketDeployment(this, 'PagesDeployment', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(props.pagesDir, { exclude: [HASHED_ASSETS] }),
        s3deploy.Source.jsonData('config.json', props.config),
      ],
      // Keeps prune away from the hashed assets, which the other deployment owns.
      exclude: [`${HASHED_ASSETS}/*`],
      prune: true,
      retainOnDelete: false,
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.minutes(1))],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: DEPLOYMENT_MEMORY_MB,
      role: this.uploadRole,
      logGroup: this.uploadLogs,
    });
    pages.node.addDependency(assets);
    this.acknowledgeUploadFunction();
    return { assets, pages };
  }

  /**
   * The findings on the upload function that aws-cdk-lib's BucketDeployment brings along: one function per
   * stack, shared by both uploads (same memory size), run only by CloudFormation during a deploy. The
   * wildcards are the ones BucketDeployment grants; its Python runtime is pinned by aws-cdk-lib.
   */
  private acknowledgeUploadFunction(): void {
    const stack = Stack.of(this);
    const bucketArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnResource)}.Arn>`;
    const reason = (why: string) => `BucketDeployment's upload function (runs only during deploys): ${why}`;
    Validations.of(this.uploadRole).acknowledge(
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: reason('read the staged assets of this deploy from the CDK bootstrap asset bucket; aws-cdk-lib writes these wildcards.'),
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        reason: reason('assets are staged under content-hash keys in the bootstrap asset bucket, so the key is not known in advance.'),
      },
      ...['s3:Abort*', 's3:DeleteObject*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: reason('replace and prune the pages in the pages bucket (prune: true removes pages that no longer exist).'),
      })),
      {
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/*]`,
        reason: reason('write every page of the site, so every key of the pages bucket.'),
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: reason('create and wait for the CloudFront invalidation after upload; aws-cdk-lib grants cloudfront:CreateInvalidation/GetInvalidation on *.'),
      },
    );
    const uploadFunction = stack.node.children.find(
      (child) => child instanceof lambda.Function && child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!uploadFunction) throw new Error('BucketDeployment created no upload function');
    Validations.of(uploadFunction).acknowledge({
      id: 'AwsSolutions-L1',
      reason: reason('its Python runtime is pinned by aws-cdk-lib (not a BucketDeployment option) and moves with aws-cdk-lib upgrades.'),
    });
  }
}
