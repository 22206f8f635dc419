import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { MACHINE_SCOPES, isStaffAccess, jobs, routes, streamConsumers, type OperationId, type Route } from '../../functions/routes';
import { NODE_RUNTIME } from '../../infra/constructs/api-function';
import { INVOKE_ROLE_FUNCTIONS_LIMIT, routeContext } from '../../infra/constructs/http-api';
import { machineScope } from '../../functions/platform/auth';
import { RESOURCE_SERVER_ID } from '../../infra/constructs/machine-clients';
import { buildStack, cleanUp, logicalId, repoRoot, roleStatements, synth } from './synth';

const { stack, template } = synth('dev');
const packageVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
afterAll(cleanUp);

const resources = () => template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

function routeResource(method: string, path: string) {
  const found = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter(
    (route) => route.Properties.RouteKey === `${method} ${path}`,
  );
  expect(found).toHaveLength(1);
  return found[0]!.Properties as { AuthorizationType: string; AuthorizerId?: unknown; AuthorizationScopes?: string[]; Target: unknown };
}

const machineRoutes = routes.filter((route) => route.access !== 'public' && !isStaffAccess(route.access));
const staffRoutes = routes.filter((route) => isStaffAccess(route.access));

describe('HTTP API routes', () => {
  it('has exactly one route per entry of routes.ts', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey as string);
    expect(keys.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('has one function per route, per job and per stream consumer, each its own', () => {
    // Besides them only the origin check of the API's CloudFront distribution (infra/constructs/edge.ts).
    const originCheck = stack.originCheck ? logicalId(stack.originCheck.function) : undefined;
    const ours = Object.entries(resources()).filter(
      ([id, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.Runtime === NODE_RUNTIME.name && id !== originCheck,
    );
    expect(ours).toHaveLength(routes.length + jobs.length + streamConsumers.length);
    const ids = new Set(routes.map((route) => logicalId(stack.api.functions[route.operationId].function)));
    expect(ids.size).toBe(routes.length);
  });

  it.each(routes.map((route) => [route.operationId, route] as const))('wires %s to its own function', (operationId, route) => {
    const target = routeResource(route.method, route.path).Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    const integrationId = target['Fn::Join'][1][1].Ref;
    const integration = resources()[integrationId]!;
    expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
    expect(integration.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [logicalId(stack.api.functions[operationId].function), 'Arn'] });
    expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
  });

  it.each(routes.map((route) => [route.operationId, route] as const))(
    'lets API Gateway invoke the function of %s with its context role, which may invoke only functions of that context',
    (operationId, route) => {
      const target = routeResource(route.method, route.path).Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integration = resources()[target['Fn::Join'][1][1].Ref]!.Properties;
      const credentials = integration.CredentialsArn as { 'Fn::GetAtt': [string, string] };
      const roleId = credentials['Fn::GetAtt'][0];
      const [name, role] = Object.entries(stack.api.invokeRoles).find(([, r]) => logicalId(r) === roleId)!;
      expect(name).toBe(`${routeContext(route.entry)}Invoke1`);
      expect(credentials).toEqual({ 'Fn::GetAtt': [logicalId(role), 'Arn'] });
      const trust = resources()[roleId]!.Properties.AssumeRolePolicyDocument as { Statement: unknown[] };
      expect(trust.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } }]);
      const contextFunctions = routes
        .filter((other) => routeContext(other.entry) === routeContext(route.entry))
        .map((other) => ({ 'Fn::GetAtt': [logicalId(stack.api.functions[other.operationId].function), 'Arn'] }));
      const statements = roleStatements(template, roleId);
      expect(statements.map((statement) => [statement.Effect, statement.Action])).toEqual([['Allow', 'lambda:InvokeFunction']]);
      const invocable = [statements[0]!.Resource].flat();
      expect(invocable).toContainEqual({ 'Fn::GetAtt': [logicalId(stack.api.functions[operationId].function), 'Arn'] });
      expect(invocable).toHaveLength(contextFunctions.length);
      expect(invocable).toEqual(expect.arrayContaining(contextFunctions));
      expect(contextFunctions.length).toBeLessThanOrEqual(INVOKE_ROLE_FUNCTIONS_LIMIT);
    },
  );

  it('gives no route function a resource-based permission: the invoke roles are the only way in', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    const routeFunctions = new Set(routes.map((route) => logicalId(stack.api.functions[route.operationId].function)));
    const onRouteFunctions = permissions.filter((permission) =>
      routeFunctions.has((permission.Properties.FunctionName as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] ?? ''),
    );
    expect(onRouteFunctions).toEqual([]);
    expect(permissions.length).toBeLessThan(routes.length);
  });

  it('splits a context into further invoke roles past the limit of functions one role may list', () => {
    expect(INVOKE_ROLE_FUNCTIONS_LIMIT).toBe(40);
    const { stack: probe } = buildStack('dev');
    const api = probe.api as unknown as { invokeRoleFor(context: string): unknown; invokeRoles: Record<string, unknown> };
    const first = api.invokeRoleFor('Probe');
    for (let i = 1; i < INVOKE_ROLE_FUNCTIONS_LIMIT; i++) expect(api.invokeRoleFor('Probe')).toBe(first);
    const second = api.invokeRoleFor('Probe');
    expect(second).not.toBe(first);
    expect(Object.keys(api.invokeRoles).filter((id) => id.startsWith('Probe'))).toEqual(['ProbeInvoke1', 'ProbeInvoke2']);
  });

  it.each(routes.filter((route) => route.access !== 'public').map((route) => [route.operationId, route] as const))(
    'protects %s with the JWT authorizer',
    (_operationId, route) => {
      const props = routeResource(route.method, route.path);
      expect(props.AuthorizationType).toBe('JWT');
      expect(props.AuthorizerId).toEqual({ Ref: logicalId(stack.api.api.node.findChild('StaffJwt')) });
    },
  );

  it.each(routes.filter((route) => route.access === 'public').map((route) => [route.operationId, route] as const))(
    'asks no account on public route %s, only that it came through the API distribution',
    (_operationId, route) => {
      const props = routeResource(route.method, route.path);
      expect(props.AuthorizationType).toBe('CUSTOM');
      expect(props.AuthorizerId).toEqual({ Ref: logicalId(stack.api.api.node.findChild('OriginCheck')) });
    },
  );

  it('protects every admin route with the JWT authorizer', () => {
    const admin = routes.filter((route) => route.path.startsWith('/admin/'));
    expect(admin.length).toBeGreaterThan(0);
    for (const route of admin) {
      expect(route.access, route.operationId).not.toBe('public');
      expect(routeResource(route.method, route.path).AuthorizationType, route.operationId).toBe('JWT');
    }
  });

  it('accepts only tokens of the staff user pool issued to the web client or to a machine client', () => {
    const jwt = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer')).filter((a) => a.Properties.AuthorizerType === 'JWT');
    expect(jwt).toHaveLength(1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: logicalId(stack.identity.client) }, ...Object.values(stack.machineClients!.clients).map((client) => ({ Ref: logicalId(client) }))],
        Issuer: { 'Fn::GetAtt': [logicalId(stack.identity.userPool), 'ProviderURL'] },
      },
    });
  });
});

describe('machine routes (another system, client-credentials tokens)', () => {
  it('has at least the service-record route', () => {
    expect(machineRoutes.map((route) => route.operationId)).toContain('createServiceRecordLink');
  });

  it("names scopes as the functions do by default, so local tokens (npm run token) match Cognito's", () => {
    expect(process.env.MACHINE_SCOPE_PREFIX).toBeUndefined();
    expect(machineScope(MACHINE_SCOPES.serviceRecords)).toBe(`${RESOURCE_SERVER_ID}/${MACHINE_SCOPES.serviceRecords}`);
  });

  it.each(machineRoutes.map((route) => [route.operationId, route] as const))(
    'asks the JWT authorizer for the scope of %s, so a staff token is refused (403) before the function runs',
    (_operationId, route) => {
      const props = routeResource(route.method, route.path);
      expect(props.AuthorizationType).toBe('JWT');
      expect(props.AuthorizationScopes).toEqual([`${RESOURCE_SERVER_ID}/${(route.access as { scope: string }).scope}`]);
    },
  );

  it('asks no scope on staff routes: the function refuses a machine token there (no groups, 403)', () => {
    for (const route of staffRoutes) expect(routeResource(route.method, route.path).AuthorizationScopes, route.operationId).toBeUndefined();
  });

  it.each(machineRoutes.map((route) => [route.operationId] as const))('tells the function of %s the scope prefix of machine tokens', (operationId) => {
    const variables = resources()[logicalId(stack.api.functions[operationId as OperationId].function)]!.Properties.Environment as { Variables: Record<string, unknown> };
    expect(variables.Variables.MACHINE_SCOPE_PREFIX).toBe(`${RESOURCE_SERVER_ID}/`);
  });

  it('declares the resource server pingyi with one scope per machine scope of routes.ts', () => {
    const servers = Object.values(template.findResources('AWS::Cognito::UserPoolResourceServer'));
    expect(servers).toHaveLength(1);
    expect(servers[0]!.Properties).toMatchObject({
      Identifier: RESOURCE_SERVER_ID,
      UserPoolId: { Ref: logicalId(stack.identity.userPool) },
      Scopes: Object.values(MACHINE_SCOPES).map((scope) => expect.objectContaining({ ScopeName: scope })),
    });
  });

  it('gives each machine scope a confidential client that can only use the client-credentials flow', () => {
    for (const [scope, client] of Object.entries(stack.machineClients!.clients)) {
      const props = resources()[logicalId(client)]!.Properties;
      expect(props).toMatchObject({
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      });
      expect(JSON.stringify(props.AllowedOAuthScopes)).toContain(`/${scope}`);
      expect(props.CallbackURLs).toBeUndefined();
    }
  });

  it('outputs the machine client id and the token endpoint, never the client secret', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.ServiceRecordsClientId?.Value).toEqual({ Ref: logicalId(stack.machineClients!.clients['service-records']) });
    expect(JSON.stringify(outputs.TokenEndpoint?.Value)).toContain('/oauth2/token');
    expect(JSON.stringify(outputs)).not.toMatch(/ClientSecret/);
  });
});

describe('HTTP API stage and CORS', () => {
  it('allows browsers only from the site, with the headers the pages send', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.site.distribution), 'DomainName'] }]] }],
        AllowHeaders: ['Authorization', 'Content-Type', 'Accept-Language'],
        AllowMethods: [...new Set(routes.map((route) => route.method))],
      },
    });
  });

  it('lets browsers send the methods the admin pages use to write (POST, PUT)', () => {
    const [api] = Object.values(template.findResources('AWS::ApiGatewayV2::Api'));
    expect(api!.Properties.CorsConfiguration.AllowMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT']));
  });

  it('throttles the default stage and writes access logs without client IPs', () => {
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const props = stages[0]!.Properties;
    expect(props.StageName).toBe('$default');
    expect(props.AutoDeploy).toBe(true);
    expect(props.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    expect(props.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(stack.api.accessLogs), 'Arn'] });
    const format = JSON.parse(props.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(Object.values(format).join(' ')).not.toContain('sourceIp');
  });

  it('keeps API access logs two weeks on dev and a year on prod', () => {
    const prod = synth('prod');
    expect(resources()[logicalId(stack.api.accessLogs)]!.Properties.RetentionInDays).toBe(14);
    expect(prod.template.toJSON().Resources[logicalId(prod.stack.api.accessLogs)].Properties.RetentionInDays).toBe(365);
  });

  it("keeps the functions' one log group, apart from the access log, two weeks and disposable on dev, a year and retained on prod", () => {
    const prod = synth('prod');
    expect(logicalId(stack.functionLogs)).not.toBe(logicalId(stack.api.accessLogs));
    expect(resources()[logicalId(stack.functionLogs)]).toMatchObject({ Properties: { RetentionInDays: 14 }, DeletionPolicy: 'Delete' });
    expect(prod.template.toJSON().Resources[logicalId(prod.stack.functionLogs)]).toMatchObject({
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('function defaults', () => {
  it('uses the newest Node.js runtime aws-cdk-lib offers', () => {
    const version = (runtime: lambda.Runtime) => Number(/^nodejs(\d+)/.exec(runtime.name)?.[1] ?? 0);
    const newest = Math.max(...lambda.Runtime.ALL.filter((runtime) => runtime.family === lambda.RuntimeFamily.NODEJS).map(version));
    expect(version(NODE_RUNTIME)).toBe(newest);
  });

  it.each([...routes.map((route) => route.operationId), ...jobs.map((job) => job.id)])(
    "%s runs on Node.js, arm64, with JSON logs in the functions' one log group, Powertools settings and the release version",
    (name) => {
      const fn = name in stack.api.functions ? stack.api.functions[name as keyof typeof stack.api.functions] : stack.jobs[name]!.handler;
      const props = resources()[logicalId(fn.function)]!.Properties;
      expect(props).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', LogGroup: { Ref: logicalId(fn.logGroup) } },
        Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'pingyi', PINGYI_VERSION: packageVersion } },
      });
      expect(fn.logGroup).toBe(stack.functionLogs);
      expect(resources()[logicalId(fn.logGroup)]!.Properties.RetentionInDays).toBe(14);
    },
  );

  it('gives API functions 10 s and 512 MB unless their route asks for more, and the job a timeout shorter than its period', () => {
    for (const route of routes as readonly Route[]) {
      const props = resources()[logicalId(stack.api.functions[route.operationId as OperationId].function)]!.Properties;
      expect([route.operationId, props.Timeout, props.MemorySize]).toEqual([
        route.operationId,
        route.runtime?.timeoutSeconds ?? 10,
        route.runtime?.memoryMb ?? 512,
      ]);
      // API Gateway gives up after 30 s: a function allowed longer would answer nobody.
      expect(props.Timeout as number).toBeLessThan(30);
    }
    expect(resources()[logicalId(stack.api.functions.importUnits.function)]!.Properties.Timeout).toBeGreaterThan(10);
    for (const job of jobs) {
      const timeout = resources()[logicalId(stack.jobs[job.id]!.handler.function)]!.Properties.Timeout as number;
      expect(timeout).toBeLessThan(job.everyMinutes.aws * 60);
    }
  });
});
