import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { TABLES } from '../../functions/store/tables';
import { POWERTOOLS_ENVIRONMENT } from '../../infra/constructs/api-function';

// Measured inside a fresh node process: from before import() to the module being evaluated, which is
// what a Lambda cold start spends on the bundle (init code at module scope included).
const PROBE = `
const t0 = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - t0));
`;

/** The env a handler needs at import time: its table bindings and a region. */
const HANDLER_ENV = {
  ...Object.fromEntries(Object.values(TABLES).map((t) => [t.envVar, `bench-${t.id}`])),
  AWS_REGION: 'cn-north-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

/**
 * What Lambda adds to the environment of a Pingyi function with X-Ray active tracing (CDK's
 * POWERTOOLS_ENVIRONMENT and the runtime's own variables): functions/platform/tracer.ts loads Powertools
 * Tracer and the X-Ray SDK only then, so a bundle imported without it does not pay for them.
 */
export const LAMBDA_TRACING_ENV = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  ...POWERTOOLS_ENVIRONMENT,
};

/** One cold import of a bundle file, in milliseconds. */
export function coldImportMs(file: string, env: Record<string, string> = {}): number {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE, pathToFileURL(file).href], {
    env: { ...process.env, ...HANDLER_ENV, ...env },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`import of ${file} failed: ${run.stderr}`);
  return Number(run.stdout);
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * Cold import times of `subject` (with `subjectEnv` added to its environment) and `floor`, interleaved
 * round by round so machine noise hits both alike; the ratio of the medians is the figure.
 */
export function compareColdImports(subject: string, floor: string, rounds: number, subjectEnv: Record<string, string> = {}) {
  const a: number[] = [];
  const b: number[] = [];
  coldImportMs(subject, subjectEnv); // warm the OS file cache for both before measuring
  coldImportMs(floor);
  for (let i = 0; i < rounds; i++) {
    a.push(coldImportMs(subject, subjectEnv));
    b.push(coldImportMs(floor));
  }
  return { subjectMs: median(a), floorMs: median(b), ratio: median(a) / median(b), rounds };
}
