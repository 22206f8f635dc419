import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobs, routes } from '../../functions/routes';
import { SECRETS } from '../../functions/store/secrets';
import { TABLES, type TableKey } from '../../functions/store/tables';
import { SIGN_IN_PAGE, ZWebConfig } from '../../web/src/app/config';
import { CHINA_CONTEXT, CHINA_OIDC } from './profiles';
import { cleanUp, type Json, logicalId, synth } from './synth';

const china = synth('dev', {}, CHINA_CONTEXT);
const { stack, template } = china;
afterAll(cleanUp);

const resources = () => template.toJSON().Resources as Record<string, { Type: string; Properties: Json; DeletionPolicy?: string }>;
const props = (construct: Parameters<typeof logicalId>[0]) => resources()[logicalId(construct)]!.Properties;
const ofType = (type: string) => Object.values(resources()).filter((resource) => resource.Type === type);

describe('china profile: what is built', () => {
  it('deploys one stack, pinned to its region in the aws-cn partition, without a firewall stack', () => {
    expect(china.firewall).toBeUndefined();
    expect(stack.region).toBe('cn-northwest-1');
    expect(stack.partition).toBe('aws-cn');
    expect(china.app.node.children.filter((child) => child.node.id.startsWith('Pingyi-'))).toHaveLength(1);
  });

  it('creates no Cognito resource (user pools are not offered in the China regions)', () => {
    expect(Object.values(resources()).filter((resource) => resource.Type.startsWith('AWS::Cognito::'))).toEqual([]);
    expect(() => stack.identity).toThrow(/OIDC/);
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('UserPoolId');
  });

  it('creates no WAF, CloudFront-for-the-API or origin check (CloudFront-scope WAF is not offered there)', () => {
    expect(ofType('AWS::WAFv2::WebACL')).toEqual([]);
    expect(ofType('AWS::CloudFront::Distribution')).toHaveLength(1);
    expect(ofType('AWS::CloudFront::Function')).toEqual([]);
    expect(stack.apiEdge).toBeUndefined();
    expect(stack.originCheck).toBeUndefined();
    expect(stack.apiUrl).toBe(stack.api.url);
  });

  it('keeps the ballot keys in Secrets Manager as on aws, and no other secret (no origin secret)', () => {
    expect(ofType('AWS::SecretsManager::Secret')).toHaveLength(Object.keys(SECRETS).length);
    expect(resources()[logicalId(stack.secrets.get('ballotKeys').secret)]!.Type).toBe('AWS::SecretsManager::Secret');
  });

  it("lets the functions take the viewer's address from API Gateway's source IP: the API is called directly", () => {
    for (const route of routes) {
      expect(props(stack.api.functions[route.operationId].function).Environment.Variables, route.operationId).not.toHaveProperty('CLIENT_ADDRESS_HEADER');
    }
  });

  it('writes every ARN in the aws-cn partition and every service host name with the URL suffix of the partition', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/arn:aws:/);
    expect(text).toMatch(/arn:aws-cn:/);
    // Only service principals may name amazonaws.com (they are the same in China); no host name does.
    const hosts = [...text.matchAll(/"([a-z0-9.*-]*amazonaws\.com[^"]*)"/g)].map((m) => m[1]!);
    for (const host of hosts) expect(host, host).toMatch(/^[a-z0-9.-]+\.amazonaws\.com$/);
    for (const host of new Set(hosts)) expect(['lambda', 'apigateway', 'scheduler', 'logging.s3', 'cloudwatch', 'sns', 'events']).toContain(host.replace(/\.amazonaws\.com$/, ''));
  });

  it('keeps the tables as on aws: point-in-time recovery, retained, deletion protection on prod', () => {
    const prod = synth('prod', {}, CHINA_CONTEXT);
    for (const key of Object.keys(TABLES) as TableKey[]) {
      const table = prod.template.toJSON().Resources[logicalId(prod.stack.tables.get(key).table)];
      expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });

  it('keeps the scheduled jobs on EventBridge Scheduler, which the China regions offer', () => {
    expect(ofType('AWS::Scheduler::Schedule')).toHaveLength(jobs.length);
  });
});

describe('china profile: staff sign-in through an OIDC issuer', () => {
  it('checks staff tokens with the same HTTP API JWT authorizer, for the issuer and audience of the context', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]!.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: CHINA_OIDC.oidcIssuer, Audience: [CHINA_OIDC.oidcClientId] },
    });
  });

  it('accepts the audiences of -c oidcAudience instead of the client id when the issuer puts its API there', () => {
    const other = synth('dev', {}, { ...CHINA_CONTEXT, oidcAudience: 'https://api.pingyi.example.gov.cn, pingyi-web' });
    const [authorizer] = Object.values(other.template.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(authorizer!.Properties.JwtConfiguration.Audience).toEqual(['https://api.pingyi.example.gov.cn', 'pingyi-web']);
  });

  it('protects the staff routes with it and leaves the public routes open, throttled per stage', () => {
    const jwtId = logicalId(stack.api.api.node.findChild('StaffJwt'));
    for (const route of routes) {
      const [resource] = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter(
        (r) => r.Properties.RouteKey === `${route.method} ${route.path}`,
      );
      if (route.access === 'public') expect(resource!.Properties.AuthorizationType, route.operationId).toBe('NONE');
      else expect(resource!.Properties.AuthorizerId, route.operationId).toEqual({ Ref: jwtId });
    }
  });

  it('accepts no machine client but the staff audience unless the context names one, and asks for the default scope', () => {
    const route = routes.find((r) => r.operationId === 'createServiceRecordLink')!;
    const [resource] = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter((r) => r.Properties.RouteKey === `${route.method} ${route.path}`);
    expect(resource!.Properties.AuthorizationScopes).toEqual(['pingyi/service-records']);
    expect(stack.machineClients).toBeUndefined();
  });

  it('adds the machine audience of -c oidcMachineAudience to the authorizer and the scope prefix of -c oidcMachineScopePrefix', () => {
    const other = synth('dev', {}, { ...CHINA_CONTEXT, oidcMachineAudience: 'pingyi-service-records, gov-service-platform', oidcMachineScopePrefix: 'api://pingyi/' });
    const [authorizer] = Object.values(other.template.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(authorizer!.Properties.JwtConfiguration.Audience).toEqual([CHINA_OIDC.oidcClientId, 'pingyi-service-records', 'gov-service-platform']);
    const route = routes.find((r) => r.operationId === 'createServiceRecordLink')!;
    const [resource] = Object.values(other.template.findResources('AWS::ApiGatewayV2::Route')).filter((r) => r.Properties.RouteKey === `${route.method} ${route.path}`);
    expect(resource!.Properties.AuthorizationScopes).toEqual(['api://pingyi/service-records']);
    const variables = other.template.toJSON().Resources[logicalId(other.stack.api.functions.createServiceRecordLink.function)].Properties.Environment.Variables;
    expect(variables.MACHINE_SCOPE_PREFIX).toBe('api://pingyi/');
  });

  it('refuses a machine scope prefix with spaces, and machine keys without an issuer', () => {
    expect(() => synth('dev', {}, { ...CHINA_CONTEXT, oidcMachineScopePrefix: 'pingyi api/' })).toThrow(/oidcMachineScopePrefix/);
    expect(() => synth('dev', {}, { profile: 'china', region: 'cn-north-1', oidcMachineAudience: 'x' })).toThrow(/-c oidcIssuer=/);
  });

  it("tells every function where this issuer's tokens carry the groups and the token kind", () => {
    for (const route of routes) {
      expect(props(stack.api.functions[route.operationId].function).Environment.Variables).toMatchObject({
        STAFF_GROUPS_CLAIM: 'groups',
        STAFF_TOKEN_KIND_CLAIM: 'typ',
        STAFF_TOKEN_KIND_VALUE: 'Bearer',
      });
    }
  });

  it('writes a config.json that signs in at the issuer, returns to the site and reads groups from its claim', () => {
    const config = ZWebConfig.parse(JSON.parse(configJson()));
    expect(config.auth).toEqual({
      kind: 'oidc',
      issuer: CHINA_OIDC.oidcIssuer,
      authorizationEndpoint: CHINA_OIDC.oidcAuthorizationEndpoint,
      tokenEndpoint: CHINA_OIDC.oidcTokenEndpoint,
      clientId: CHINA_OIDC.oidcClientId,
      redirectUri: `https://${CHINA_CONTEXT.domainName}${SIGN_IN_PAGE}`,
      scope: 'openid profile',
      signOutUrl:
        `${CHINA_OIDC.oidcLogoutEndpoint}?client_id=${CHINA_OIDC.oidcClientId}` +
        `&post_logout_redirect_uri=${encodeURIComponent(`https://${CHINA_CONTEXT.domainName}/`)}`,
      groupsClaim: 'groups',
    });
    expect(template.toJSON().Outputs.SignInRedirectUri.Value).toBe(config.auth.kind === 'oidc' ? config.auth.redirectUri : '');
  });

  it('lets the pages reach the issuer, the regional API and the regional S3 uploads, and nothing else (CSP)', () => {
    const csp = JSON.stringify(props(stack.site.responseHeadersPolicy).ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy);
    expect(csp).toContain("connect-src 'self' https://*.execute-api.cn-northwest-1.");
    expect(csp).toContain(' https://*.s3.cn-northwest-1.');
    expect(csp).toContain('{"Ref":"AWS::URLSuffix"}');
    expect(csp).toContain("form-action 'self' https://id.example.gov.cn;");
    expect(csp).not.toContain('amazoncognito');
  });

  it('refuses a China deployment without its issuer, or with a half-given one', () => {
    const { oidcIssuer: _issuer, ...withoutIssuer } = CHINA_CONTEXT;
    expect(() => synth('dev', {}, { profile: 'china', region: 'cn-north-1' })).toThrow(/Cognito user pools are not offered/);
    expect(() => synth('dev', {}, withoutIssuer)).toThrow(/-c oidcIssuer=/);
    expect(() => synth('dev', {}, { ...CHINA_CONTEXT, oidcIssuer: 'http://id.example.gov.cn' })).toThrow(/https/);
  });
});

describe('china profile: the site on CloudFront China', () => {
  const config = () => props(stack.site.distribution).DistributionConfig as Json;

  it('keeps the bucket private with an origin access identity (no origin access control there)', () => {
    expect(ofType('AWS::CloudFront::OriginAccessControl')).toEqual([]);
    expect(ofType('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toHaveLength(1);
    expect(config().Origins[0].S3OriginConfig.OriginAccessIdentity).toBeDefined();
  });

  it('uses legacy cache settings, since CloudFront China refuses cache policies', () => {
    expect(config().DefaultCacheBehavior.CachePolicyId).toBeUndefined();
    expect(config().DefaultCacheBehavior.ForwardedValues).toEqual({ QueryString: false, Cookies: { Forward: 'none' } });
    expect(config().HttpVersion).toBe('http2');
  });

  it('serves the ICP-recorded domain with the IAM server certificate and TLS 1.2', () => {
    expect(config().Aliases).toEqual([CHINA_CONTEXT.domainName]);
    expect(config().ViewerCertificate).toEqual({
      IamCertificateId: CHINA_CONTEXT.iamCertificateId,
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    const [api] = ofType('AWS::ApiGatewayV2::Api');
    expect(api!.Properties.CorsConfiguration.AllowOrigins).toEqual([`https://${CHINA_CONTEXT.domainName}`]);
  });

  it('refuses what CloudFront China cannot take: an ACM certificate, a per-client rate limit', () => {
    expect(() => synth('dev', {}, { ...CHINA_CONTEXT, iamCertificateId: undefined, certificateArn: 'arn:aws-cn:acm:cn-northwest-1:123456789012:certificate/x' })).toThrow(
      /does not take ACM certificates/,
    );
    expect(() => synth('dev', {}, { ...CHINA_CONTEXT, apiRateLimit: '5000' })).toThrow(/regional only/);
  });
});

/** config.json of the pages deployment (the domain is known, so only apiBase is a deploy-time value). */
function configJson(): string {
  const raw = readFileSync(findFile(china.outdir, 'config.json'), 'utf8');
  return raw.replace(/<<marker:0xbaba:\d+>>/g, 'https://a1b2c3d4e5.execute-api.cn-northwest-1.amazonaws.com.cn');
}

function findFile(dir: string, name: string): string {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      try {
        return findFile(full, name);
      } catch {
        continue;
      }
    } else if (entry === name) return full;
  }
  throw new Error(`no ${name} under ${dir}`);
}
