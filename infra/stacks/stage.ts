import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/** What differs between a throwaway stage (dev, a branch) and the one citizens use (prod). */
export interface StageSettings {
  readonly stage: string;
  readonly isProd: boolean;
  /** DynamoDB deletion protection and Cognito user pool deletion protection. */
  readonly deletionProtection: boolean;
  readonly logRetention: logs.RetentionDays;
  /** Log groups and the user pool: kept in prod, removed with a test stage. */
  readonly removalPolicy: RemovalPolicy;
  readonly accessLogExpiration: Duration;
}

// Cognito refuses hosted UI domain prefixes containing these words, but only at deploy time.
const RESERVED_IN_DOMAIN_PREFIX = /aws|amazon|cognito/;

/**
 * Checks the literal part of a Cognito hosted UI domain prefix at synth time, where Cognito would only
 * refuse it in the middle of a deploy: lower-case letters, digits and inner hyphens, at most 63
 * characters, none of the reserved words aws, amazon, cognito.
 */
export function checkAuthDomainPrefix(prefix: string, what: string): void {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix)) {
    throw new Error(`${what} must be lower-case letters, digits and inner hyphens (at most 63), got "${prefix}"`);
  }
  if (RESERVED_IN_DOMAIN_PREFIX.test(prefix)) {
    throw new Error(`${what} may not contain "aws", "amazon" or "cognito" (Cognito refuses it), got "${prefix}"`);
  }
}

/** The settings of a stage: `prod` is protected and keeps a year of logs; any other stage is disposable. */
export function stageSettings(stage: string): StageSettings {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new Error(`stage must be lower-case letters, digits and dashes (at most 20), got "${stage}"`);
  }
  // The default hosted UI prefix is `pingyi-<stage>-<account id>`.
  checkAuthDomainPrefix(`pingyi-${stage}-0`, 'stage (part of the sign-in domain prefix)');
  const isProd = stage === 'prod';
  return {
    stage,
    isProd,
    deletionProtection: isProd,
    logRetention: isProd ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.TWO_WEEKS,
    removalPolicy: isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    accessLogExpiration: Duration.days(isProd ? 365 : 30),
  };
}

/**
 * Where a deployment goes and what it may use there. `aws`: the global partition, with Cognito for staff,
 * a CloudFront distribution with an AWS WAF web ACL in front of the API, and ACM certificates. `china`: the
 * `aws-cn` partition (cn-north-1, cn-northwest-1), where Cognito user pools, CloudFront-scope WAF and ACM
 * certificates on CloudFront do not exist: staff sign in with an OIDC issuer of the operator's choice, the API
 * is called directly (throttled per stage, not per client), and the site's certificate is an IAM server
 * certificate.
 */
export type DeploymentProfile = 'aws' | 'china';

/**
 * How the API recognises another system's client-credentials token (a machine route of routes.ts, such as
 * POST /service-records): its audience, and the prefix the issuer puts before a scope name in `scope`.
 */
export interface MachineSettings {
  /** Added to the JWT authorizer's audience: what the machine clients' tokens carry in `aud` (or `client_id`). */
  readonly audience: readonly string[];
  /** `scope` holds `<scopePrefix><scope>` (Cognito: `<resource server id>/`); functions read it as MACHINE_SCOPE_PREFIX. */
  readonly scopePrefix: string;
}

/** The scope prefix of machine tokens unless the context names another: Cognito's resource server `pingyi`. */
export const DEFAULT_MACHINE_SCOPE_PREFIX = 'pingyi/';

/** Staff sign-in through any OpenID Connect issuer, as the context names it. */
export interface OidcSettings {
  readonly kind: 'oidc';
  /** The `iss` of its access tokens (https). */
  readonly issuer: string;
  readonly clientId: string;
  /** What the JWT authorizer accepts in `aud` (or `client_id`). @default [clientId] */
  readonly audience: readonly string[];
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** RP-initiated logout (`end_session_endpoint`); the pages add `client_id` and `post_logout_redirect_uri`. */
  readonly logoutEndpoint: string;
  readonly scope: string;
  /** The claim of the access token that lists the staff member's groups (roles and `unit:<unitId>`). */
  readonly groupsClaim: string;
  /** The claim and value that mark an access token (as opposed to an ID token) of this issuer. */
  readonly tokenKindClaim: string;
  readonly tokenKindValue: string;
  /**
   * Other systems' clients of the same issuer (client-credentials flow), from `-c oidcMachineAudience=…` and
   * `-c oidcMachineScopePrefix=…`. Their tokens must carry the same token-kind claim as staff access tokens.
   */
  readonly machine: MachineSettings;
}

export interface CognitoSettings {
  readonly kind: 'cognito';
  /** Hosted UI domain prefix; @default `pingyi-<stage>-<account>` */
  readonly domainPrefix?: string;
}

/** The site's own domain name and the certificate CloudFront serves it with. */
export interface SiteDomain {
  readonly name: string;
  /** aws: an ACM certificate in us-east-1; china: an IAM server certificate (CloudFront China has no ACM). */
  readonly certificate: { readonly kind: 'acm'; readonly arn: string } | { readonly kind: 'iam'; readonly id: string };
}

export interface DeploymentSettings {
  readonly profile: DeploymentProfile;
  readonly partition: 'aws' | 'aws-cn';
  /** The target region when known at synth (context `region` or the CLI's default); required for china. */
  readonly region?: string;
  readonly identity: CognitoSettings | OidcSettings;
  /** The API's CloudFront distribution with its WAF web ACL; absent where CloudFront-scope WAF is not offered. */
  readonly edge?: { readonly rateLimitPer5Minutes: number };
  readonly siteDomain?: SiteDomain;
}

/** Requests per client IP in 5 minutes: a service hall behind one address must never hit it. */
export const DEFAULT_API_RATE_LIMIT = 3000;
const CHINA_REGIONS = ['cn-north-1', 'cn-northwest-1'];

/**
 * Reads the deployment from CDK context (`-c key=value`; see README "Deploy to AWS"): the profile is
 * `-c profile=aws|china`, or inferred from the region (`-c region=…` or the CLI's default region): a `cn-`
 * region means china. Everything that cannot be deployed is refused here, at synth time, with the reason.
 */
export function deploymentSettings(context: (key: string) => unknown, defaults: { region?: string } = {}): DeploymentSettings {
  const text = (key: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
    return value.trim();
  };
  const region = text('region') ?? defaults.region;
  const named = text('profile');
  if (named !== undefined && named !== 'aws' && named !== 'china') throw new Error(`context profile must be "aws" or "china", got "${named}"`);
  const inChina = region?.startsWith('cn-') ?? false;
  const profile: DeploymentProfile = (named as DeploymentProfile | undefined) ?? (inChina ? 'china' : 'aws');
  if (profile === 'china' && region === undefined) {
    throw new Error(`the china profile needs its region: -c region=${CHINA_REGIONS.join(' or -c region=')}`);
  }
  if (profile === 'china' && !CHINA_REGIONS.includes(region!)) {
    throw new Error(`the china profile deploys to ${CHINA_REGIONS.join(' or ')}, not ${region}`);
  }
  if (profile === 'aws' && inChina) throw new Error(`region ${region} is in the aws-cn partition: use -c profile=china (or leave profile out)`);

  const identity = oidcFromContext(text) ?? { kind: 'cognito' as const, domainPrefix: text('authDomainPrefix') };
  if (profile === 'china' && identity.kind === 'cognito') {
    throw new Error(
      'Cognito user pools are not offered in the China regions: give the staff OIDC issuer with -c oidcIssuer=… ' +
        `and ${OIDC_REQUIRED.filter((key) => key !== 'oidcIssuer').join(', ')} (README "Deploy to AWS").`,
    );
  }
  if (identity.kind === 'oidc' && text('authDomainPrefix') !== undefined) throw new Error('authDomainPrefix is for Cognito; this deployment signs in with OIDC');
  if (identity.kind === 'cognito' && identity.domainPrefix !== undefined) checkAuthDomainPrefix(identity.domainPrefix, 'authDomainPrefix');

  const rateText = text('apiRateLimit');
  if (profile === 'china' && rateText !== undefined) {
    throw new Error('apiRateLimit needs AWS WAF on CloudFront, which the China regions do not offer (WAF there is regional only)');
  }
  const rateLimitPer5Minutes = rateText === undefined ? DEFAULT_API_RATE_LIMIT : Number(rateText);
  if (!Number.isInteger(rateLimitPer5Minutes) || rateLimitPer5Minutes < 100 || rateLimitPer5Minutes > 2_000_000_000) {
    throw new Error(`apiRateLimit is requests per client IP in 5 minutes, a whole number of at least 100, got "${rateText}"`);
  }

  return {
    profile,
    partition: profile === 'china' ? 'aws-cn' : 'aws',
    ...(region !== undefined ? { region } : {}),
    identity,
    ...(profile === 'aws' ? { edge: { rateLimitPer5Minutes } } : {}),
    ...siteDomainFromContext(text, profile),
  };
}

const OIDC_REQUIRED = [
  'oidcIssuer',
  'oidcClientId',
  'oidcAuthorizationEndpoint',
  'oidcTokenEndpoint',
  'oidcLogoutEndpoint',
  'oidcGroupsClaim',
  'oidcTokenKindClaim',
  'oidcTokenKindValue',
] as const;

/** The OIDC keys with a default: they alone do not make a deployment sign in with OIDC, nor may they go without it. */
const OIDC_OPTIONAL = ['oidcAudience', 'oidcScope', 'oidcMachineAudience', 'oidcMachineScopePrefix'] as const;

function oidcFromContext(text: (key: string) => string | undefined): OidcSettings | undefined {
  const given = [...OIDC_REQUIRED, ...OIDC_OPTIONAL].filter((key) => text(key) !== undefined);
  if (given.length === 0) return undefined;
  const missing = OIDC_REQUIRED.filter((key) => text(key) === undefined);
  if (missing.length > 0) throw new Error(`an OIDC staff issuer also needs ${missing.map((key) => `-c ${key}=…`).join(' ')}`);
  const value = (key: (typeof OIDC_REQUIRED)[number]) => text(key)!;
  for (const key of ['oidcIssuer', 'oidcAuthorizationEndpoint', 'oidcTokenEndpoint', 'oidcLogoutEndpoint'] as const) {
    let url: URL;
    try {
      url = new URL(value(key));
    } catch {
      throw new Error(`${key} must be a URL, got "${value(key)}"`);
    }
    // API Gateway's JWT authorizer fetches the issuer's keys over HTTPS only; tokens must not travel in clear.
    if (url.protocol !== 'https:') throw new Error(`${key} must be an https URL, got "${value(key)}"`);
  }
  const list = (raw: string) =>
    raw
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
  const audience = list(text('oidcAudience') ?? value('oidcClientId'));
  const scopePrefix = text('oidcMachineScopePrefix') ?? DEFAULT_MACHINE_SCOPE_PREFIX;
  // The gateway compares `<prefix><scope>` with each space-separated entry of the token's `scope`.
  if (!/^[\x21-\x7e]{1,100}$/.test(scopePrefix)) {
    throw new Error(`oidcMachineScopePrefix must be printable characters without spaces (at most 100), got "${scopePrefix}"`);
  }
  return {
    kind: 'oidc',
    // The issuer is compared character for character with `iss`: keep it exactly as given.
    issuer: value('oidcIssuer'),
    clientId: value('oidcClientId'),
    audience,
    authorizationEndpoint: value('oidcAuthorizationEndpoint'),
    tokenEndpoint: value('oidcTokenEndpoint'),
    logoutEndpoint: value('oidcLogoutEndpoint'),
    scope: text('oidcScope') ?? 'openid profile',
    groupsClaim: value('oidcGroupsClaim'),
    tokenKindClaim: value('oidcTokenKindClaim'),
    tokenKindValue: value('oidcTokenKindValue'),
    machine: { audience: list(text('oidcMachineAudience') ?? ''), scopePrefix },
  };
}

function siteDomainFromContext(text: (key: string) => string | undefined, profile: DeploymentProfile): { siteDomain?: SiteDomain } {
  const name = text('domainName');
  const arn = text('certificateArn');
  const iamId = text('iamCertificateId');
  if (name === undefined) {
    if (arn !== undefined || iamId !== undefined) throw new Error('a certificate needs the domain it is for: -c domainName=…');
    return {};
  }
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(name)) {
    throw new Error(`domainName must be a lower-case host name such as pingyi.example.gov.cn, got "${name}"`);
  }
  if (profile === 'aws') {
    if (iamId !== undefined) throw new Error('iamCertificateId is for CloudFront in China; on aws give an ACM certificate with -c certificateArn=…');
    if (arn === undefined) throw new Error(`domainName ${name} needs its certificate: -c certificateArn=arn:aws:acm:us-east-1:…`);
    // CloudFront takes ACM certificates from us-east-1 only.
    if (!/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(arn)) {
      throw new Error(`certificateArn must be an ACM certificate in us-east-1 (CloudFront's region for certificates), got "${arn}"`);
    }
    return { siteDomain: { name, certificate: { kind: 'acm', arn } } };
  }
  if (arn !== undefined) {
    throw new Error('CloudFront in the China regions does not take ACM certificates: upload the certificate to IAM and give -c iamCertificateId=…');
  }
  if (iamId === undefined) throw new Error(`domainName ${name} needs its IAM server certificate: -c iamCertificateId=ASCA…`);
  if (!/^[A-Z0-9]{16,128}$/.test(iamId)) throw new Error(`iamCertificateId is the certificate's id (ServerCertificateId, ASCA…), got "${iamId}"`);
  return { siteDomain: { name, certificate: { kind: 'iam', id: iamId } } };
}
