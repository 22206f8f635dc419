import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { route } from '../../functions/routes';
import { SECRETS, type SecretKey } from '../../functions/store/secrets';
import { TABLES, type TableKey } from '../../functions/store/tables';
import { ApiFunction, POWERTOOLS_ENVIRONMENT } from '../../infra/constructs/api-function';
import { staticImportClosure } from '../bench/bundles';
import { cdkJsonContext, cleanUp, logicalId, repoRoot, scratchDir } from './synth';

interface TemplateWithCode {
  Resources: Record<string, { Properties: { Code: { S3Key: string } } }>;
}

afterAll(cleanUp);

// The import of units reads XLSX (exceljs) and CSV (csv-parse): the heaviest CommonJS the functions bundle.
const importUnits = route('importUnits');
// The submit function: the one with size and cold-start budgets (issue 5), tracing and a secret.
const submitResponse = route('submitResponse');
/** The env vars of the tables (and secrets) a route declares, with made-up names. */
const bindingEnv = (r: { tables: object; secrets?: readonly SecretKey[] }) => ({
  ...Object.fromEntries((Object.keys(r.tables) as TableKey[]).map((key) => [TABLES[key].envVar, `bundling-${TABLES[key].id}`])),
  ...Object.fromEntries((r.secrets ?? []).map((key) => [SECRETS[key].envVar, `arn:aws:secretsmanager:ap-east-1:123456789012:secret:${key}`])),
});
const tableEnv = bindingEnv(importUnits);
/** What Lambda adds where tracing is on (CDK's Powertools settings, the runtime's own variables). */
const tracingEnv = { ...POWERTOOLS_ENVIRONMENT, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', AWS_LAMBDA_FUNCTION_NAME: 'bundling' };

// Three real esbuild runs (the other tests skip bundling): a probe handler that imports the AWS SDK, the
// importUnits handler and the submitResponse handler.
let files: string[] = [];
/** Every file of the probe's bundle, by name. */
let probeFiles: Record<string, string> = {};
let importUnitsBundle = '';
let submitDir = '';
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
  const submit = new ApiFunction(stack, 'SubmitResponse', { entry: submitResponse.entry, description: 'submitResponse', ...defaults });
  const template = app.synth().getStackByName('Bundle').template as TemplateWithCode;
  const assetDir = (fn: ApiFunction) =>
    path.join(outdir, `asset.${template.Resources[logicalId(fn.function)]!.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
  files = readdirSync(assetDir(probe));
  probeFiles = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(assetDir(probe), f), 'utf8')]));
  importUnitsBundle = path.join(assetDir(importer), 'index.mjs');
  submitDir = assetDir(submit);
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
  it('emits index.mjs and the ESM chunks it imports, without a source map', () => {
    expect(files).toContain('index.mjs');
    expect(files.filter((f) => !/^[\w-]+\.mjs$/.test(f))).toEqual([]);
  });

  it('starts every file with the createRequire banner, so bundled CommonJS can still require in any chunk', () => {
    const banner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
    for (const [file, text] of Object.entries(probeFiles)) expect(text.slice(0, banner.length), file).toBe(banner);
  });

  it('bundles the AWS SDK instead of importing the runtime copy', () => {
    const bundle = Object.values(probeFiles).join('\n');
    // Booleans, not toMatch: a failure message must not print a 300 KB bundle.
    expect(/from\s*["']@aws-sdk\//.test(bundle), 'imports @aws-sdk at run time').toBe(false);
    expect(/import\(["']@aws-sdk\//.test(bundle), 'imports @aws-sdk at run time').toBe(false);
    // The SDK's own error text mentions `[require("@aws-sdk/signature-v4-crt");]`; only real calls count.
    expect(/(?<!\[)require\(["']@aws-sdk\//.test(bundle), 'requires @aws-sdk at run time').toBe(false);
    expect(probeFiles['index.mjs']?.includes('DynamoDB_20120810'), 'contains the DynamoDB client').toBe(true);
  });

  it('is minified', () => {
    for (const [file, text] of Object.entries(probeFiles)) expect(text.split('\n').length, file).toBeLessThan(50);
  });
});

describe('the submitResponse bundle, split at dynamic imports', () => {
  // A string only the X-Ray SDK holds, and one only the Secrets Manager client holds.
  const XRAY_SDK = 'AWS_XRAY_DAEMON_ADDRESS';
  const SECRETS_CLIENT = 'GetSecretValue';
  const read = (dir: string, names: Iterable<string>) => [...names].map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');

  it('reads neither the X-Ray SDK nor the Secrets Manager client at a cold start, though both are in the bundle', () => {
    const coldStart = read(submitDir, staticImportClosure(submitDir, 'index.mjs'));
    const everything = read(submitDir, readdirSync(submitDir));

    expect(coldStart.includes(XRAY_SDK), 'X-Ray SDK read at a cold start').toBe(false);
    expect(coldStart.includes(SECRETS_CLIENT), 'Secrets Manager client read at a cold start').toBe(false);
    expect(everything.includes(XRAY_SDK), 'X-Ray SDK in the bundle').toBe(true);
    expect(everything.includes(SECRETS_CLIENT), 'Secrets Manager client in the bundle').toBe(true);
  });

  it('loads with tracing on and with tracing off', () => {
    const env = bindingEnv(submitResponse);
    for (const extra of [{}, tracingEnv]) {
      const { status, stderr } = coldStart(path.join(submitDir, 'index.mjs'), { ...env, ...extra });
      expect(stderr.split('\n').find((line) => /Error/.test(line)) ?? '').toBe('');
      expect(status).toBe(0);
    }
  });

  it('imports its X-Ray chunk only where tracing is on', () => {
    // prepare: the bundle without the chunk made of functions/platform/xray.ts
    const dir = scratchDir('submit-without-xray');
    cpSync(submitDir, dir, { recursive: true });
    const xrayChunk = readdirSync(dir).find((f) => /^xray-\w+\.mjs$/.test(f));
    expect(xrayChunk, readdirSync(dir).join(' ')).toBeDefined();
    rmSync(path.join(dir, xrayChunk!));
    const env = bindingEnv(submitResponse);

    // act
    const untraced = coldStart(path.join(dir, 'index.mjs'), env);
    const traced = coldStart(path.join(dir, 'index.mjs'), { ...env, ...tracingEnv });

    // assert
    expect(untraced.status, untraced.stderr).toBe(0);
    expect(traced.status).not.toBe(0);
    expect(traced.stderr).toContain(xrayChunk);
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
