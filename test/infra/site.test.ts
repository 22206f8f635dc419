import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../functions/routes';
import { ZWebConfig } from '../../web/src/config';
import { cleanUp, type Json, logicalId, synth } from './synth';

const { stack, template, outdir } = synth('dev');
afterAll(cleanUp);

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
}
const resources = () => template.toJSON().Resources as Record<string, CfnResource>;
const props = <T>(construct: Parameters<typeof logicalId>[0]) => resources()[logicalId(construct)]!.Properties as T;
const distributionDomain = () => ({ 'Fn::GetAtt': [logicalId(stack.site.distribution), 'DomainName'] });

/** The two uploads: `assets/` (hashed files) and the pages with config.json. */
function deployments() {
  const all = Object.entries(resources()).filter(([, r]) => r.Type === 'Custom::CDKBucketDeployment');
  expect(all).toHaveLength(2);
  const [assets, pages] = [
    all.filter(([, r]) => r.Properties.DestinationBucketKeyPrefix === 'assets/'),
    all.filter(([, r]) => r.Properties.DestinationBucketKeyPrefix === undefined),
  ];
  expect(assets).toHaveLength(1);
  expect(pages).toHaveLength(1);
  return { assets: assets[0]!, pages: pages[0]! as [string, CfnResource & { DependsOn?: string[] }] };
}

describe('site', () => {
  it('serves the private bucket through CloudFront with Origin Access Control, and nothing else', () => {
    const config = props<{ DistributionConfig: Json }>(stack.site.distribution).DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].DomainName).toEqual({ 'Fn::GetAtt': [logicalId(stack.site.bucket), 'RegionalDomainName'] });
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    expect(config.Origins[0].S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: logicalId(stack.site.responseHeadersPolicy) });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
  });

  it('lets only this distribution read the pages bucket, over TLS', () => {
    const bucketId = logicalId(stack.site.bucket);
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
    );
    const statements = policy!.Properties.PolicyDocument.Statement as Json[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const read = statements.find((s) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(read).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject' });
    expect(JSON.stringify(read!.Condition)).toContain(logicalId(stack.site.distribution));
  });

  it('blocks public access and encrypts both buckets, and logs writes to the pages', () => {
    for (const bucket of [stack.site.bucket, stack.site.accessLogsBucket]) {
      const p = props<Json>(bucket);
      expect(p.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    }
    expect(props<Json>(stack.site.bucket).LoggingConfiguration.DestinationBucketName).toEqual({
      Ref: logicalId(stack.site.accessLogsBucket),
    });
  });

  it('sends HSTS, a CSP, no-referrer and no-framing headers', () => {
    const config = props<{ ResponseHeadersPolicyConfig: Json }>(stack.site.responseHeadersPolicy).ResponseHeadersPolicyConfig;
    const security = config.SecurityHeadersConfig;
    expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 730 * 86400, IncludeSubdomains: true });
    expect(security.FrameOptions.FrameOption).toBe('DENY');
    expect(security.ReferrerPolicy.ReferrerPolicy).toBe('no-referrer');
    expect(security.ContentTypeOptions.Override).toBe(true);
    const csp = JSON.stringify(security.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('amazoncognito.com');
  });

  it('deploys the pages with a config.json the web pages accept, pointing at this API and sign-in', () => {
    const [, deployment] = deployments().pages;
    const markers = (deployment.Properties.SourceMarkers as Record<string, unknown>[]).find((m) => Object.keys(m).length > 0)!;
    const refOf = (marker: string) => JSON.stringify(markers[marker]);
    const configFile = findFile(outdir, 'config.json');
    const raw = readFileSync(configFile, 'utf8');

    // Each deploy-time marker must stand for the right resource attribute.
    const byMarker = new Map<string, string>();
    for (const marker of raw.match(/<<marker:0xbaba:\d+>>/g) ?? []) byMarker.set(marker, refOf(marker));
    const config = JSON.parse(raw) as { apiBase: string; auth: Record<string, string> };
    expect(byMarker.get(config.apiBase)).toBe(JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.api.api), 'ApiEndpoint'] }));
    expect(config.auth.kind).toBe('cognito');
    expect(byMarker.get(config.auth.clientId!)).toBe(JSON.stringify({ Ref: logicalId(stack.identity.client) }));
    const [domainMarker, regionMarker] = /^https:\/\/(<<marker:0xbaba:\d+>>)\.auth\.(<<marker:0xbaba:\d+>>)\.amazoncognito\.com$/
      .exec(config.auth.domain!)!
      .slice(1);
    expect(byMarker.get(domainMarker!)).toBe(JSON.stringify({ Ref: logicalId(stack.identity.domain) }));
    expect(byMarker.get(regionMarker!)).toBe(JSON.stringify({ Ref: 'AWS::Region' }));
    const [siteMarker] = /^https:\/\/(<<marker:0xbaba:\d+>>)\/supervisor\.html$/.exec(config.auth.redirectUri!)!.slice(1);
    expect(byMarker.get(siteMarker!)).toBe(JSON.stringify(distributionDomain()));

    // With plausible values in place of the markers, it is exactly what web/src/config.ts parses.
    const filled = raw.replace(/<<marker:0xbaba:(\d+)>>/g, (_m, n: string) => `value${n}`);
    expect(ZWebConfig.safeParse(JSON.parse(filled)).success).toBe(true);
    expect(config.apiBase.endsWith('/')).toBe(false);
  });

  it('uploads hashed assets first, cached for a year and never pruned', () => {
    const [, assets] = deployments().assets;
    expect(assets.Properties).toMatchObject({
      DestinationBucketKeyPrefix: 'assets/',
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(assets.Properties.DistributionId).toBeUndefined();
  });

  it('then uploads pages and config.json, cached a minute, pruning old pages but not assets, and invalidates CloudFront', () => {
    const [[assetsId], [, pages]] = [deployments().assets, deployments().pages];
    expect(pages.Properties).toMatchObject({
      DistributionId: { Ref: logicalId(stack.site.distribution) },
      DistributionPaths: ['/*'],
      Prune: true,
      Exclude: ['assets/*'],
      SystemMetadata: { 'cache-control': 'public, max-age=60' },
    });
    expect(pages.DependsOn).toContain(assetsId);
  });
});

describe('upload function', () => {
  it('runs with its own role, without AWSLambdaBasicExecutionRole, logging to a log group with retention', () => {
    const upload = Object.values(resources()).filter((r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Runtime).startsWith('python'));
    expect(upload).toHaveLength(1);
    expect(upload[0]!.Properties.Role).toEqual({ 'Fn::GetAtt': [logicalId(stack.site.uploadRole), 'Arn'] });
    expect(upload[0]!.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(stack.site.uploadLogs) } });
    expect(props<Json>(stack.site.uploadRole).ManagedPolicyArns).toBeUndefined();
    expect(props<Json>(stack.site.uploadLogs).RetentionInDays).toBe(14);
  });
});

describe('staff identity', () => {
  it('lets only administrators create accounts, and requires strong passwords and TOTP MFA', () => {
    const pool = props<Json>(stack.identity.userPool);
    expect(pool.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.MfaConfiguration).toBe('ON');
    expect(pool.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.Policies.PasswordPolicy).toMatchObject({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
    expect(pool.UserPoolTier).toBe('PLUS');
    expect(pool.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it('has one group per role of routes.ts', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName as string);
    expect(groups.sort()).toEqual([...ROLES].sort());
  });

  it('has a public client that signs in with the authorization code flow and returns to the site', () => {
    const client = props<Json>(stack.identity.client);
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    // Sign-in only through the hosted UI: no SRP, password or custom flow for callers of the public client id.
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.CallbackURLs).toEqual([{ 'Fn::Join': ['', ['https://', distributionDomain(), '/supervisor.html']] }]);
    for (const url of client.LogoutURLs) expect(JSON.stringify(url)).toContain(logicalId(stack.site.distribution));
  });

  it('names the hosted UI after the stage and account, unless a prefix is given', () => {
    expect(props<{ Domain: unknown }>(stack.identity.domain).Domain).toEqual({ 'Fn::Join': ['', ['pingyi-dev-', { Ref: 'AWS::AccountId' }]] });
    const custom = synth('dev', { authDomainPrefix: 'pingyi-gz-test' });
    expect(custom.template.toJSON().Resources[logicalId(custom.stack.identity.domain)].Properties.Domain).toBe('pingyi-gz-test');
  });

  it('protects the prod user pool from deletion and keeps it', () => {
    const prod = synth('prod');
    const pool = prod.template.toJSON().Resources[logicalId(prod.stack.identity.userPool)];
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(props<Record<string, unknown>>(stack.identity.userPool).DeletionProtection).toBe('INACTIVE');
  });
});

describe('outputs', () => {
  it('tells the deployer the site, the API, the user pool and the client', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.SiteUrl!.Value).toEqual({ 'Fn::Join': ['', ['https://', distributionDomain()]] });
    expect(outputs.ApiUrl!.Value).toEqual({ 'Fn::GetAtt': [logicalId(stack.api.api), 'ApiEndpoint'] });
    expect(outputs.UserPoolId!.Value).toEqual({ Ref: logicalId(stack.identity.userPool) });
    expect(outputs.UserPoolClientId!.Value).toEqual({ Ref: logicalId(stack.identity.client) });
  });
});

function findFile(dir: string, name: string): string {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      const found = findFileOrUndefined(full, name);
      if (found) return found;
    } else if (entry === name) return full;
  }
  throw new Error(`no ${name} under ${dir}`);
}

function findFileOrUndefined(dir: string, name: string): string | undefined {
  try {
    return findFile(dir, name);
  } catch {
    return undefined;
  }
}
