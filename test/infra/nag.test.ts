import { App, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes';
import { CHINA_CONTEXT } from './profiles';
import { buildStack, cleanUp, logicalId, scratchDir, synth } from './synth';

afterAll(cleanUp);

/** cdk-nag's findings that no acknowledgement covers, as `severity rule @ path` lines. */
function unacknowledgedFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks(scope).validateScope(scope);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.severity} ${violation.ruleName} @ ${resource.constructPath}`),
  );
}

/** Every acknowledgement in the tree: rule id and reason. */
function acknowledgements(scope: IConstruct): { id: string; reason: string; path: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ id, reason, path: construct.node.path })),
      ),
  );
}

describe('cdk-nag AWS Solutions checks', () => {
  it.each(['dev', 'prod'])('leave no unacknowledged error or warning on the %s stack', (stage) => {
    const { app } = synth(stage);
    expect(unacknowledgedFindings(app)).toEqual([]);
  });

  it.each(['dev', 'prod'])('leave none on the %s stack of the China profile either', (stage) => {
    const { app } = synth(stage, {}, CHINA_CONTEXT);
    expect(unacknowledgedFindings(app)).toEqual([]);
  });

  it('let a China synth with the plugin registered pass, without a domain too', () => {
    const { app } = buildStack('dev', {}, { ...CHINA_CONTEXT, domainName: undefined, iamCertificateId: undefined });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('would report a non-compliant resource added to the stack (the check is live)', () => {
    const { app, stack } = buildStack('dev');
    new sqs.Queue(stack, 'ProbeQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const findings = unacknowledgedFindings(app);
    expect(findings).toContain('error AwsSolutions-SQS4 @ Pingyi-dev/ProbeQueue/Resource');
  });

  it("checks the routes' nested stacks as well (a route's role, function and route live there)", () => {
    const { app, stack } = buildStack('dev');
    new sqs.Queue(stack.api.routeStacks.Evaluation!, 'ProbeQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(unacknowledgedFindings(app)).toContain('error AwsSolutions-SQS4 @ Pingyi-dev/Api/EvaluationRoutes/ProbeQueue/Resource');
  });

  it('lets a synth with the plugin registered as in infra/app.ts pass', () => {
    const { app } = buildStack('prod');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('fails such a synth when an error is left unacknowledged', () => {
    const app = new App({ outdir: scratchDir('cdk.out') });
    new sqs.Queue(new Stack(app, 'Probe'), 'ProbeQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });

  it('needs no authorizer waiver where the origin check guards the public routes (aws)', () => {
    const { app } = synth('dev');
    expect(acknowledgements(app).filter((ack) => /(^|:)AwsSolutions-APIG4$/.test(ack.id))).toEqual([]);
  });

  it('waives the authorizer finding (APIG4) on exactly the public routes of routes.ts where they are open (china)', () => {
    const { app, stack, template } = synth('dev', {}, CHINA_CONTEXT);
    const routeKeyAt = new Map(
      stack.node
        .findAll()
        .filter((construct) => construct instanceof apigw.HttpRoute)
        .map((route) => [route.node.path, template.toJSON().Resources[logicalId(route)].Properties.RouteKey as string]),
    );
    const waived = acknowledgements(app)
      .filter((ack) => /(^|:)AwsSolutions-APIG4$/.test(ack.id))
      .map((ack) => routeKeyAt.get(ack.path));
    const publicKeys = routes.filter((route) => route.access === 'public').map((route) => `${route.method} ${route.path}`);
    expect(waived.sort()).toEqual(publicKeys.sort());
  });

  it('gives every acknowledgement a specific reason', () => {
    const { app } = synth('dev');
    const acks = acknowledgements(app).filter((ack) => ack.id.includes('AwsSolutions-'));
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(60);
    // Acknowledgements sit on the construct that causes them, never on the whole stack or app.
    expect(acks.filter((ack) => ack.path === 'Pingyi-dev' || ack.path === '')).toEqual([]);
  });
});
