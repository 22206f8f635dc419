import { describe, expect, it } from 'vitest';
import { DEFAULT_API_RATE_LIMIT, deploymentSettings } from '../../infra/stacks/stage';
import { CHINA_OIDC } from './profiles';

const settings = (context: Record<string, string>, defaults: { region?: string } = {}) => deploymentSettings((key) => context[key], defaults);

describe('deploymentSettings', () => {
  it('is the aws profile with Cognito and the API edge when nothing is said', () => {
    expect(settings({})).toEqual({
      profile: 'aws',
      partition: 'aws',
      identity: { kind: 'cognito', domainPrefix: undefined },
      edge: { rateLimitPer5Minutes: DEFAULT_API_RATE_LIMIT },
    });
  });

  it('infers the china profile from a cn- region, given or the CLI default', () => {
    expect(settings({ region: 'cn-north-1', ...CHINA_OIDC })).toMatchObject({ profile: 'china', partition: 'aws-cn', region: 'cn-north-1' });
    expect(settings({ ...CHINA_OIDC }, { region: 'cn-northwest-1' })).toMatchObject({ profile: 'china', region: 'cn-northwest-1' });
    expect(settings({ region: 'cn-north-1', ...CHINA_OIDC }).edge).toBeUndefined();
  });

  it('refuses a profile that contradicts the region, or china without a China region', () => {
    expect(() => settings({ profile: 'aws', region: 'cn-north-1' })).toThrow(/aws-cn partition/);
    expect(() => settings({ profile: 'china', ...CHINA_OIDC })).toThrow(/needs its region/);
    expect(() => settings({ profile: 'china', region: 'ap-east-1', ...CHINA_OIDC })).toThrow(/cn-north-1 or cn-northwest-1/);
    expect(() => settings({ profile: 'gov' })).toThrow(/"aws" or "china"/);
  });

  it('reads the OIDC issuer, with the client id as audience, openid profile as scope and no machine client by default', () => {
    expect(settings({ profile: 'china', region: 'cn-north-1', ...CHINA_OIDC }).identity).toEqual({
      kind: 'oidc',
      issuer: CHINA_OIDC.oidcIssuer,
      clientId: CHINA_OIDC.oidcClientId,
      audience: [CHINA_OIDC.oidcClientId],
      authorizationEndpoint: CHINA_OIDC.oidcAuthorizationEndpoint,
      tokenEndpoint: CHINA_OIDC.oidcTokenEndpoint,
      logoutEndpoint: CHINA_OIDC.oidcLogoutEndpoint,
      scope: 'openid profile',
      groupsClaim: 'groups',
      tokenKindClaim: 'typ',
      tokenKindValue: 'Bearer',
      machine: { audience: [], scopePrefix: 'pingyi/' },
    });
  });

  it("reads other systems' clients of the OIDC issuer: their audiences and scope prefix", () => {
    const identity = settings({ ...CHINA_OIDC, oidcMachineAudience: ' svc-a ,svc-b', oidcMachineScopePrefix: 'api://pingyi/' }).identity;
    expect(identity.kind === 'oidc' && identity.machine).toEqual({ audience: ['svc-a', 'svc-b'], scopePrefix: 'api://pingyi/' });
  });

  it('lets an aws deployment sign in with OIDC too, and then refuses a Cognito domain prefix', () => {
    expect(settings({ ...CHINA_OIDC }).identity.kind).toBe('oidc');
    expect(() => settings({ ...CHINA_OIDC, authDomainPrefix: 'pingyi-x' })).toThrow(/authDomainPrefix is for Cognito/);
  });

  it('takes a whole, plausible rate limit only', () => {
    expect(settings({ apiRateLimit: '10000' }).edge).toEqual({ rateLimitPer5Minutes: 10000 });
    for (const bad of ['0', '99', '12.5', 'many']) expect(() => settings({ apiRateLimit: bad }), bad).toThrow(/apiRateLimit/);
  });

  it('checks the domain name and the certificate of each partition', () => {
    expect(() => settings({ domainName: 'Pingyi.Example.cn', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/a' })).toThrow(
      /lower-case host name/,
    );
    expect(() => settings({ domainName: 'pingyi.example.cn' })).toThrow(/needs its certificate/);
    expect(settings({ region: 'cn-north-1', ...CHINA_OIDC, domainName: 'pingyi.example.cn', iamCertificateId: 'ASCAEXAMPLE1234567890' }).siteDomain).toEqual({
      name: 'pingyi.example.cn',
      certificate: { kind: 'iam', id: 'ASCAEXAMPLE1234567890' },
    });
  });
});
