import { afterAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes';
import { CHINA_CONTEXT } from './profiles';
import { cleanUp, synth } from './synth';

afterAll(cleanUp);

/** CloudFormation refuses a template of more resources than this (TooManyResourcesInStack). */
const CLOUDFORMATION_LIMIT = 500;
/**
 * What the stack may hold before someone must think about its size again: the limit less room for the next
 * routes (a route costs a Function, a Role, an API Integration and a Route, plus a share of a group alarm). Passing it means: find the next diet measure (README "Operate"), do not raise it.
 */
const RESOURCE_BUDGET = 450;

/** The template's resources counted by type, most numerous first, for a failure that says where they went. */
function countByType(resources: Record<string, { Type: string }>): string {
  const counts = new Map<string, number>();
  for (const { Type } of Object.values(resources)) counts.set(Type, (counts.get(Type) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([type, n]) => `${n} ${type}`).join(', ');
}

describe('the stack size', () => {
  it.each([
    ['aws dev', () => synth('dev')],
    ['aws prod', () => synth('prod')],
    ['china prod', () => synth('prod', {}, CHINA_CONTEXT)],
  ] as const)(`stays within a budget of ${RESOURCE_BUDGET} resources, well under CloudFormation's ${CLOUDFORMATION_LIMIT} (%s)`, (_, build) => {
    const resources = build().template.toJSON().Resources as Record<string, { Type: string }>;
    const total = Object.keys(resources).length;
    expect(total, `${total} resources: ${countByType(resources)}`).toBeLessThanOrEqual(RESOURCE_BUDGET);
  });

  it('grows by a handful of resources per route, not by a dozen', () => {
    // Everything that exists once per route function: the function, its role, the integration and the route.
    // Log groups, invoke permissions (a role per context), policies (inline) and alarms are shared.
    const resources = synth('dev').template.toJSON().Resources as Record<string, { Type: string }>;
    const perRoute = ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Route'];
    const count = (type: string) => Object.values(resources).filter((r) => r.Type === type).length;
    expect(count('AWS::ApiGatewayV2::Route')).toBe(routes.length);
    expect(count('AWS::Logs::LogGroup'), countByType(resources)).toBeLessThan(10);
    expect(count('AWS::IAM::Policy'), countByType(resources)).toBeLessThan(10);
    expect(count('AWS::Lambda::Permission'), countByType(resources)).toBeLessThan(10);
    expect(count('AWS::CloudWatch::Alarm'), countByType(resources)).toBeLessThan(routes.length);
    for (const type of perRoute) expect(count(type), type).toBeGreaterThanOrEqual(routes.length);
  });
});
