import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES, type Role } from '../../functions/routes';
import type { OidcSettings } from '../stacks/stage';

/**
 * What the API and the pages need from whoever signs staff in — Cognito here, or any OpenID Connect issuer
 * (OidcStaffIdentity): the JWT authorizer's issuer and audience, the pages' code + PKCE settings, and where
 * the functions find the groups and the kind of token (functions/platform/auth.ts reads them from the
 * STAFF_* environment that `staffTokenEnvironment` makes).
 */
export interface StaffSignIn {
  /** The `iss` of the access tokens the API accepts. */
  readonly issuer: string;
  /** What the JWT authorizer accepts in `aud` or `client_id`. */
  readonly audience: readonly string[];
  readonly clientId: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** The scopes the pages ask for, space-separated. */
  readonly scope: string;
  /** The site's sign-in page, where the provider sends the code; registered with the provider. */
  readonly redirectUri: string;
  /** Where the browser goes after a local sign-out so that the provider's session ends too. */
  readonly signOutUrl: string;
  /** The access token's groups claim, and the claim and value that tell an access token from an ID token. */
  readonly claims: { readonly groups: string; readonly kindClaim: string; readonly kindValue: string };
}

/** The functions' STAFF_* environment for a sign-in (functions/platform/auth.ts `STAFF_TOKEN`). */
export function staffTokenEnvironment(signIn: StaffSignIn): Record<string, string> {
  return {
    STAFF_GROUPS_CLAIM: signIn.claims.groups,
    STAFF_TOKEN_KIND_CLAIM: signIn.claims.kindClaim,
    STAFF_TOKEN_KIND_VALUE: signIn.claims.kindValue,
  };
}

/** `https://` and `/` URL-encoded around a host name, which itself needs no encoding (and may be a deploy-time value). */
const encodedSiteHome = (siteDomainName: string) => `${encodeURIComponent('https://')}${siteDomainName}${encodeURIComponent('/')}`;

function checkSite(siteDomainName: string, redirectPath: string): void {
  if (!Token.isUnresolved(siteDomainName) && !/^[A-Za-z0-9.-]+$/.test(siteDomainName)) {
    throw new Error(`siteDomainName must be a host name, got "${siteDomainName}"`);
  }
  if (!redirectPath.startsWith('/')) throw new Error(`redirectPath must start with "/", got "${redirectPath}"`);
}

export interface StaffIdentityProps {
  /**
   * The site's host name (`<id>.cloudfront.net`); the hosted UI only ever redirects back to `https://<it>`.
   * A host name, not a URL: it needs no URL encoding, so the sign-out URL can carry it in a query parameter
   * even while it is a deploy-time value.
   */
  readonly siteDomainName: string;
  /** The page the hosted UI returns to with the authorization code (`/sign-in.html`). */
  readonly redirectPath: string;
  /** Hosted UI domain prefix (`<prefix>.auth.<region>.amazoncognito.com`); unique per region across AWS. */
  readonly domainPrefix: string;
  /** Refuse deleting the user pool — on for prod, where staff have enrolled their MFA devices. */
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
}

/** The OAuth scopes the web client asks for (and may be granted). */
const SCOPES = [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE];

const DESCRIPTIONS: Record<Role, string> = {
  supervisor: '监督员 / 作风办: reads tallies and rankings, downloads reports, chases overdue cases.',
  admin: 'Defines units, forms, periods and deadline rules.',
  unitHandler: '承办人: sees only their own unit\'s cases.',
};

/**
 * Who the staff are: a Cognito user pool that only administrators add people to (citizens never have
 * accounts — rating is anonymous), one group per role of routes.ts (the `cognito:groups` claim the
 * handlers check), and a public browser client that signs in through the hosted UI with the
 * authorization-code flow and PKCE (a page cannot keep a client secret), returning to the site's sign-in
 * page, and signs out through the hosted UI's `/logout`, returning to the site's home. It also exposes the
 * OpenID Connect settings the pages' generic OIDC client needs (issuer, endpoints, scope, sign-out URL).
 *
 * MFA is required: staff accounts read every unit's scores and, later, complainants' cases; a leaked
 * password alone must not open them. TOTP only — SMS would need an SNS spending setup and is the weaker
 * factor. The Plus feature plan adds threat protection (compromised-credential and risky-sign-in
 * checks) in full-function mode; it is billed per monthly active user, and staff are a few hundred.
 */
export class StaffIdentity extends Construct implements StaffSignIn {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly groups: Record<Role, cognito.UserPoolGroup>;
  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  readonly hostedUiUrl: string;
  /** The `iss` of the pool's tokens: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuer: string;
  /** The hosted UI's OAuth 2.0 authorization endpoint. */
  readonly authorizationEndpoint: string;
  /** The hosted UI's OAuth 2.0 token endpoint. */
  readonly tokenEndpoint: string;
  /** The scopes the web client asks for, space-separated as OAuth sends them. */
  readonly scope: string;
  /** Where the hosted UI sends the code (`https://<site><redirectPath>`); the client's only callback URL. */
  readonly redirectUri: string;
  /** Where the hosted UI returns to after sign-out (`https://<site>/`); the client's only logout URL. */
  readonly logoutUri: string;
  /**
   * The hosted UI's `/logout` for this client, returning to `logoutUri`: where the pages send the browser
   * after a local sign-out, so that the hosted UI's own session cookie ends too and the next sign-in asks
   * for the password and TOTP again.
   */
  readonly signOutUrl: string;
  /** The web client: Cognito puts its id in the access token's `client_id`, which the JWT authorizer accepts. */
  readonly audience: readonly string[];
  readonly clientId: string;
  /** Cognito's own claims: `cognito:groups`, and `token_use: access` on access tokens. */
  readonly claims = { groups: 'cognito:groups', kindClaim: 'token_use', kindValue: 'access' } as const;

  constructor(scope: Construct, id: string, props: StaffIdentityProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });

    this.groups = Object.fromEntries(
      ROLES.map((role) => [
        role,
        this.userPool.addGroup(`${role[0]!.toUpperCase()}${role.slice(1)}Group`, {
          groupName: role,
          description: DESCRIPTIONS[role],
        }),
      ]),
    ) as Record<Role, cognito.UserPoolGroup>;

    checkSite(props.siteDomainName, props.redirectPath);
    const siteUrl = `https://${props.siteDomainName}`;
    this.redirectUri = `${siteUrl}${props.redirectPath}`;
    this.logoutUri = `${siteUrl}/`;
    this.scope = SCOPES.map((scope) => scope.scopeName).join(' ');
    this.client = this.userPool.addClient('WebClient', {
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: SCOPES,
        callbackUrls: [this.redirectUri],
        logoutUrls: [this.logoutUri],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    // Only the hosted UI signs people in: no password flow (SRP or plain) is open to callers of the
    // public client id. Set on the L1 because `authFlows: {}` omits the property, which Cognito reads as
    // "allow SRP and custom auth".
    (this.client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];

    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });
    this.hostedUiUrl = this.domain.baseUrl();
    this.issuer = this.userPool.userPoolProviderUrl;
    this.clientId = this.client.userPoolClientId;
    this.audience = [this.clientId];
    this.authorizationEndpoint = `${this.hostedUiUrl}/oauth2/authorize`;
    this.tokenEndpoint = `${this.hostedUiUrl}/oauth2/token`;
    // logout_uri must be URL-encoded, and a deploy-time value cannot be encoded at synth time: only the
    // literal parts around the host name need it (a host name has nothing to encode).
    this.signOutUrl = `${this.hostedUiUrl}/logout?client_id=${this.client.userPoolClientId}&logout_uri=${encodedSiteHome(props.siteDomainName)}`;
  }
}

export interface OidcStaffIdentityProps {
  readonly settings: OidcSettings;
  /** The site's host name; the provider must list `https://<it><redirectPath>` and `https://<it>/` for this client. */
  readonly siteDomainName: string;
  readonly redirectPath: string;
}

/**
 * Staff who sign in with an OpenID Connect issuer the operator runs or buys (the China regions have no
 * Cognito user pools): nothing is created in AWS — the issuer, its client and its groups are managed there,
 * and the same HTTP API JWT authorizer checks its tokens' signature, issuer, audience and expiry. Sign-out
 * uses OpenID Connect RP-initiated logout (`client_id` and `post_logout_redirect_uri` on the issuer's
 * logout endpoint), returning to the site's home, which the issuer must allow.
 */
export class OidcStaffIdentity implements StaffSignIn {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly clientId: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly scope: string;
  readonly redirectUri: string;
  /** `https://<site>/`: where the issuer returns to after sign-out. */
  readonly logoutUri: string;
  readonly signOutUrl: string;
  readonly claims: StaffSignIn['claims'];

  constructor(props: OidcStaffIdentityProps) {
    checkSite(props.siteDomainName, props.redirectPath);
    const { settings } = props;
    this.issuer = settings.issuer;
    this.audience = settings.audience;
    this.clientId = settings.clientId;
    this.authorizationEndpoint = settings.authorizationEndpoint;
    this.tokenEndpoint = settings.tokenEndpoint;
    this.scope = settings.scope;
    this.redirectUri = `https://${props.siteDomainName}${props.redirectPath}`;
    this.logoutUri = `https://${props.siteDomainName}/`;
    const separator = settings.logoutEndpoint.includes('?') ? '&' : '?';
    this.signOutUrl =
      `${settings.logoutEndpoint}${separator}client_id=${encodeURIComponent(settings.clientId)}` +
      `&post_logout_redirect_uri=${encodedSiteHome(props.siteDomainName)}`;
    this.claims = { groups: settings.groupsClaim, kindClaim: settings.tokenKindClaim, kindValue: settings.tokenKindValue };
  }
}
