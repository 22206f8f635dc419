import { NestedStack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes';
import { routeContext } from '../../infra/constructs/http-api';
import { CHINA_CONTEXT } from './profiles';
import { cleanUp, type Json, logicalId, synth } from './synth';

afterAll(cleanUp);

/** CloudFormation refuses a template of more resources than this (TooManyResourcesInStack). */
const CLOUDFORMATION_LIMIT = 500;
/**
 * What any one template (the parent, or a route context's nested stack) may hold before someone must think
 * about its size again: the limit less room for the next routes (a route costs its context's template a
 * Function, a Role, an API Integration and a Route). Passing it means: find the next diet measure (README
 * "Operate"), do not raise it.
 */
const RESOURCE_BUDGET = 450;

/** The template's resources counted by type, most numerous first, for a failure that says where they went. */
function countByType(resources: Record<string, { Type: string }>): string {
  const counts = new Map<string, number>();
  for (const { Type } of Object.values(resources)) counts.set(Type, (counts.get(Type) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([type, n]) => `${n} ${type}`).join(', ');
}

const builds = [
  ['aws dev', () => synth('dev')],
  ['aws prod', () => synth('prod')],
  ['china prod', () => synth('prod', {}, CHINA_CONTEXT)],
] as const;

/** Every resource of a template, by logical id. */
const resourcesOf = (template: { toJSON(): Json }) => template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;

describe('the stack size', () => {
  it.each(builds)(`holds every template within a budget of ${RESOURCE_BUDGET} resources, well under CloudFormation's ${CLOUDFORMATION_LIMIT} (%s)`, (_, build) => {
    const { templates } = build();
    // The parent and a nested stack per bounded context of the routes.
    expect(templates.length).toBe(1 + new Set(routes.map((route) => routeContext(route.entry))).size);
    for (const { stack, template } of templates) {
      const resources = resourcesOf(template);
      const total = Object.keys(resources).length;
      expect(total, `${stack.node.path}: ${total} resources: ${countByType(resources)}`).toBeLessThanOrEqual(RESOURCE_BUDGET);
    }
  });

  it("keeps a route's four resources in its context's nested stack: the parent does not grow with routes", () => {
    const { stack, templates } = synth('dev');
    const parent = resourcesOf(templates[0]!.template);
    const perRoute = ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Route'];
    const count = (resources: Record<string, { Type: string }>, type: string) => Object.values(resources).filter((r) => r.Type === type).length;
    expect(count(parent, 'AWS::ApiGatewayV2::Route')).toBe(0);
    expect(count(parent, 'AWS::ApiGatewayV2::Integration')).toBe(0);
    expect(count(parent, 'AWS::Lambda::Function'), countByType(parent)).toBeLessThan(routes.length / 2);
    for (const route of routes) {
      const context = routeContext(route.entry);
      const nested = stack.api.routeStacks[context]!;
      const own = templates.find((t) => t.stack === nested);
      expect(own, `${route.operationId}: no template of ${context}`).toBeDefined();
      const resources = resourcesOf(own!.template);
      const fn = stack.api.functions[route.operationId as keyof typeof stack.api.functions];
      expect(NestedStack.isNestedStack(fn.node.scope), route.operationId).toBe(true);
      expect(resources[logicalId(fn.function)]?.Type, `${route.operationId}'s function`).toBe('AWS::Lambda::Function');
      expect(resources[logicalId(fn.role)]?.Type, `${route.operationId}'s role`).toBe('AWS::IAM::Role');
      const routeKey = `${route.method} ${route.path}`;
      const httpRoute = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === routeKey);
      expect(httpRoute, routeKey).toBeDefined();
      const target = httpRoute!.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      expect(resources[target['Fn::Join'][1][1].Ref]?.Type, `${routeKey}'s integration`).toBe('AWS::ApiGatewayV2::Integration');
    }
    for (const type of perRoute) {
      const nestedCount = templates.slice(1).reduce((n, { template }) => n + count(resourcesOf(template), type), 0);
      expect(nestedCount, type).toBeGreaterThanOrEqual(routes.length);
    }
  });

  it('grows by a handful of resources per route, not by a dozen', () => {
    // Everything that exists once per route function: the function, its role, the integration and the route.
    // Log groups, invoke permissions (a role per context), policies (inline) and alarms are shared.
    const resources = resourcesOf(synth('dev').template);
    const count = (type: string) => Object.values(resources).filter((r) => r.Type === type).length;
    expect(count('AWS::ApiGatewayV2::Route')).toBe(routes.length);
    expect(count('AWS::Logs::LogGroup'), countByType(resources)).toBeLessThan(10);
    expect(count('AWS::IAM::Policy'), countByType(resources)).toBeLessThan(10);
    expect(count('AWS::Lambda::Permission'), countByType(resources)).toBeLessThan(10);
    expect(count('AWS::CloudWatch::Alarm'), countByType(resources)).toBeLessThan(routes.length);
  });
});

describe('the flattened template the tests read', () => {
  it.each(builds)('is what is deployed: every route once across the nested stacks, every parameter supplied (%s)', (_, build) => {
    const { template, templates } = build();
    const parent = resourcesOf(templates[0]!.template);
    const stackResources = Object.entries(parent).filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack');
    expect(stackResources.length).toBe(templates.length - 1);
    // Every route key of routes.ts exactly once, in exactly one nested template.
    const deployedKeys = templates
      .slice(1)
      .flatMap(({ template: t }) => Object.values(resourcesOf(t)).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route'))
      .map((r) => r.Properties.RouteKey as string);
    expect(deployedKeys.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    // Each nested stack's parameters are all passed by its stack resource, and nothing more.
    for (const { stack, template: t } of templates.slice(1)) {
      const id = logicalId((stack as NestedStack).nestedStackResource!);
      const declared = Object.keys((t.toJSON().Parameters ?? {}) as Record<string, unknown>).sort();
      expect(Object.keys((parent[id]!.Properties.Parameters ?? {}) as Record<string, unknown>).sort(), stack.node.path).toEqual(declared);
    }
    // The flattened view holds every resource of every template but the stack resources, under the same ids.
    const flat = resourcesOf(template);
    const all = templates.flatMap(({ template: t }) => Object.entries(resourcesOf(t))).filter(([, r]) => r.Type !== 'AWS::CloudFormation::Stack');
    expect(Object.keys(flat).sort()).toEqual(all.map(([id]) => id).sort());
    for (const [id, r] of all) expect(flat[id]!.Type, id).toBe(r.Type);
    // No reference to a nested stack's parameter or output is left in it.
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/"Ref":"referenceto/);
    expect(text).not.toMatch(/"Outputs\./);
  });
});
