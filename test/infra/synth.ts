import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
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
  /**
   * The deployment as one template (`flatten`): the parent's resources and every nested stack's, as if the
   * route stacks were not split off, so assertions read a role's grants on the parent's table directly.
   */
  template: Template;
  /** Each template CloudFormation deploys on its own: the parent first, then its nested stacks (`stackTemplates`). */
  templates: StackTemplate[];
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
  const result = { app, stack, firewall, template: Template.fromJSON(flatten(stack)), templates: stackTemplates(stack), outdir };
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

/** One template as CloudFormation deploys it: a stack's own resources, parameters and outputs. */
export interface StackTemplate {
  stack: Stack;
  template: Template;
}

/** The stacks nested directly in `stack` (their AWS::CloudFormation::Stack resources are in its template). */
export function nestedStacksOf(stack: Stack): NestedStack[] {
  return stack.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c) && c.nestedStackParent === stack);
}

/** `stack`'s template and those of every stack nested in it, depth first. */
export function stackTemplates(stack: Stack): StackTemplate[] {
  return [{ stack, template: Template.fromStack(stack) }, ...nestedStacksOf(stack).flatMap(stackTemplates)];
}

/** Replaces every `{ Ref: name }` of `replacements` in `value` by what it maps to. */
function substituteRefs(value: unknown, replacements: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => substituteRefs(item, replacements));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === 'Ref' && typeof entries[0]![1] === 'string' && entries[0]![1] in replacements) {
    return replacements[entries[0]![1]];
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, substituteRefs(item, replacements)]));
}

/** Replaces every `{ 'Fn::GetAtt': [stack resource, 'Outputs.<name>'] }` in `value` by that output's value. */
function substituteOutputs(value: unknown, outputs: Map<string, Record<string, Json>>): unknown {
  if (Array.isArray(value)) return value.map((item) => substituteOutputs(item, outputs));
  if (value === null || typeof value !== 'object') return value;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Object.keys(value).length === 1 && Array.isArray(getAtt) && outputs.has(getAtt[0] as string)) {
    const [resource, attribute] = getAtt as [string, string];
    const name = attribute.replace(/^Outputs\./, '');
    const output = outputs.get(resource)![name];
    if (!output) throw new Error(`${resource} has no output ${name}`);
    return substituteOutputs(output.Value, outputs);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteOutputs(item, outputs)]));
}

/**
 * `stack`'s template with the resources of every stack nested in it merged in, as one template: each nested
 * template's parameters replaced by the values its AWS::CloudFormation::Stack resource passes them, the
 * parent's reads of a nested stack's outputs by the outputs' values, and the stack resources dropped (with
 * any DependsOn on them). Throws where a parameter is not supplied or two stacks use one logical id, which
 * a deployment would not survive either.
 */
export function flatten(stack: Stack): Json {
  const template = Template.fromStack(stack).toJSON() as Json;
  const resources: Record<string, Json> = { ...template.Resources };
  const outputs = new Map<string, Record<string, Json>>();
  for (const nested of nestedStacksOf(stack)) {
    const stackResource = logicalId(nested.nestedStackResource!);
    const passed = (resources[stackResource]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const child = flatten(nested);
    const missing = Object.keys(child.Parameters ?? {}).filter((name) => !(name in passed) && child.Parameters[name].Default === undefined);
    if (missing.length > 0) throw new Error(`${nested.node.path}: parameters ${missing.join(', ')} are not supplied by ${stackResource}`);
    const substituted = substituteRefs({ Resources: child.Resources, Outputs: child.Outputs ?? {} }, passed) as Json;
    for (const [id, resource] of Object.entries(substituted.Resources as Record<string, Json>)) {
      if (id in resources) throw new Error(`${nested.node.path}: logical id ${id} is in two templates`);
      resources[id] = resource;
    }
    outputs.set(stackResource, substituted.Outputs);
    delete resources[stackResource];
  }
  for (const resource of Object.values(resources)) {
    if (resource.DependsOn === undefined) continue;
    const dependsOn = ([] as string[]).concat(resource.DependsOn).filter((id) => !outputs.has(id));
    if (dependsOn.length === 0) delete resource.DependsOn;
    else resource.DependsOn = dependsOn;
  }
  const { Resources: flatResources, Outputs: flatOutputs } = substituteOutputs({ Resources: resources, Outputs: template.Outputs ?? {} }, outputs) as Json;
  return { ...template, Resources: flatResources, ...(template.Outputs ? { Outputs: flatOutputs } : {}) };
}
