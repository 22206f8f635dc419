import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { route } from '../../functions/routes';
import { TABLES, type TableKey } from '../../functions/store/tables';
import { ApiFunction } from '../../infra/constructs/api-function';
import { cdkJsonContext, cleanUp, logicalId, repoRoot, scratchDir } from './synth';

interface TemplateWithCode {
  Resources: Record<string, { Properties: { Code: { S3Key: string } } }>;
}

afterAll(cleanUp);

// The import of units reads XLSX (exceljs) and CSV (csv-parse): the heaviest CommonJS the functions bundle.
const importUnits = route('importUnits');
/** The env vars of the tables a route declares, with made-up table names. */
const tableEnv = Object.fromEntries(
  (Object.keys(importUnits.tables) as TableKey[]).map((key) => [TABLES[key].envVar, `bundling-${TABLES[key].id}`]),
);

// Two real esbuild runs (the other tests skip bundling): a probe handler that imports the AWS SDK, and the
// importUnits handler.
let bundle = '';
let files: string[] = [];
let importUnitsBundle = '';
beforeAll(() => {
  const outdir = scratchDir('bundle');
  const app = new App({ outdir, context: cdkJsonContext() });
  const stack = new Stack(app, 'Bundle');
  const defaults = { logRetention: logs.RetentionDays.ONE_DAY, logRemovalPolicy: RemovalPolicy.DESTROY };
  const probe = new ApiFunction(stack, 'Probe', {
    entry: path.relative(path.join(repoRoot, 'functions'), path.join(repoRoot, 'test/infra/fixtures/esm-probe.ts')),
    description: 'bundling probe',
    ...defaults,
  });
  const importer = new ApiFunction(stack, 'ImportUnits', { entry: importUnits.entry, description: 'importUnits', ...defaults });
  const template = app.synth().getStackByName('Bundle').template as TemplateWithCode;
  const assetDir = (fn: ApiFunction) =>
    path.join(outdir, `asset.${template.Resources[logicalId(fn.function)]!.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
  files = readdirSync(assetDir(probe));
  bundle = existsSync(path.join(assetDir(probe), 'index.mjs')) ? readFileSync(path.join(assetDir(probe), 'index.mjs'), 'utf8') : '';
  importUnitsBundle = path.join(assetDir(importer), 'index.mjs');
}, 120_000);

/** Imports a bundle in a fresh Node.js process, as a Lambda cold start does; its exit status and stderr. */
function coldStart(file: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)});
    if (typeof m.handler !== 'function') throw new Error('no handler export');`;
  const { status, stderr } = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: path.dirname(file),
    env: { PATH: process.env.PATH, AWS_REGION: 'ap-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status, stderr };
}

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

describe('the importUnits bundle (exceljs, csv-parse)', () => {
  it('loads in a bare Node.js process with the table names its route declares', () => {
    const { status, stderr } = coldStart(importUnitsBundle, tableEnv);
    expect(stderr.split('\n').find((line) => /Error/.test(line)) ?? '').toBe('');
    expect(status).toBe(0);
  });

  it('fails to load without them, so a missing binding shows at the first call', () => {
    expect(coldStart(importUnitsBundle, {}).stderr).toContain(Object.keys(tableEnv)[0]);
  });
});
