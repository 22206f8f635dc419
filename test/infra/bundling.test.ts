import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiFunction } from '../../infra/constructs/api-function';
import { buildStack, cdkJsonContext, cleanUp, logicalId, repoRoot } from './synth';

interface TemplateWithCode {
  Resources: Record<string, { Properties: { Code: { S3Key: string } } }>;
}

afterAll(cleanUp);

// One real esbuild run (the other tests skip bundling) of a probe handler that imports the AWS SDK.
let bundle = '';
let files: string[] = [];
beforeAll(() => {
  const outdir = buildStack().outdir.replace(/cdk\.out-/, 'bundle-');
  const app = new App({ outdir, context: cdkJsonContext() });
  const stack = new Stack(app, 'Bundle');
  const fn = new ApiFunction(stack, 'Probe', {
    entry: path.relative(path.join(repoRoot, 'functions'), path.join(repoRoot, 'test/infra/fixtures/esm-probe.ts')),
    description: 'bundling probe',
    logRetention: logs.RetentionDays.ONE_DAY,
    logRemovalPolicy: RemovalPolicy.DESTROY,
  });
  const template = app.synth().getStackByName('Bundle').template as TemplateWithCode;
  const s3Key = template.Resources[logicalId(fn.function)]!.Properties.Code.S3Key;
  const assetDir = path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
  files = readdirSync(assetDir);
  bundle = existsSync(path.join(assetDir, 'index.mjs')) ? readFileSync(path.join(assetDir, 'index.mjs'), 'utf8') : '';
}, 120_000);

describe('ApiFunction bundling', () => {
  it('emits a single ESM file, index.mjs, without a source map', () => {
    expect(files).toEqual(['index.mjs']);
  });

  it('starts with the createRequire banner, so bundled CommonJS can still require', () => {
    const banner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
    expect(bundle.slice(0, banner.length)).toBe(banner);
  });

  it('bundles the AWS SDK instead of importing the runtime copy', () => {
    // Booleans, not toMatch: a failure message must not print a 300 KB bundle.
    expect(/from\s*["']@aws-sdk\//.test(bundle), 'imports @aws-sdk at run time').toBe(false);
    expect(/import\(["']@aws-sdk\//.test(bundle), 'imports @aws-sdk at run time').toBe(false);
    // The SDK's own error text mentions `[require("@aws-sdk/signature-v4-crt");]`; only real calls count.
    expect(/(?<!\[)require\(["']@aws-sdk\//.test(bundle), 'requires @aws-sdk at run time').toBe(false);
    expect(bundle.includes('DynamoDB_20120810'), 'contains the DynamoDB client').toBe(true);
  });

  it('is minified', () => {
    const lines = bundle.split('\n').length;
    expect(lines).toBeLessThan(50);
  });
});
