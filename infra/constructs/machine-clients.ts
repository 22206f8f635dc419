import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { MACHINE_SCOPES, type MachineScope } from '../../functions/routes/route';
import type { MachineSettings } from '../stacks/stage';

/** The functions' environment for machine tokens (functions/platform/auth.ts `MACHINE_TOKEN`). */
export function machineTokenEnvironment(machine: MachineSettings): Record<string, string> {
  return { MACHINE_SCOPE_PREFIX: machine.scopePrefix };
}

/** The Cognito resource server of Pingyi's API: scopes are `pingyi/<scope>`. */
export const RESOURCE_SERVER_ID = 'pingyi';

export interface MachineClientsProps {
  /** The staff user pool, whose hosted UI domain serves the token endpoint. */
  readonly userPool: cognito.UserPool;
}

/**
 * Other systems' credentials on the aws profile: a Cognito resource server `pingyi` with one scope per
 * entry of routes.ts MACHINE_SCOPES, and one confidential app client per scope that may only use the OAuth
 * client-credentials flow (no user ever signs in with it; Cognito keeps its secret). A token it gets from
 * the user pool's token endpoint carries `client_id` (which the JWT authorizer's audience lists), `scope`
 * `pingyi/<scope>`, `token_use: access` and no groups, so it opens its machine routes and no staff route.
 */
export class MachineClients extends Construct implements MachineSettings {
  readonly resourceServer: cognito.UserPoolResourceServer;
  /** One app client per machine scope. */
  readonly clients: Record<MachineScope, cognito.UserPoolClient>;
  readonly audience: readonly string[];
  readonly scopePrefix = `${RESOURCE_SERVER_ID}/`;

  constructor(scope: Construct, id: string, props: MachineClientsProps) {
    super(scope, id);
    const scopes = Object.values(MACHINE_SCOPES);
    const serverScopes = Object.fromEntries(
      scopes.map((name) => [name, new cognito.ResourceServerScope({ scopeName: name, scopeDescription: `Machine route scope ${name}` })]),
    ) as Record<MachineScope, cognito.ResourceServerScope>;
    this.resourceServer = props.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: 'Pingyi API',
      scopes: Object.values(serverScopes),
    });

    this.clients = Object.fromEntries(
      Object.entries(MACHINE_SCOPES).map(([key, name]) => {
        const client = props.userPool.addClient(`${key[0]!.toUpperCase()}${key.slice(1)}Client`, {
          userPoolClientName: `pingyi-${name}`,
          generateSecret: true,
          oAuth: {
            flows: { clientCredentials: true },
            scopes: [cognito.OAuthScope.resourceServer(this.resourceServer, serverScopes[name])],
          },
          enableTokenRevocation: true,
          preventUserExistenceErrors: true,
          accessTokenValidity: Duration.hours(1),
        });
        // No password flow either (SRP or plain): the client credentials are its only way to a token.
        (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
        return [name, client];
      }),
    ) as Record<MachineScope, cognito.UserPoolClient>;
    this.audience = Object.values(this.clients).map((client) => client.userPoolClientId);
  }
}
