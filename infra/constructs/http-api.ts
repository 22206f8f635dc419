import { Duration, NestedStack, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration, type HttpLambdaIntegrationProps } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { isStaffAccess, type OperationId, type Route } from '../../functions/routes';
import { functionSeconds, gatewaySeconds } from '../../functions/platform/time-budget';
import type { MachineSettings } from '../stacks/stage';
import { ApiFunction, InlinePolicyRole } from './api-function';
import { machineTokenEnvironment } from './machine-clients';
import type { Buckets } from './buckets';
import type { Secrets } from './secrets';
import { staffTokenEnvironment, type StaffSignIn } from './staff-identity';
import type { Tables } from './tables';

/**
 * The most route functions one invoke role may call: their ARNs are listed one by one in its inline policy,
 * and a role's inline policies hold 10,240 characters at most (an ARN is up to ~120).
 */
export const INVOKE_ROLE_FUNCTIONS_LIMIT = 40;

export interface HttpApiProps {
  readonly routes: readonly Route[];
  readonly tables: Tables;
  readonly secrets: Secrets;
  /** The buckets routes write to (store/buckets.ts). */
  readonly buckets: Buckets;
  /** Whoever signs staff in (Cognito, or an OIDC issuer): the JWT authorizer's issuer and audience, the claims. */
  readonly identity: StaffSignIn;
  /** Other systems' clients of the same issuer: added to the authorizer's audience; their scope prefix. */
  readonly machine: MachineSettings;
  /**
   * The header in which the API's CloudFront distribution passes the viewer's address (edge.ts), told to the
   * functions of public routes as CLIENT_ADDRESS_HEADER. Only those: their origin check proves the request came
   * through CloudFront, which overwrote whatever the viewer sent in it. @default none: the connecting address
   */
  readonly clientAddressHeader?: string;
  /**
   * The authorizer of the routes routes.ts declares public, when they may only be reached through the API's
   * CloudFront distribution (infra/constructs/edge.ts). @default none: public routes are open to all
   */
  readonly publicAuthorizer?: apigw.IHttpRouteAuthorizer;
  /** The only origin browsers may call the API from: the site, `https://<cloudfront domain>`. */
  readonly siteUrl: string;
  /** The access log group's retention. */
  readonly logRetention: logs.RetentionDays;
  /** What happens to the access log group when the stack is deleted. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** Where the route functions log: the stack's one log group of all functions (the access log has its own). */
  readonly functionLogs: logs.ILogGroup;
  /** Steady requests per second across the API. @default 100 */
  readonly rateLimit?: number;
  /** Short bursts. @default 200 */
  readonly burstLimit?: number;
}

/**
 * The public HTTP API: one function and one route per entry of routes.ts. Routes open to the public
 * (rating, reading forms) need no account — behind the API's CloudFront distribution they carry only its
 * origin check (`publicAuthorizer`); every other route has the JWT authorizer, which accepts only tokens of
 * the staff issuer (Cognito or OIDC) issued to the web client or to another system's machine client. A
 * machine route (routes.ts `{ scope }`) also asks the authorizer for its scope, so a staff token is refused
 * there (403) before any function runs. The JWT authorizer proves who is calling; which role or scope may
 * call is checked again by the handler (functions/platform/auth.ts) from the same route table, which is what
 * refuses a machine token on a staff route (it carries no groups: 403).
 *
 * The API, its stage, access log and authorizers live in the parent stack; each route's function, role,
 * integration and route live in a nested stack of its bounded context (`<Context>Routes`, one per folder of
 * functions/api/), with that context's invoke roles: a route costs its context's template four resources and
 * the parent none, so no template nears CloudFormation's 500 as routes are added (README "Operate"). CDK
 * passes what they use of the parent (tables, keys, secrets, buckets, the log group, the API and its
 * authorizers) as the nested stack's parameters.
 */
export class HttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly authorizer: HttpJwtAuthorizer;
  /** One function per route, by operationId. */
  readonly functions: Record<OperationId, ApiFunction>;
  /**
   * The roles API Gateway assumes to invoke the route functions (the integrations' credentials), by construct
   * id: one per bounded context (`<Context>Invoke<n>`), each allowed `lambda:InvokeFunction` on exactly its
   * context's functions. A role instead of a resource-based permission per function: one resource per
   * context instead of one per route.
   */
  readonly invokeRoles: Record<string, InlinePolicyRole> = {};
  /** The nested stack of each bounded context's routes (`<Context>Routes`), by context. */
  readonly routeStacks: Record<string, NestedStack> = {};
  /** How many functions each context's invoke roles may call, in order. */
  private readonly invokeRoleSizes: Record<string, number[]> = {};
  /** `https://<id>.execute-api.<region>.amazonaws.com`, no trailing slash (the `$default` stage). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);

    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: Stack.of(this).stackName,
      description: 'Pingyi: ratings of public-service units, tallies and reports.',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [props.siteUrl],
        allowMethods: [...new Set(props.routes.map((route) => apigw.CorsHttpMethod[route.method]))],
        allowHeaders: ['Authorization', 'Content-Type', 'Accept-Language'],
        exposeHeaders: ['Content-Disposition', 'Retry-After'],
        maxAge: Duration.hours(1),
      },
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 100, burstLimit: props.burstLimit ?? 200 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        // No source IP: a rating's time plus the caller's IP would tie a citizen to their answers.
        // Staff calls carry the token's subject, so reads of tallies remain attributable.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            responseLength: '$context.responseLength',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    this.authorizer = new HttpJwtAuthorizer('StaffJwt', props.identity.issuer, {
      jwtAudience: [...new Set([...props.identity.audience, ...props.machine.audience])],
      identitySource: ['$request.header.Authorization'],
    });

    const functions: Partial<Record<OperationId, ApiFunction>> = {};
    for (const route of props.routes) {
      const id = pascalCase(route.operationId);
      const { access } = route;
      const isPublic = access === 'public';
      const machineScope = access === 'public' || isStaffAccess(access) ? undefined : `${props.machine.scopePrefix}${access.scope}`;
      const context = routeContext(route.entry);
      const routeStack = this.routeStackFor(context);
      const fn = new ApiFunction(routeStack, id, {
        entry: route.entry,
        description: `${route.operationId} (${route.method} ${route.path}): ${route.summary}`,
        timeout: Duration.seconds(functionSeconds(route)),
        ...(route.runtime?.memoryMb ? { memorySize: route.runtime.memoryMb } : {}),
        logGroup: props.functionLogs,
        environment: {
          // Where functions/platform/auth.ts finds the groups and the token kind of this deployment's issuer.
          ...staffTokenEnvironment(props.identity),
          ...(machineScope ? machineTokenEnvironment(props.machine) : {}),
          // Where functions/platform/http.ts finds the viewer's address behind CloudFront.
          ...(isPublic && props.clientAddressHeader ? { CLIENT_ADDRESS_HEADER: props.clientAddressHeader } : {}),
        },
      });
      fn.bindTables(props.tables, route.tables);
      fn.bindSecrets(props.secrets, route.secrets);
      fn.bindBuckets(props.buckets, route.buckets);
      const invokeRole = this.invokeRoleFor(context);
      invokeRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.function.functionArn] }));
      const httpRoute = new apigw.HttpRoute(routeStack, `${id}Route`, {
        httpApi: this.api,
        routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
        // A little longer than the function, so that the function's own answer (a 503 with Retry-After when a
        // dependency stalls) always reaches the caller (functions/platform/time-budget.ts).
        integration: new RoleLambdaIntegration(`${id}Integration`, fn.function, invokeRole, { timeout: Duration.seconds(gatewaySeconds(route)) }),
        authorizer: isPublic ? (props.publicAuthorizer ?? new apigw.HttpNoneAuthorizer()) : this.authorizer,
        ...(machineScope ? { authorizationScopes: [machineScope] } : {}),
      });
      if (isPublic && !props.publicAuthorizer) {
        const tables = Object.entries(route.tables).map(([table, access]) => `${table} (${access})`);
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} (${route.operationId}) is declared public in functions/routes.ts: citizens ` +
            'read forms and rate without an account, which is the point of the product, and the health check and the ' +
            'API description hold no data. Abuse is bounded by stage throttling, and this function reaches ' +
            `${tables.length > 0 ? `only the tables ${tables.join(', ')}` : 'no table'}.`,
        });
      }
      functions[route.operationId as OperationId] = fn;
    }
    this.functions = functions as Record<OperationId, ApiFunction>;
    this.url = this.api.apiEndpoint;
  }

  /**
   * The nested stack of a bounded context's routes, made at its first route. One per context and never
   * shared: a route that moved to another template would be created there before it is deleted here, and
   * API Gateway refuses a second route of the same key.
   */
  private routeStackFor(context: string): NestedStack {
    return (this.routeStacks[context] ??= new NestedStack(this, `${context}Routes`, {
      description: `Pingyi ${Stack.of(this).stackName}: the ${context} routes (function, role, integration, route) and their invoke roles`,
    }));
  }

  /** The invoke role of a bounded context with room for one more function: the last one, or a new one. */
  private invokeRoleFor(context: string): InlinePolicyRole {
    const counts = (this.invokeRoleSizes[context] ??= []);
    if (counts.length === 0 || counts[counts.length - 1]! >= INVOKE_ROLE_FUNCTIONS_LIMIT) {
      counts.push(0);
      this.invokeRoles[`${context}Invoke${counts.length}`] = new InlinePolicyRole(this.routeStackFor(context), `${context}Invoke${counts.length}`, {
        assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        description: `API Gateway invoking the ${context} route functions (${counts.length})`,
      });
    }
    counts[counts.length - 1]! += 1;
    return this.invokeRoles[`${context}Invoke${counts.length}`]!;
  }
}

/**
 * A Lambda proxy integration that API Gateway invokes with a role (the integration's credentials) instead of
 * a resource-based permission on the function (HttpLambdaIntegration adds one AWS::Lambda::Permission per
 * route). The role must be allowed `lambda:InvokeFunction` on the function.
 */
class RoleLambdaIntegration extends HttpLambdaIntegration {
  constructor(
    id: string,
    handler: lambda.IFunction,
    private readonly invokeRole: iam.IRole,
    props: HttpLambdaIntegrationProps = {},
  ) {
    super(id, handler, props);
  }

  protected override completeBind(): void {
    // No permission on the function: the role's policy is what lets API Gateway invoke it.
  }

  override bind(options: apigw.HttpRouteIntegrationBindOptions): apigw.HttpRouteIntegrationConfig {
    return { ...super.bind(options), credentials: apigw.IntegrationCredentials.fromRole(this.invokeRole) };
  }
}

/**
 * The bounded context a route's function belongs to, from its entry's folder: `api/evaluation/…` →
 * `Evaluation`; an entry at the root of api/ (health, openapi) → `Api`.
 */
export function routeContext(entry: string): string {
  const [, folder, file] = entry.split('/');
  return file === undefined ? 'Api' : pascalCase(folder!);
}

/** `listForms` → `ListForms`, for construct ids. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
