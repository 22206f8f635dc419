import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { ApiFirewallStack } from '../../infra/stacks/api-firewall-stack';
import { addPingyiDeployment } from '../../infra/stacks/deployment';
import { PingyiStack, type PingyiStackProps } from '../../infra/stacks/pingyi-stack';

/**
 * Builds Pingyi stacks for assertions the way `cdk synth` would — with cdk.json's feature flags —
 * except that functions are not bundled (the `aws:cdk:bundling-stacks` context), so the tests neither
 * need the handlers to exist nor spend seconds in esbuild. Every temporary file goes under the
 * git-ignored .tmp/ of the repo.
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const scratch = path.join(repoRoot, '.tmp', 'infra-tests');
mkdirSync(scratch, { recursive: true });
const workDir = mkdtempSync(path.join(scratch, `${process.pid}-`));
// os.tmpdir() reads TMPDIR on every call: CDK's temporary asset folders (Source.jsonData) land here too.
process.env.TMPDIR = workDir;

/** A fresh folder under this test process's temporary folder (removed by cleanUp). */
export function scratchDir(prefix: string): string {
  return mkdtempSync(path.join(workDir, `${prefix}-`));
}

/** The feature flags and settings of cdk.json, so tests see the template a real synth produces. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** A stand-in for web/build.ts output: a page and a content-hashed script under assets/. */
function fakePages(): string {
  const dir = path.join(workDir, 'pages');
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Pingyi</title><script type="module" src="assets/index-ABC123.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'index-ABC123.js'), 'export {};');
  return dir;
}

/** A parsed piece of a CloudFormation template (CDK's own loose JSON type, so tests can drill in). */
export type Json = ReturnType<Template['toJSON']>;

export interface Synthesized {
  app: App;
  stack: PingyiStack;
  template: Template;
  /** The us-east-1 stack with the API's web ACL (aws profile). */
  firewall?: ApiFirewallStack;
  /** The cloud assembly folder of this synth. */
  outdir: string;
}

const cache = new Map<string, Synthesized>();

/** A synthesized PingyiStack for a stage; one per stage and props per test file. */
export function synth(stage = 'dev', props: Partial<PingyiStackProps> = {}, context: Record<string, unknown> = {}): Synthesized {
  const key = JSON.stringify({ stage, props, context });
  const cached = cache.get(key);
  if (cached) return cached;
  const { app, stack, firewall, outdir } = buildStack(stage, props, context);
  const result = { app, stack, firewall, template: Template.fromStack(stack), outdir };
  cache.set(key, result);
  return result;
}

/**
 * A fresh, not yet synthesized app with one stage, as infra/app.ts makes it (minus bundling): the deployment
 * comes from `context` (`profile`, `region`, `oidc…`), the CLI's defaults are never read. `props` replaces
 * the stage's stack by one built directly with them (the aws profile without its API edge).
 */
export function buildStack(stage = 'dev', props: Partial<PingyiStackProps> = {}, context: Record<string, unknown> = {}) {
  const outdir = scratchDir('cdk.out');
  const app = new App({ outdir, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
  if (Object.keys(props).length > 0) {
    const stack = new PingyiStack(app, `Pingyi-${stage}`, { stage, pagesDir: fakePages(), ...props });
    return { app, stack, firewall: undefined, outdir };
  }
  const { stack, firewall } = addPingyiDeployment(app, { stage, pagesDir: fakePages(), defaults: {} });
  return { app, stack, firewall, outdir };
}

/** The CloudFormation logical id of a construct's resource (its default child, or itself). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

/** Removes this test process's temporary files; call from afterAll. */
export function cleanUp(): void {
  cache.clear();
  rmSync(workDir, { recursive: true, force: true });
}

/**
 * Every statement a role's policies hold: its inline policies (InlinePolicyRole keeps its grants there) and
 * any AWS::IAM::Policy attached to it.
 */
export function roleStatements(template: Template, roleLogicalId: string): Json[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
  const role = resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role of the template`);
  const inline = ((role.Properties.Policies ?? []) as Json[]).flatMap((policy) => policy.PolicyDocument.Statement as Json[]);
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[]);
  return [...inline, ...attached];
}
