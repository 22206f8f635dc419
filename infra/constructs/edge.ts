import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { NODE_RUNTIME } from './api-function';
import { ORIGIN_HEADER, VIEWER_ADDRESS_HEADER } from './edge-headers';
import type { HttpApi } from './http-api';

export { ORIGIN_HEADER, VIEWER_ADDRESS_HEADER };

// CloudFront Functions JavaScript (runtime 2.0): `event.viewer.ip` is the address of whoever connected to
// CloudFront. Header names are lower case in the event; assigning replaces every value the viewer sent.
const VIEWER_ADDRESS_CODE = `function handler(event) {
  var request = event.request;
  request.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip };
  return request;
}
`;

export interface ApiFirewallProps {
  /** Requests one client IP may make in 5 minutes before it is refused for a while (429). */
  readonly rateLimitPer5Minutes: number;
}

/**
 * The AWS WAF web ACL in front of the API (scope CLOUDFRONT, so it must be created in us-east-1):
 *
 * 1. a rate-based rule per client IP over 5 minutes, answering 429 with Retry-After. The limit is high
 *    (3,000 by default, `-c apiRateLimit`): a service hall or a government office puts hundreds of citizens
 *    behind one address, and a rating must never be refused to one of them. The key is the connecting IP,
 *    never X-Forwarded-For, which a caller can write.
 * 2. the AWS managed common rule set in COUNT mode: its body rules (size above 8 KB, cross-site-scripting and
 *    SQL patterns) would block unit imports and could block a citizen's free-text comment, and a rating must
 *    never be filtered away (low ratings are never filtered, blocked or delayed). Its metrics show what it
 *    would block; a rule can be switched to block once its counts show no false positives.
 *
 * No raw client IP is stored by us: sampled requests are off on the ACL and every rule (they keep client IPs
 * for three hours in the console), and no WAF logging is configured. Metrics are counts only.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    // Per stack (so per stage), or two stages in one account would add up into the same metrics.
    const prefix = Stack.of(this).stackName.replace(/[^A-Za-z0-9_-]/g, '');
    const visibility = (metric: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${prefix}-${metric}`,
      sampledRequestsEnabled: false,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'Pingyi API: a request limit per client IP, and the AWS common rule set counted',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('WebAcl'),
      customResponseBodies: {
        tooManyRequests: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ message: 'Too many requests from this network address; try again in a few minutes.' }),
        },
      },
      rules: [
        {
          name: 'RequestsPerClientIp',
          priority: 0,
          statement: {
            rateBasedStatement: { limit: props.rateLimitPer5Minutes, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'tooManyRequests',
                responseHeaders: [{ name: 'Retry-After', value: '60' }],
              },
            },
          },
          visibilityConfig: visibility('RequestsPerClientIp'),
        },
        {
          name: 'AwsCommonRuleSet',
          priority: 1,
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          overrideAction: { count: {} },
          visibilityConfig: visibility('AwsCommonRuleSet'),
        },
      ],
    });
  }
}

export interface OriginCheckProps {
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

// Runs in the Lambda Node.js runtime, whose AWS SDK v3 provides the Secrets Manager client; kept inline
// (a few lines, no dependencies) so it needs no bundling. Compares in constant time, logs nothing.
const ORIGIN_CHECK_CODE = `
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const { timingSafeEqual } = require('node:crypto');
const client = new SecretsManagerClient({});
let expected, readAt = 0;
exports.handler = async (event) => {
  if (!expected || Date.now() - readAt > 300000) {
    const secret = await client.send(new GetSecretValueCommand({ SecretId: process.env.ORIGIN_SECRET_ARN }));
    expected = Buffer.from(secret.SecretString); readAt = Date.now();
  }
  const given = Buffer.from(String((event.headers || {})['${ORIGIN_HEADER}'] || ''));
  return { isAuthorized: given.length === expected.length && timingSafeEqual(given, expected) };
};
`;

/**
 * Keeps callers from going around the API's CloudFront distribution (and so around its WAF): CloudFront
 * sends a secret header to the API, and the routes open to the public take an API Gateway Lambda authorizer
 * whose identity source is that header. API Gateway answers 401 itself when the header is missing, without
 * running any function; a wrong value is refused (403) by this small authorizer, whose answer API Gateway
 * caches per value for 5 minutes, so CloudFront's own requests run it about once per 5 minutes. The route
 * functions never run for a caller who went around CloudFront. Staff routes keep their JWT authorizer: a
 * direct call there without a valid staff token is refused by API Gateway as well.
 *
 * The secret is generated by Secrets Manager and passed to CloudFront as a dynamic reference at deploy time;
 * it is not in the template.
 */
export class OriginCheck extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly authorizer: HttpLambdaAuthorizer;

  constructor(scope: Construct, id: string, props: OriginCheckProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'OriginSecret', {
      description: `Shared by the API's CloudFront distribution (header ${ORIGIN_HEADER}) and the API's origin check`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not a credential to any data: a marker that a request came through CloudFront, so a leak only lets a caller skip ' +
        'the rate limit on public routes. CloudFront reads it at deploy time; rotating it without a deploy would refuse ' +
        'every citizen until the next one, so it changes with a deploy that replaces it.',
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Checks that a request to the API came through its CloudFront distribution',
    });
    this.logGroup.grantWrite(this.role);
    this.secret.grantRead(this.role);
    this.function = new lambda.Function(this, 'Function', {
      description: `Origin check: is ${ORIGIN_HEADER} the CloudFront secret?`,
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(ORIGIN_CHECK_CODE),
      memorySize: 256,
      timeout: Duration.seconds(5),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: { ORIGIN_SECRET_ARN: this.secret.secretArn },
    });
    this.authorizer = new HttpLambdaAuthorizer('OriginCheck', this.function, {
      identitySource: [`$request.header.${ORIGIN_HEADER}`],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.minutes(5),
    });
  }
}

export interface ApiEdgeProps {
  readonly api: HttpApi;
  readonly originCheck: OriginCheck;
  /** The web ACL (ApiFirewall) in us-east-1, by ARN. */
  readonly webAclArn: string;
}

/**
 * The API's front door on AWS: a CloudFront distribution with the AWS WAF web ACL, forwarding every method,
 * header (but Host, which API Gateway checks against its own name), cookie and query string to the HTTP API
 * and caching nothing. It adds the origin secret header, and a viewer-request CloudFront Function sets
 * `x-viewer-address` to the viewer's address — what an open ballot's client key is made from; the managed
 * AllViewerExceptHostHeader policy forwards it like any viewer header. (Whether that policy also forwards
 * CloudFront's own CloudFront-Viewer-Address could not be confirmed; the function makes the address
 * independent of it, and no viewer can set it.) The pages' `apiBase` is its URL. The HTTP API's own CORS
 * answers still reach the browser unchanged.
 */
export class ApiEdge extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** Sets VIEWER_ADDRESS_HEADER on every viewer request. */
  readonly viewerAddress: cloudfront.Function;
  /** `https://<id>.cloudfront.net`, no trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiEdgeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const apiDomain = `${props.api.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      comment: `Sets ${VIEWER_ADDRESS_HEADER} to the viewer's address`,
      code: cloudfront.FunctionCode.fromInline(VIEWER_ADDRESS_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Pingyi API, behind AWS WAF',
      defaultBehavior: {
        origin: new HttpOrigin(apiDomain, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          // API Gateway gives up on an integration after 30 s; CloudFront waits a little longer for its answer.
          readTimeout: Duration.seconds(35),
          customHeaders: { [ORIGIN_HEADER]: props.originCheck.secret.secretValue.unsafeUnwrap() },
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: false,
        functionAssociations: [{ function: this.viewerAddress, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      webAclId: props.webAclArn,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'No geo restriction: citizens and enterprises abroad (travel, overseas investors) must be able to rate too.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "Deliberately no CloudFront access logs: they record each viewer's IP next to the request, and Pingyi never stores " +
          'a raw IP. The API access log (no IPs) and the WAF metrics (counts) cover operations.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The API is served on its *.cloudfront.net name, for which CloudFront fixes the TLS policy; the pages call it ' +
          'over HTTPS only (viewer protocol policy https-only).',
      },
    );
  }
}
