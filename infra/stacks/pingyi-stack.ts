import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { jobs, routes } from '../../functions/routes';
import { SIGN_IN_PAGE } from '../../web/src/app/config';
import { HttpApi, pascalCase } from '../constructs/http-api';
import { ScheduledJob } from '../constructs/scheduled-job';
import { Site } from '../constructs/site';
import { StaffIdentity } from '../constructs/staff-identity';
import { Tables } from '../constructs/tables';
import { checkAuthDomainPrefix, stageSettings } from './stage';

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
}

/**
 * Pingyi in one stack: tables, staff sign-in, the HTTP API (a function per route), the scheduled jobs
 * and the web pages. Wiring only; every default lives in the constructs, every fact in routes.ts,
 * store/tables.ts and web/.
 */
export class PingyiStack extends Stack {
  readonly tables: Tables;
  readonly site: Site;
  readonly identity: StaffIdentity;
  readonly api: HttpApi;
  readonly jobs: Record<string, ScheduledJob>;

  constructor(scope: Construct, id: string, props: PingyiStackProps) {
    super(scope, id, props);
    const settings = stageSettings(props.stage);
    const logs = { logRetention: settings.logRetention, logRemovalPolicy: settings.removalPolicy };
    if (props.authDomainPrefix !== undefined) checkAuthDomainPrefix(props.authDomainPrefix, 'authDomainPrefix');
    const authDomainPrefix = props.authDomainPrefix ?? `pingyi-${settings.stage}-${Aws.ACCOUNT_ID}`;

    this.tables = new Tables(this, 'Tables', { deletionProtection: settings.deletionProtection });

    this.site = new Site(this, 'Site', {
      hostedUiUrl: `https://${authDomainPrefix}.auth.${Aws.REGION}.amazoncognito.com`,
      accessLogExpiration: settings.accessLogExpiration,
      ...logs,
    });

    this.identity = new StaffIdentity(this, 'StaffIdentity', {
      siteDomainName: this.site.domainName,
      // The page the hosted UI returns staff to with the code; web/ serves it and owns its name.
      redirectPath: SIGN_IN_PAGE,
      domainPrefix: authDomainPrefix,
      deletionProtection: settings.deletionProtection,
      removalPolicy: settings.removalPolicy,
    });

    this.api = new HttpApi(this, 'Api', {
      routes,
      tables: this.tables,
      identity: this.identity,
      siteUrl: this.site.url,
      ...logs,
    });

    this.jobs = Object.fromEntries(
      jobs.map((job) => [job.id, new ScheduledJob(this, `${pascalCase(job.id)}Job`, { job, tables: this.tables, ...logs })]),
    );

    this.site.deployPages({
      pagesDir: props.pagesDir,
      config: {
        apiBase: this.api.url,
        auth: {
          kind: 'oidc',
          issuer: this.identity.issuer,
          authorizationEndpoint: this.identity.authorizationEndpoint,
          tokenEndpoint: this.identity.tokenEndpoint,
          clientId: this.identity.client.userPoolClientId,
          redirectUri: this.identity.redirectUri,
          scope: this.identity.scope,
          signOutUrl: this.identity.signOutUrl,
        },
      },
    });

    new CfnOutput(this, 'SiteUrl', { value: this.site.url, description: 'The web pages.' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The HTTP API (apiBase).' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId, description: 'Staff user pool; add staff and their groups here.' });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId, description: 'The web app client.' });
  }
}
