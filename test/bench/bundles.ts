import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ApiFunction } from '../../infra/constructs/api-function';
import { PingyiStack } from '../../infra/stacks/pingyi-stack';
import { buildWeb } from '../../web/build';

export interface Bundle {
  /** The construct path below the stack, e.g. `Api/SubmitResponse`. */
  name: string;
  dir: string;
  /** The bundle file itself (index.mjs). */
  file: string;
  bytes: number;
}

/**
 * Synthesizes the real stack (so every function is bundled exactly as `cdk deploy` bundles it) and a
 * one-function stack holding the floor (only @aws-sdk/client-dynamodb, same ApiFunction defaults),
 * and returns each bundle with its size.
 */
export async function synthBundles(): Promise<{ functions: Bundle[]; floor: Bundle }> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'pingyi-bench-cdk-'));
  const pagesDir = mkdtempSync(path.join(tmpdir(), 'pingyi-bench-pages-'));
  await buildWeb(pagesDir);

  // The CLI hands cdk.json's context (feature flags) and the metadata switches to the app; in-process
  // synth must do it itself.
  const { context } = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };
  const app = new App({
    outdir,
    context: { ...context, 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true },
  });
  new PingyiStack(app, 'Bench', { stage: 'bench', pagesDir });
  const floorStack = new Stack(app, 'Floor');
  new ApiFunction(floorStack, 'Floor', {
    entry: '../test/bench/floor.ts',
    description: 'benchmark floor',
    logRetention: logs.RetentionDays.ONE_DAY,
    logRemovalPolicy: RemovalPolicy.DESTROY,
  });
  const assembly = app.synth();

  const bundlesOf = (stackName: string): Bundle[] => {
    const template = JSON.parse(readFileSync(assembly.getStackByName(stackName).templateFullPath, 'utf8')) as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    return Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path'])
      .map((r) => {
        const dir = path.join(outdir, r.Metadata!['aws:asset:path']!);
        const file = readdirSync(dir).find((f) => /^index\.m?js$/.test(f));
        if (!file) return undefined;
        const name = r.Metadata!['aws:cdk:path']!.split('/').slice(1, -2).join('/');
        return { name, dir, file: path.join(dir, file), bytes: statSync(path.join(dir, file)).size };
      })
      .filter((b): b is Bundle => b !== undefined);
  };

  const floor = bundlesOf('Floor')[0];
  if (!floor) throw new Error('the floor function was not bundled');
  return { functions: bundlesOf('Bench').filter((b) => !b.name.includes('Deployment')), floor };
}
