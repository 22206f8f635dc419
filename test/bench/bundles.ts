import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ApiFunction, BUNDLE_ENTRY_FILE } from '../../infra/constructs/api-function';
import { PingyiStack } from '../../infra/stacks/pingyi-stack';
import { buildWeb } from '../../web/build';

export interface Bundle {
  /** The construct path below the stack, e.g. `Api/SubmitResponse`. */
  name: string;
  dir: string;
  /** The file Lambda imports (index.mjs). */
  file: string;
  /** The bytes a cold start without tracing reads: index.mjs and every chunk it imports statically, transitively. */
  bytes: number;
  /** The same with tracing on: also the X-Ray chunk (functions/platform/xray.ts) and what it imports. */
  tracedBytes: number;
  /** Every file of the bundle, including what loads only on some path (the Secrets Manager client at a token ...). */
  allBytes: number;
}

/**
 * The chunk esbuild makes of functions/platform/xray.ts, which tracer.ts imports only where tracing is on: it is
 * named after the module (`xray-<hash>.mjs`).
 */
const TRACER_CHUNK = /^xray-\w+\.mjs$/;

// esbuild imports a chunk as `import{a as b}from"./chunk-X.mjs"` or `import"./chunk-X.mjs"`; `import("./x.mjs")`
// is a dynamic import, loaded only when that line runs.
const STATIC_CHUNK_IMPORT = /\bfrom\s*["']\.\/([^"']+\.mjs)["']|\bimport\s*["']\.\/([^"']+\.mjs)["']/g;

/** The files of a bundle that importing `file` reads before any of its code runs: itself and its static imports. */
export function staticImportClosure(dir: string, file: string, into = new Set<string>()): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  for (const match of readFileSync(path.join(dir, file), 'utf8').matchAll(STATIC_CHUNK_IMPORT)) {
    staticImportClosure(dir, (match[1] ?? match[2])!, into);
  }
  return into;
}

/** A bundle's file set and sizes, as `Bundle` describes them. */
export function measureBundle(name: string, dir: string): Bundle {
  const size = (files: Iterable<string>) => [...files].reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
  const cold = staticImportClosure(dir, BUNDLE_ENTRY_FILE);
  const tracerChunk = readdirSync(dir).find((f) => TRACER_CHUNK.test(f));
  const traced = tracerChunk ? staticImportClosure(dir, tracerChunk, new Set(cold)) : cold;
  return {
    name,
    dir,
    file: path.join(dir, BUNDLE_ENTRY_FILE),
    bytes: size(cold),
    tracedBytes: size(traced),
    allBytes: size(readdirSync(dir).filter((f) => f.endsWith('.mjs'))),
  };
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

  // A stack's functions are in its template and in those of its nested stacks (the routes of each context:
  // infra/constructs/http-api.ts), which CDK writes beside it as `<stack…>.nested.template.json`.
  const templatesOf = (stackName: string) => [
    assembly.getStackByName(stackName).templateFullPath,
    ...readdirSync(outdir)
      .filter((file) => file.startsWith(stackName) && file.endsWith('.nested.template.json'))
      .map((file) => path.join(outdir, file)),
  ];
  const bundlesOf = (stackName: string): Bundle[] => {
    const resources = templatesOf(stackName).flatMap((file) =>
      Object.values((JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> }).Resources),
    );
    return resources
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path'])
      .map((r) => {
        const dir = path.join(outdir, r.Metadata!['aws:asset:path']!);
        if (!readdirSync(dir).includes(BUNDLE_ENTRY_FILE)) return undefined;
        return measureBundle(r.Metadata!['aws:cdk:path']!.split('/').slice(1, -2).join('/'), dir);
      })
      .filter((b): b is Bundle => b !== undefined);
  };

  const floor = bundlesOf('Floor')[0];
  if (!floor) throw new Error('the floor function was not bundled');
  return { functions: bundlesOf('Bench').filter((b) => !b.name.includes('Deployment')), floor };
}
