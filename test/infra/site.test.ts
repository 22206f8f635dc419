import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../functions/routes';
import { BUCKETS } from '../../functions/store/buckets';
import { SIGN_IN_PAGE, ZWebConfig } from '../../web/src/app/config';
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

/** Plausible deploy-time values for the references that config.json and the web client carry. */
const SAMPLE = {
  region: 'ap-east-1',
  siteDomain: 'd111111abcdef8.cloudfront.net',
  domainPrefix: 'pingyi-dev-123456789012',
  clientId: '4exampleclientid5678',
  providerUrl: 'https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_Example1',
  apiEndpoint: 'https://a1b2c3d4e5.execute-api.ap-east-1.amazonaws.com',
  apiDistributionDomain: 'd222222abcdef8.cloudfront.net',
};
/** The hosted UI those values make. */
const SAMPLE_HOSTED_UI = `https://${SAMPLE.domainPrefix}.auth.${SAMPLE.region}.amazoncognito.com`;

/** The sample value CloudFormation would put in for a reference (as JSON), or undefined for one SAMPLE does not know. */
function sampleFor(reference: string): string | undefined {
  const byReference: Record<string, string> = {
    [JSON.stringify({ Ref: 'AWS::Region' })]: SAMPLE.region,
    [JSON.stringify(distributionDomain())]: SAMPLE.siteDomain,
    [JSON.stringify({ Ref: logicalId(stack.identity.domain) })]: SAMPLE.domainPrefix,
    [JSON.stringify({ Ref: logicalId(stack.identity.client) })]: SAMPLE.clientId,
    [JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.identity.userPool), 'ProviderURL'] })]: SAMPLE.providerUrl,
    [JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.api.api), 'ApiEndpoint'] })]: SAMPLE.apiEndpoint,
    [JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.apiEdge!.distribution), 'DomainName'] })]: SAMPLE.apiDistributionDomain,
  };
  return byReference[reference];
}

/** A template value (a string, a reference or an Fn::Join of them) with SAMPLE values put in. */
function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(resolve).join(join[0]);
  const sample = sampleFor(JSON.stringify(value));
  if (sample === undefined) throw new Error(`no sample value for ${JSON.stringify(value)}`);
  return sample;
}

/** config.json as synthesized (deploy-time values as markers), and the reference each marker stands for. */
function configJson(): { raw: string; byMarker: Map<string, string> } {
  const [, deployment] = deployments().pages;
  const markers = (deployment.Properties.SourceMarkers as Record<string, unknown>[]).find((m) => Object.keys(m).length > 0)!;
  const raw = readFileSync(findFile(outdir, 'config.json'), 'utf8');
  const byMarker = new Map<string, string>();
  for (const marker of raw.match(/<<marker:0xbaba:\d+>>/g) ?? []) byMarker.set(marker, JSON.stringify(markers[marker]));
  return { raw, byMarker };
}

/** config.json with each marker replaced by the SAMPLE value of the reference it stands for. */
function fillIn(raw: string, byMarker: Map<string, string>): string {
  return raw.replace(/<<marker:0xbaba:\d+>>/g, (marker) => {
    const sample = sampleFor(byMarker.get(marker) ?? '');
    if (sample === undefined) throw new Error(`${marker} stands for ${byMarker.get(marker)}, which has no sample value`);
    return sample;
  });
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

  it('deploys the pages with a config.json the web pages accept, pointing at this API and the staff sign-in', () => {
    const { raw, byMarker } = configJson();
    const config = ZWebConfig.parse(JSON.parse(fillIn(raw, byMarker)));

    // The API's CloudFront distribution, with its web ACL (infra/constructs/edge.ts), not the HTTP API itself.
    expect(config.apiBase).toBe(`https://${SAMPLE.apiDistributionDomain}`);
    expect(config.auth).toEqual({
      kind: 'oidc',
      issuer: SAMPLE.providerUrl,
      authorizationEndpoint: `${SAMPLE_HOSTED_UI}/oauth2/authorize`,
      tokenEndpoint: `${SAMPLE_HOSTED_UI}/oauth2/token`,
      clientId: SAMPLE.clientId,
      redirectUri: `https://${SAMPLE.siteDomain}${SIGN_IN_PAGE}`,
      scope: 'openid email profile',
      signOutUrl: `${SAMPLE_HOSTED_UI}/logout?client_id=${SAMPLE.clientId}&logout_uri=${encodeURIComponent(`https://${SAMPLE.siteDomain}/`)}`,
      groupsClaim: 'cognito:groups',
    });
  });

  it('writes no value into config.json that CloudFormation would not fill in at deploy time', () => {
    const { raw, byMarker } = configJson();
    // Every marker stands for one of the references SAMPLE knows, so the test above saw every value.
    for (const [marker, reference] of byMarker) expect(sampleFor(reference), `${marker} = ${reference}`).toBeDefined();
    expect(raw).not.toMatch(/\$\{Token\[/);
  });

  it('asks for the scopes the client is allowed, and returns to the URLs the client registers', () => {
    const { raw, byMarker } = configJson();
    const { auth } = ZWebConfig.parse(JSON.parse(fillIn(raw, byMarker)));
    if (auth.kind !== 'oidc') throw new Error(`auth.kind is ${auth.kind}`);
    const client = props<Json>(stack.identity.client);

    expect(auth.scope.split(' ').sort()).toEqual([...(client.AllowedOAuthScopes as string[])].sort());
    expect((client.CallbackURLs as unknown[]).map(resolve)).toEqual([auth.redirectUri]);
    const logoutUri = new URL(auth.signOutUrl).searchParams.get('logout_uri');
    expect((client.LogoutURLs as unknown[]).map(resolve)).toEqual([logoutUri]);
    expect(new URL(auth.signOutUrl).searchParams.get('client_id')).toBe(auth.clientId);
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
      Exclude: ['assets/*', 'public/*'],
      SystemMetadata: { 'cache-control': 'public, max-age=60' },
    });
    expect(pages.DependsOn).toContain(assetsId);
  });

  it('never prunes the public files functions publish (the disclosure page), which only the publishing function may write', () => {
    // prepare
    const [, pages] = deployments().pages;
    const publications = stack.buckets.get('publications');

    // act
    const excluded = pages.Properties.Exclude as string[];

    // assert
    expect(publications.bucket).toBe(stack.site.bucket);
    expect(excluded).toContain(`${BUCKETS.publications.site.prefix}*`);
    expect(pages.Properties.Prune).toBe(true);
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
    expect(client.AllowedOAuthScopes).toEqual(['openid', 'email', 'profile']);
  });

  it('sends the code back only to the sign-in page of the site', () => {
    const client = props<Json>(stack.identity.client);
    expect(SIGN_IN_PAGE).toBe('/sign-in.html');
    expect(client.CallbackURLs).toEqual([{ 'Fn::Join': ['', ['https://', distributionDomain(), SIGN_IN_PAGE]] }]);
  });

  it("returns to the site's home after sign-out, and nowhere else", () => {
    const client = props<Json>(stack.identity.client);
    expect(client.LogoutURLs).toEqual([{ 'Fn::Join': ['', ['https://', distributionDomain(), '/']] }]);
  });

  it("ends the hosted UI's session at its /logout, with the site's home URL-encoded around the deploy-time domain", () => {
    const { raw, byMarker } = configJson();
    const { signOutUrl } = JSON.parse(raw).auth as { signOutUrl: string };
    const m = '(<<marker:0xbaba:\\d+>>)';
    const parts = new RegExp(`^https://${m}\\.auth\\.${m}\\.amazoncognito\\.com/logout\\?client_id=${m}&logout_uri=https%3A%2F%2F${m}%2F$`).exec(
      signOutUrl,
    );
    expect(parts, signOutUrl).not.toBeNull();
    const [domain, region, clientId, site] = parts!.slice(1).map((marker) => byMarker.get(marker));
    expect(domain).toBe(JSON.stringify({ Ref: logicalId(stack.identity.domain) }));
    expect(region).toBe(JSON.stringify({ Ref: 'AWS::Region' }));
    expect(clientId).toBe(JSON.stringify({ Ref: logicalId(stack.identity.client) }));
    expect(site).toBe(JSON.stringify(distributionDomain()));
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
    expect(outputs.ApiUrl!.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.apiEdge!.distribution), 'DomainName'] }]] });
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
