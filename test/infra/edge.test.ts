import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes';
import { ORIGIN_HEADER, VIEWER_ADDRESS_HEADER } from '../../infra/constructs/edge';
import { CLOUDFRONT_REGION, WEB_ACL_ARN_OUTPUT } from '../../infra/stacks/api-firewall-stack';
import { DEFAULT_API_RATE_LIMIT } from '../../infra/stacks/stage';
import { cleanUp, type Json, logicalId, synth } from './synth';

const { stack, firewall, template } = synth('dev');
afterAll(cleanUp);

const resources = () => template.toJSON().Resources as Record<string, { Type: string; Properties: Json; DependsOn?: string[] }>;
const props = (construct: Parameters<typeof logicalId>[0]) => resources()[logicalId(construct)]!.Properties;
const firewallTemplates = new Map<string, Template>();
/** The firewall stack's template, for a context. */
function firewallTemplate(context: Record<string, unknown> = {}): Template {
  const key = JSON.stringify(context);
  if (!firewallTemplates.has(key)) firewallTemplates.set(key, Template.fromStack(synth('dev', {}, context).firewall!));
  return firewallTemplates.get(key)!;
}

/** The web ACL as synthesized in the firewall stack. */
function webAcl(context: Record<string, unknown> = {}): Json {
  const acls = Object.values(firewallTemplate(context).findResources('AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return acls[0]!.Properties;
}

describe('API firewall (AWS WAF)', () => {
  it('lives in its own stack in us-east-1, where CloudFront takes web ACLs from, scoped to CloudFront', () => {
    expect(firewall!.region).toBe(CLOUDFRONT_REGION);
    expect(firewall!.stackName).toBe('Pingyi-dev-firewall');
    expect(webAcl().Scope).toBe('CLOUDFRONT');
    expect(webAcl().DefaultAction).toEqual({ Allow: {} });
  });

  it('limits each client IP to a few thousand requests in 5 minutes, answering 429 with Retry-After', () => {
    const rate = (webAcl().Rules as Json[])[0]!;
    expect(rate.Statement.RateBasedStatement).toEqual({ Limit: DEFAULT_API_RATE_LIMIT, AggregateKeyType: 'IP', EvaluationWindowSec: 300 });
    expect(DEFAULT_API_RATE_LIMIT).toBeGreaterThanOrEqual(1000);
    expect(rate.Action.Block.CustomResponse).toMatchObject({ ResponseCode: 429, ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }] });
  });

  it('takes the limit from -c apiRateLimit', () => {
    const rate = (webAcl({ apiRateLimit: '8000' }).Rules as Json[])[0]!;
    expect(rate.Statement.RateBasedStatement.Limit).toBe(8000);
  });

  it('counts, and does not block, with the AWS common rule set (a rating is never filtered away)', () => {
    const common = (webAcl().Rules as Json[]).find((rule) => rule.Name === 'AwsCommonRuleSet')!;
    expect(common.Statement.ManagedRuleGroupStatement).toEqual({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' });
    expect(common.OverrideAction).toEqual({ Count: {} });
  });

  it('names its metrics after the stage, so that two stages in one account do not add up', () => {
    const acl = webAcl();
    const names = [acl.VisibilityConfig, ...(acl.Rules as Json[]).map((rule) => rule.VisibilityConfig)].map((config) => config.MetricName as string);
    expect(names).toEqual(['Pingyi-dev-firewall-WebAcl', 'Pingyi-dev-firewall-RequestsPerClientIp', 'Pingyi-dev-firewall-AwsCommonRuleSet']);
  });

  it('keeps no client IP: sampled requests off everywhere, no WAF logging', () => {
    const acl = webAcl();
    for (const config of [acl.VisibilityConfig, ...(acl.Rules as Json[]).map((rule) => rule.VisibilityConfig)]) {
      expect(config).toMatchObject({ SampledRequestsEnabled: false, CloudWatchMetricsEnabled: true });
    }
    firewallTemplate().resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
  });
});

describe('API distribution', () => {
  const config = () => props(stack.apiEdge!.distribution).DistributionConfig as Json;

  it('carries the web ACL, read from the firewall stack in us-east-1 with Fn::GetStackOutput', () => {
    expect(config().WebACLId).toEqual({
      'Fn::GetStackOutput': { StackName: 'Pingyi-dev-firewall', OutputName: WEB_ACL_ARN_OUTPUT, Region: CLOUDFRONT_REGION },
    });
    expect(stack.dependencies).toContain(firewall);
  });

  it('forwards every method and viewer header but Host to the HTTP API, over HTTPS, caching nothing', () => {
    const behavior = config().DefaultCacheBehavior;
    expect(behavior.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'OPTIONS']));
    expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
    expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    const origin = (config().Origins as Json[])[0]!;
    expect(origin.DomainName).toEqual({ 'Fn::Join': ['', [{ Ref: logicalId(stack.api.api) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] });
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it('adds the origin secret as a deploy-time reference to Secrets Manager, never as a literal', () => {
    const origin = (config().Origins as Json[])[0]!;
    const header = (origin.OriginCustomHeaders as Json[]).find((h) => h.HeaderName === ORIGIN_HEADER)!;
    expect(header.HeaderValue).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalId(stack.originCheck!.secret) }, ':SecretString:::}}']],
    });
  });

  it('is where the pages call the API, and what the site lets them call', () => {
    const csp = JSON.stringify(props(stack.site.responseHeadersPolicy).ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy);
    expect(csp).toContain("connect-src 'self' https://*.cloudfront.net");
    expect(csp).not.toContain('execute-api');
    expect(stack.apiUrl).toBe(stack.apiEdge!.url);
  });

  it("keeps the HTTP API's CORS answer for the site's origin only", () => {
    const [api] = Object.values(template.findResources('AWS::ApiGatewayV2::Api'));
    expect(api!.Properties.CorsConfiguration.AllowOrigins).toEqual([
      { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.site.distribution), 'DomainName'] }]] },
    ]);
  });
});

describe("the viewer's address behind CloudFront", () => {
  const config = () => props(stack.apiEdge!.distribution).DistributionConfig as Json;

  it('sets x-viewer-address on every viewer request with a CloudFront Function on the API behavior', () => {
    const associations = config().DefaultCacheBehavior.FunctionAssociations as Json[];
    expect(associations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalId(stack.apiEdge!.viewerAddress), 'FunctionARN'] } },
    ]);
    const fn = props(stack.apiEdge!.viewerAddress);
    expect(fn.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.AutoPublish).toBe(true);
  });

  it("writes the connecting viewer's address over whatever the viewer sent in that header", () => {
    const code = props(stack.apiEdge!.viewerAddress).FunctionCode as string;
    expect(code).toContain(`request.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip }`);
    // The function is plain CloudFront Functions JavaScript: run it on an event that carries a forged header.
    const handler = new Function(`${code}; return handler;`)() as (event: unknown) => { headers: Record<string, { value: string }> };
    const request = handler({ viewer: { ip: '203.0.113.7' }, request: { headers: { [VIEWER_ADDRESS_HEADER]: { value: '198.51.100.1' } } } });
    expect(request.headers[VIEWER_ADDRESS_HEADER]).toEqual({ value: '203.0.113.7' });
  });

  it('names the header to the functions of the public routes, whose origin check proves they came through CloudFront', () => {
    for (const route of routes) {
      const variables = props(stack.api.functions[route.operationId].function).Environment.Variables as Record<string, unknown>;
      if (route.access === 'public') expect(variables.CLIENT_ADDRESS_HEADER, route.operationId).toBe(VIEWER_ADDRESS_HEADER);
      else expect(variables, route.operationId).not.toHaveProperty('CLIENT_ADDRESS_HEADER');
    }
  });
});

describe('origin check (no way around the WAF)', () => {
  const authorizerId = () => logicalId(stack.api.api.node.findChild('OriginCheck'));

  it('guards every public route with a cached Lambda authorizer on the secret header', () => {
    expect(props(stack.api.api.node.findChild('OriginCheck'))).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: [`$request.header.${ORIGIN_HEADER}`],
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 300,
    });
    const publicKeys = routes.filter((route) => route.access === 'public').map((route) => `${route.method} ${route.path}`);
    const guarded = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .filter((route) => JSON.stringify(route.Properties.AuthorizerId) === JSON.stringify({ Ref: authorizerId() }))
      .map((route) => route.Properties.RouteKey as string);
    expect(guarded.sort()).toEqual(publicKeys.sort());
    // No route of the API is left without an authorizer.
    const open = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter((route) => route.Properties.AuthorizationType === 'NONE');
    expect(open).toEqual([]);
  });

  it('lets the authorizer read only its secret, and log to its own log group', () => {
    const roleId = logicalId(stack.originCheck!.role);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[]);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: { Ref: logicalId(stack.originCheck!.secret) } }),
      ]),
    );
    for (const statement of statements) expect(statement.Resource).not.toBe('*');
    expect(props(stack.originCheck!.function).Environment.Variables).toEqual({ ORIGIN_SECRET_ARN: { Ref: logicalId(stack.originCheck!.secret) } });
  });

  it('compares the header in constant time and says nothing in its log', () => {
    const code = props(stack.originCheck!.function).Code.ZipFile as string;
    expect(code).toContain('timingSafeEqual');
    expect(code).toContain(`'${ORIGIN_HEADER}'`);
    expect(code).not.toMatch(/console\./);
  });
});

describe('site domain (aws)', () => {
  const domain = { domainName: 'pingyi.example.gov.cn', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234' };

  it('serves the pages under the given domain with the ACM certificate from us-east-1 and TLS 1.2', () => {
    const custom = synth('dev', {}, domain);
    const config = custom.template.toJSON().Resources[logicalId(custom.stack.site.distribution)].Properties.DistributionConfig;
    expect(config.Aliases).toEqual(['pingyi.example.gov.cn']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: domain.certificateArn,
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    expect(custom.stack.site.url).toBe('https://pingyi.example.gov.cn');
    const client = custom.template.toJSON().Resources[logicalId(custom.stack.identity.client)].Properties;
    expect(client.CallbackURLs).toEqual(['https://pingyi.example.gov.cn/sign-in.html']);
    const [api] = Object.values(custom.template.findResources('AWS::ApiGatewayV2::Api'));
    expect(api!.Properties.CorsConfiguration.AllowOrigins).toEqual(['https://pingyi.example.gov.cn']);
    expect(custom.template.toJSON().Outputs.SiteDistributionDomain.Value).toEqual({ 'Fn::GetAtt': [logicalId(custom.stack.site.distribution), 'DomainName'] });
  });

  it('refuses a certificate outside us-east-1, an IAM certificate, or a certificate without its domain', () => {
    expect(() => synth('dev', {}, { ...domain, certificateArn: 'arn:aws:acm:ap-east-1:123456789012:certificate/abcd' })).toThrow(/us-east-1/);
    expect(() => synth('dev', {}, { domainName: domain.domainName, iamCertificateId: 'ASCAEXAMPLE1234567890' })).toThrow(/iamCertificateId is for CloudFront in China/);
    expect(() => synth('dev', {}, { certificateArn: domain.certificateArn })).toThrow(/needs the domain/);
  });
});
