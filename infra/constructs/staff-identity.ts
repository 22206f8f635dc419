import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES, type Role } from '../../functions/routes';

export interface StaffIdentityProps {
  /** The site's origin, `https://<cloudfront domain>`; the hosted UI only ever redirects back to it. */
  readonly siteUrl: string;
  /** The page the hosted UI returns to with the authorization code. */
  readonly redirectPath: string;
  /** Hosted UI domain prefix (`<prefix>.auth.<region>.amazoncognito.com`); unique per region across AWS. */
  readonly domainPrefix: string;
  /** Refuse deleting the user pool — on for prod, where staff have enrolled their MFA devices. */
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
}

const DESCRIPTIONS: Record<Role, string> = {
  supervisor: '监督员 / 作风办: reads tallies and rankings, downloads reports, chases overdue cases.',
  admin: 'Defines units, forms, periods and deadline rules.',
  unitHandler: '承办人: sees only their own unit\'s cases.',
};

/**
 * Who the staff are: a Cognito user pool that only administrators add people to (citizens never have
 * accounts — rating is anonymous), one group per role of routes.ts (the `cognito:groups` claim the
 * handlers check), and a public browser client that signs in through the hosted UI with the
 * authorization-code flow and PKCE (a page cannot keep a client secret).
 *
 * MFA is required: staff accounts read every unit's scores and, later, complainants' cases; a leaked
 * password alone must not open them. TOTP only — SMS would need an SNS spending setup and is the weaker
 * factor. The Plus feature plan adds threat protection (compromised-credential and risky-sign-in
 * checks) in full-function mode; it is billed per monthly active user, and staff are a few hundred.
 */
export class StaffIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly groups: Record<Role, cognito.UserPoolGroup>;
  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  readonly hostedUiUrl: string;
  /** Where the hosted UI sends the code; registered as the client's callback URL. */
  readonly redirectUri: string;

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

    this.redirectUri = `${props.siteUrl}${props.redirectPath}`;
    this.client = this.userPool.addClient('WebClient', {
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [this.redirectUri],
        logoutUrls: [`${props.siteUrl}/`, this.redirectUri],
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
  }
}
