import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { jobs, routes, streamConsumers } from '../../functions/routes';
import { SECRETS } from '../../functions/store/secrets';
import { TABLES } from '../../functions/store/tables';
import { SIGN_IN_PAGE } from '../../web/src/app/config';
import { Buckets } from '../constructs/buckets';
import { ApiEdge, OriginCheck, VIEWER_ADDRESS_HEADER } from '../constructs/edge';
import { HttpApi, pascalCase } from '../constructs/http-api';
import { MachineClients } from '../constructs/machine-clients';
import { Observability } from '../constructs/observability';
import { ScheduledJob } from '../constructs/scheduled-job';
import { Secrets } from '../constructs/secrets';
import { Site } from '../constructs/site';
import { StreamConsumer } from '../constructs/stream-consumer';
import { OidcStaffIdentity, StaffIdentity, type StaffSignIn } from '../constructs/staff-identity';
import { Tables } from '../constructs/tables';
import { secretArnOutput } from '../ops/ballot-keys';
import { tableNameOutput } from '../ops/restore-drill';
import { checkAuthDomainPrefix, type DeploymentSettings, type MachineSettings, stageSettings } from './stage';

export interface PingyiStackProps extends StackProps {
  /** `dev`, `prod`, or any short name for a disposable copy. */
  readonly stage: string;
  /** The built pages (web/build.ts output). */
  readonly pagesDir: string;
  /**
   * Prefix of the hosted UI domain, unique per region across all of AWS.
   * @default `pingyi-<stage>-<account id>`
   */
  readonly authDomainPrefix?: string;
  /**
   * Partition, staff sign-in, the API's edge and the site's domain (stage.ts `deploymentSettings`).
   * @default the aws profile with Cognito, the API called directly
   */
  readonly deployment?: DeploymentSettings;
  /** The web ACL of the API's distribution (ApiFirewallStack, us-east-1); required when `deployment.edge` is set. */
  readonly webAclArn?: string;
}

const DIRECT_AWS: DeploymentSettings = { profile: 'aws', partition: 'aws', identity: { kind: 'cognito' } };

/**
 * Pingyi in one stack: tables, secrets, staff sign-in and other systems' clients, the HTTP API (a function
 * per route, each bounded context's routes in a nested stack of their own: http-api.ts), the scheduled jobs,
 * the stream consumers and the web pages. Wiring only; every default lives in the constructs, every fact in
 * routes.ts, store/tables.ts, store/secrets.ts and web/.
 */
export class PingyiStack extends Stack {
  readonly tables: Tables;
  readonly secrets: Secrets;
  /** The buckets of functions/store/buckets.ts (raw exports). */
  readonly buckets: Buckets;
  /** How the API knows other systems' client-credentials tokens: Cognito's clients, or the OIDC context's. */
  readonly machine: MachineSettings;
  /** The Cognito resource server and machine clients; a deployment signing in with OIDC has none. */
  readonly machineClients?: MachineClients;
  readonly site: Site;
  /** Whoever signs staff in: the Cognito user pool, or the OIDC issuer of the context. */
  readonly signIn: StaffSignIn;
  /**
   * The one log group of every function of routes.ts (routes, jobs, stream consumers): one resource, not one
   * per function, and one group for the saved queries to read. The API's access log has its own.
   */
  readonly functionLogs: LogGroup;
  readonly api: HttpApi;
  /** The API's CloudFront distribution with its web ACL, where the profile has one (aws). */
  readonly apiEdge?: ApiEdge;
  readonly originCheck?: OriginCheck;
  /** The URL the pages call the API at: the edge's, or the HTTP API's own. */
  readonly apiUrl: string;
  readonly jobs: Record<string, ScheduledJob>;
  /** The functions reading a table's stream, by consumer id (routes.ts `streamConsumers`). */
  readonly streamConsumers: Record<string, StreamConsumer>;
  /** Alarms (to an SNS topic with the `alarmEmails` context's subscribers), the dashboard and saved log queries. */
  readonly observability: Observability;
  private readonly cognito?: StaffIdentity;

  /** The Cognito user pool, its groups and web client; a deployment signing in with OIDC has none. */
  get identity(): StaffIdentity {
    if (!this.cognito) throw new Error(`${this.node.id} signs staff in with an OIDC issuer: it has no Cognito user pool`);
    return this.cognito;
  }

  constructor(scope: Construct, id: string, props: PingyiStackProps) {
    super(scope, id, props);
    const settings = stageSettings(props.stage);
    const deployment = props.deployment ?? DIRECT_AWS;
    const logs = { logRetention: settings.logRetention, logRemovalPolicy: settings.removalPolicy };
    if (props.authDomainPrefix !== undefined) checkAuthDomainPrefix(props.authDomainPrefix, 'authDomainPrefix');
    const oidc = deployment.identity.kind === 'oidc' ? deployment.identity : undefined;
    const authDomainPrefix =
      props.authDomainPrefix ?? (deployment.identity.kind === 'cognito' ? deployment.identity.domainPrefix : undefined) ?? `pingyi-${settings.stage}-${Aws.ACCOUNT_ID}`;
    if (deployment.edge && props.webAclArn === undefined) throw new Error('the API edge needs the web ACL of its ApiFirewallStack (webAclArn)');

    this.tables = new Tables(this, 'Tables', { deletionProtection: settings.deletionProtection });
    this.secrets = new Secrets(this, 'Secrets', { removalPolicy: settings.removalPolicy });

    this.site = new Site(this, 'Site', {
      signInOrigins: oidc
        ? [new URL(oidc.authorizationEndpoint).origin, new URL(oidc.tokenEndpoint).origin]
        : [`https://${authDomainPrefix}.auth.${Aws.REGION}.amazoncognito.com`],
      // A wildcard: the exact distribution or API would make the site depend on it, while the API's CORS
      // setting already depends on the site.
      apiOrigin: deployment.edge ? 'https://*.cloudfront.net' : `https://*.execute-api.${this.region}.${this.urlSuffix}`,
      // The attachments bucket's presigned uploads (virtual-hosted, regional); a wildcard for the same reason.
      uploadOrigin: `https://*.s3.${this.region}.${this.urlSuffix}`,
      profile: deployment.profile,
      domain: deployment.siteDomain,
      accessLogExpiration: settings.accessLogExpiration,
      ...logs,
    });

    // The page the provider returns staff to with the code; web/ serves it and owns its name.
    if (oidc) {
      this.signIn = new OidcStaffIdentity({ settings: oidc, siteDomainName: this.site.domainName, redirectPath: SIGN_IN_PAGE });
    } else {
      this.cognito = new StaffIdentity(this, 'StaffIdentity', {
        siteDomainName: this.site.domainName,
        redirectPath: SIGN_IN_PAGE,
        domainPrefix: authDomainPrefix,
        deletionProtection: settings.deletionProtection,
        removalPolicy: settings.removalPolicy,
      });
      this.signIn = this.cognito;
      this.machineClients = new MachineClients(this, 'MachineClients', { userPool: this.cognito.userPool });
    }
    this.machine = oidc ? oidc.machine : this.machineClients!;

    if (deployment.edge) this.originCheck = new OriginCheck(this, 'OriginCheck', logs);
    this.buckets = new Buckets(this, 'Buckets', {
      accessLogsBucket: this.site.accessLogsBucket,
      siteBucket: this.site.bucket,
      siteDistribution: this.site.distribution,
    });
    this.functionLogs = new LogGroup(this, 'FunctionLogs', { retention: settings.logRetention, removalPolicy: settings.removalPolicy });
    this.api = new HttpApi(this, 'Api', {
      routes,
      tables: this.tables,
      secrets: this.secrets,
      buckets: this.buckets,
      identity: this.signIn,
      machine: this.machine,
      // Behind the API's distribution the functions find the viewer's address in its header; called
      // directly (china), API Gateway's source IP is the viewer's own.
      ...(this.originCheck ? { publicAuthorizer: this.originCheck.authorizer, clientAddressHeader: VIEWER_ADDRESS_HEADER } : {}),
      siteUrl: this.site.url,
      functionLogs: this.functionLogs,
      ...logs,
    });
    if (this.originCheck) {
      this.apiEdge = new ApiEdge(this, 'ApiEdge', { api: this.api, originCheck: this.originCheck, webAclArn: props.webAclArn! });
    }
    this.apiUrl = this.apiEdge?.url ?? this.api.url;

    this.jobs = Object.fromEntries(
      jobs.map((job) => [job.id, new ScheduledJob(this, `${pascalCase(job.id)}Job`, { job, tables: this.tables, logGroup: this.functionLogs })]),
    );
    this.streamConsumers = Object.fromEntries(
      streamConsumers.map((consumer) => [
        consumer.id,
        new StreamConsumer(this, `${pascalCase(consumer.id)}Consumer`, { consumer, tables: this.tables, buckets: this.buckets, logGroup: this.functionLogs }),
      ]),
    );

    this.observability = new Observability(this, 'Observability', {
      api: this.api,
      jobs: this.jobs,
      streamConsumers: this.streamConsumers,
      tables: this.tables,
      functionLogs: this.functionLogs,
      ...(this.originCheck ? { otherFunctions: { OriginCheck: this.originCheck.function } } : {}),
      removalPolicy: settings.removalPolicy,
    });

    this.site.deployPages({
      pagesDir: props.pagesDir,
      config: {
        apiBase: this.apiUrl,
        auth: {
          kind: 'oidc',
          issuer: this.signIn.issuer,
          authorizationEndpoint: this.signIn.authorizationEndpoint,
          tokenEndpoint: this.signIn.tokenEndpoint,
          clientId: this.signIn.clientId,
          redirectUri: this.signIn.redirectUri,
          scope: this.signIn.scope,
          signOutUrl: this.signIn.signOutUrl,
          groupsClaim: this.signIn.claims.groups,
        },
      },
    });

    new CfnOutput(this, 'SiteUrl', { value: this.site.url, description: 'The web pages.' });
    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl, description: 'Where the pages call the API (apiBase).' });
    new CfnOutput(this, 'SiteDistributionId', {
      value: this.site.distribution.distributionId,
      description: "The pages' distribution: a withdrawn disclosure's file is invalidated there (README \"Public disclosure\").",
    });
    if (deployment.siteDomain) {
      new CfnOutput(this, 'SiteDistributionDomain', {
        value: this.site.distribution.distributionDomainName,
        description: `Point ${deployment.siteDomain.name} here (DNS CNAME).`,
      });
    }
    if (this.cognito) {
      new CfnOutput(this, 'UserPoolId', { value: this.cognito.userPool.userPoolId, description: 'Staff user pool; add staff and their groups here.' });
      new CfnOutput(this, 'UserPoolClientId', { value: this.cognito.client.userPoolClientId, description: 'The web app client.' });
      new CfnOutput(this, 'TokenEndpoint', {
        value: this.cognito.tokenEndpoint,
        description: 'Where another system gets a client-credentials token (README "Service records from another system").',
      });
      for (const [scope, client] of Object.entries(this.machineClients!.clients)) {
        new CfnOutput(this, `${pascalCase(scope)}ClientId`, {
          value: client.userPoolClientId,
          description: `The machine client with scope ${this.machine.scopePrefix}${scope} (its secret stays in Cognito).`,
        });
      }
    } else {
      new CfnOutput(this, 'SignInRedirectUri', { value: this.signIn.redirectUri, description: "Register as the OIDC client's redirect URI." });
      new CfnOutput(this, 'SignOutRedirectUri', { value: `${this.site.url}/`, description: "Register as the OIDC client's post-logout redirect URI." });
    }
    // Where `npm run ballot-keys` rotates the keys (infra/ops/ballot-keys.ts).
    for (const [key, definition] of Object.entries(SECRETS)) {
      new CfnOutput(this, secretArnOutput(definition), {
        value: this.secrets.get(key as keyof typeof SECRETS).secret.secretArn,
        description: `The ${key} secret.`,
      });
    }
    // What `npm run restore-drill` restores and compares (infra/ops/restore-drill.ts).
    for (const [key, definition] of Object.entries(TABLES)) {
      new CfnOutput(this, tableNameOutput(definition), {
        value: this.tables.get(key as keyof typeof TABLES).table.tableName,
        description: `The ${key} table.`,
      });
    }
  }
}
