import * as path from 'node:path';
import { Annotations, type CfnResource, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { BUCKETS, type BucketDefinition } from '../../functions/store/buckets';
import type { WebConfig } from '../../web/src/app/config';
import { contentSecurityPolicy } from '../../web/security-headers';
import type { DeploymentProfile, SiteDomain } from '../stacks/stage';

/** The folder of content-hashed scripts and styles in web/build.ts output. */
const HASHED_ASSETS = 'assets';
/** The prefixes of the bucket that functions publish into (store/buckets.ts definitions with `site`): never pruned. */
const PUBLISHED_PREFIXES = Object.values(BUCKETS as Record<string, BucketDefinition>).flatMap((b) => (b.site ? [b.site.prefix] : []));
const DEPLOYMENT_MEMORY_MB = 512;

export interface SiteProps {
  /** The origins of the staff sign-in: where the sign-in page sends the browser and fetches tokens from. */
  readonly signInOrigins: readonly string[];
  /**
   * Where the pages may call the API (CSP connect-src): a wildcard origin, because naming the exact API
   * distribution or API here would make the site depend on it while the API's CORS setting depends on the site.
   */
  readonly apiOrigin: string;
  /** Where the complaint page uploads attachments to (CSP connect-src): S3's regional endpoint, as a wildcard origin. */
  readonly uploadOrigin?: string;
  /**
   * `china`: CloudFront in the aws-cn partition, which takes no cache policies (legacy cache settings instead),
   * no origin access control (an origin access identity instead) and no ACM certificates (an IAM one).
   * @default aws
   */
  readonly profile?: DeploymentProfile;
  /** The site's own domain and certificate. @default the distribution's name (`*.cloudfront.net`) */
  readonly domain?: SiteDomain;
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
  /** The site's host name: its own domain when given, else the distribution's `<id>.cloudfront.net`. */
  readonly domainName: string;
  /** `https://<domainName>`, no trailing slash. */
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

    const china = props.profile === 'china';
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
          contentSecurityPolicy: contentSecurityPolicy({ api: props.apiOrigin, uploads: props.uploadOrigin, signIn: props.signInOrigins }),
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true },
        ],
      },
    });

    const certificate = props.domain?.certificate;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Pingyi pages',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        // Origin access control is not a resource type CloudFormation knows in the China regions.
        origin: china ? S3BucketOrigin.withOriginAccessIdentity(this.bucket) : S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      ...(props.domain ? { domainNames: [props.domain.name] } : {}),
      ...(certificate?.kind === 'acm'
        ? {
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', certificate.arn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      // CloudFront China: the settings of AWS's own CloudFront-in-China sample (HTTP/2, all edges, IPv4),
      // its four edge locations being in mainland China anyway.
      httpVersion: china ? cloudfront.HttpVersion.HTTP2 : cloudfront.HttpVersion.HTTP2_AND_3,
      // Edges in Asia are in this class; South America and Oceania are not needed by the users.
      priceClass: china ? cloudfront.PriceClass.PRICE_CLASS_ALL : cloudfront.PriceClass.PRICE_CLASS_200,
      ...(china ? { enableIpv6: false } : {}),
    });
    if (china) this.useChinaCloudFrontSettings(certificate?.kind === 'iam' ? certificate.id : undefined);
    this.domainName = props.domain?.name ?? this.distribution.distributionDomainName;
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
          'The distribution serves static, cached pages only; the abuse target is the rating API, which has its own ' +
          'distribution and web ACL on aws (infra/constructs/edge.ts). A web ACL here would bill and count every page ' +
          'asset against the per-client limit of a service hall.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "Deliberately no CloudFront access logs: they record each viewer's IP next to the page and its query " +
          'string (the form and unit a citizen is about to rate), and Pingyi never stores a raw IP. The API access ' +
          'log (no IPs) and the bucket access log (every write to the pages) cover operations and tampering.',
      },
    );
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The site uses the default CloudFront certificate, for which CloudFront fixes the TLS policy. With ' +
          '-c domainName (and its certificate) the distribution requires TLSv1.2_2021.',
      });
    }
    if (china) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR7',
        reason:
          'CloudFront in the China regions has no origin access control (CloudFormation does not know the resource type ' +
          'there): an origin access identity is the way to keep the bucket private to this distribution.',
      });
      if (!props.domain) {
        Annotations.of(this).addWarningV2(
          'pingyi:china-site-needs-domain',
          'CloudFront in the China regions does not serve content on its *.cloudfront.cn name: give the ICP-recorded ' +
            'domain with -c domainName=… -c iamCertificateId=… before citizens can open the pages.',
        );
      }
    }
  }

  /**
   * What CloudFront in the China regions takes instead of what the global partition uses: legacy cache
   * settings (it refuses CachePolicyId, "can't be set for this region"), and an IAM server certificate for
   * the site's own domain (it has no ACM). The legacy settings cache like CachingOptimized for these pages:
   * no query string, cookie or header in the cache key; the objects' Cache-Control sets the lifetimes.
   */
  private useChinaCloudFrontSettings(iamCertificateId: string | undefined): void {
    // Set on the L1 properties rather than as raw overrides, so that cdk-nag and the tests see what deploys.
    const cfn = this.distribution.node.defaultChild as cloudfront.CfnDistribution;
    const config = cfn.distributionConfig as cloudfront.CfnDistribution.DistributionConfigProperty;
    const { cachePolicyId: _unsupported, ...behavior } = config.defaultCacheBehavior as cloudfront.CfnDistribution.DefaultCacheBehaviorProperty;
    cfn.distributionConfig = {
      ...config,
      defaultCacheBehavior: { ...behavior, forwardedValues: { queryString: false, cookies: { forward: 'none' } } },
      ...(iamCertificateId !== undefined
        ? { viewerCertificate: { iamCertificateId, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' } }
        : {}),
    };
  }

  /**
   * Uploads the built pages: first the content-hashed files of `assets/` (cached for a year and never
   * removed, so a page still cached somewhere can load the scripts it names), then the pages and
   * `config.json` (cached for a minute; pages that no longer exist are removed, published files under `public/` never) and invalidates
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
      // Keeps prune away from the hashed assets, which the other deployment owns, and from the files functions
      // publish (the disclosure page's JSON under `public/`), which no deploy uploads and none may delete.
      exclude: [`${HASHED_ASSETS}/*`, ...PUBLISHED_PREFIXES.map((prefix) => `${prefix}*`)],
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
    // cdk-nag names a value known at synth (the partition and region of a pinned stack) as itself.
    const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const assetsBucket = `arn:${shown(stack.partition, 'Partition')}:s3:::cdk-hnb659fds-assets-${shown(stack.account, 'AccountId')}-${shown(stack.region, 'Region')}`;
    const reason = (why: string) => `BucketDeployment's upload function (runs only during deploys): ${why}`;
    Validations.of(this.uploadRole).acknowledge(
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: reason('read the staged assets of this deploy from the CDK bootstrap asset bucket; aws-cdk-lib writes these wildcards.'),
      })),
      {
        id: `AwsSolutions-IAM5[Resource::${assetsBucket}/*]`,
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
