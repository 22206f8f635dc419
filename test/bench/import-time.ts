import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { TABLES } from '../../functions/store/tables';

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

/** One cold import of a bundle file, in milliseconds. */
export function coldImportMs(file: string): number {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE, pathToFileURL(file).href], {
    env: { ...process.env, ...HANDLER_ENV },
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
 * Cold import times of `subject` and `floor`, interleaved round by round so machine noise hits both
 * alike; the ratio of the medians is the figure.
 */
export function compareColdImports(subject: string, floor: string, rounds: number) {
  const a: number[] = [];
  const b: number[] = [];
  coldImportMs(subject); // warm the OS file cache for both before measuring
  coldImportMs(floor);
  for (let i = 0; i < rounds; i++) {
    a.push(coldImportMs(subject));
    b.push(coldImportMs(floor));
  }
  return { subjectMs: median(a), floorMs: median(b), ratio: median(a) / median(b), rounds };
}
