import fc from 'fast-check';

/**
 * How the fuzz tests run: one seed for the whole run (printed in each test's name and in every failure),
 * so that a failure replays exactly with the command it prints.
 *
 *   FUZZ_SEED=<n>   the seed (default: a fixed one, so `npm test` is repeatable)
 *   FUZZ_PATH=<p>   replay straight to a failure's shrunk counterexample (printed with it)
 *   FUZZ_RUNS=<n>   requests per operation in-process (default 1,000)
 *   FUZZ_HTTP_RUNS=<n>  generated requests per operation over HTTP (default 40)
 *   FUZZ_REPORT=1   print how each operation answered
 */
export const FUZZ = {
  seed: Number(process.env.FUZZ_SEED ?? 20_261_128),
  path: process.env.FUZZ_PATH || undefined,
  runs: Number(process.env.FUZZ_RUNS ?? 1_000),
  httpRuns: Number(process.env.FUZZ_HTTP_RUNS ?? 40),
  report: process.env.FUZZ_REPORT === '1',
} as const;

const SHRINK_LIMIT_MS = 30_000;

/** Answers by status, per operation, for the report. */
export class StatusCounts {
  private readonly counts = new Map<string, Map<number, number>>();

  add(operationId: string, status: number): void {
    const byStatus = this.counts.get(operationId) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.counts.set(operationId, byStatus);
  }

  total(operationId?: string): number {
    const maps = operationId ? [this.counts.get(operationId) ?? new Map()] : [...this.counts.values()];
    return maps.reduce((n, m) => n + [...m.values()].reduce((a, b) => a + b, 0), 0);
  }

  /** `submitResponse  1000  400×812 404×150 …` lines. */
  report(): string {
    return [...this.counts]
      .map(([op, m]) => {
        const statuses = [...m].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
        return `${op.padEnd(18)} ${String(this.total(op)).padStart(5)}  ${statuses}`;
      })
      .join('\n');
  }
}

/**
 * Runs `check` on `runs` generated values; on failure throws fast-check's report (seed, path, the shrunk
 * counterexample and its error) with the command that replays it.
 */
export async function fuzz<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
  { runs, replay }: { runs: number; replay: string },
): Promise<void> {
  const details = await fc.check(fc.asyncProperty(arbitrary, check), {
    seed: FUZZ.seed,
    numRuns: runs,
    // Bounds the shrinking of a failure (a large body shrinks slowly); the counterexample so far is reported.
    interruptAfterTimeLimit: SHRINK_LIMIT_MS,
    ...(FUZZ.path ? { path: FUZZ.path } : {}),
  });
  if (!details.failed) return;
  const path = details.counterexamplePath ?? '';
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `${fc.defaultReportMessage(details) ?? 'fuzzing failed'}\n\nwhat is wrong:\n${error}\n\nreplay: FUZZ_SEED=${details.seed} FUZZ_PATH='${path}' ${replay}`,
  );
}
