/**
 * The local EventBridge Scheduler: runs each scheduled job every so often, the first time shortly after
 * start. Runs of one job never overlap (a tick that finds the job busy is skipped); a failed run is logged
 * and the schedule goes on, as a failed invocation on AWS is retried by the next rate tick.
 */

export interface ScheduledRun {
  id: string;
  /** Time between the end of one scheduled run and the start of the next. */
  everyMs: number;
  run(): Promise<void>;
}

export interface Scheduler {
  /** Runs the job now, after any run of it in progress, and rejects if this run fails. */
  runJob(id: string): Promise<void>;
  /** Stops scheduling and waits for runs in progress. */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  /** Delay before each job's first scheduled run. */
  firstRunAfterMs?: number;
  /** Where failures and (unless quiet) run times are reported. */
  log?: (line: string) => void;
  onError?: (id: string, error: unknown) => void;
}

/** Starts the schedule of `jobs`. */
export function startScheduler(jobs: readonly ScheduledRun[], options: SchedulerOptions = {}): Scheduler {
  const firstRunAfterMs = options.firstRunAfterMs ?? 2_000;
  const onError =
    options.onError ?? ((id, error) => console.error(`scheduler: job ${id} failed: ${(error as Error).stack ?? String(error)}`));
  let stopped = false;

  const states = new Map(
    jobs.map((job) => [job.id, { job, queue: Promise.resolve(), busy: 0, timer: undefined as NodeJS.Timeout | undefined }]),
  );

  /** Appends one run of the job to its queue, so runs happen one after the other. */
  const enqueue = (id: string): Promise<void> => {
    const state = states.get(id);
    if (!state) return Promise.reject(new Error(`no scheduled job "${id}" (jobs: ${[...states.keys()].join(', ')})`));
    state.busy += 1;
    const run = state.queue.then(async () => {
      const started = performance.now();
      try {
        await state.job.run();
        options.log?.(`job ${id} ran in ${Math.round(performance.now() - started)}ms`);
      } finally {
        state.busy -= 1;
      }
    });
    state.queue = run.catch(() => undefined);
    return run;
  };

  const schedule = (id: string, delayMs: number) => {
    const state = states.get(id);
    if (!state || stopped) return;
    state.timer = setTimeout(async () => {
      if (state.busy === 0) await enqueue(id).catch((error: unknown) => onError(id, error));
      schedule(id, state.job.everyMs);
    }, delayMs);
    state.timer.unref();
  };

  for (const job of jobs) schedule(job.id, Math.min(firstRunAfterMs, job.everyMs));

  return {
    runJob: (id) => enqueue(id),
    async stop() {
      stopped = true;
      for (const state of states.values()) clearTimeout(state.timer);
      await Promise.all([...states.values()].map((s) => s.queue));
    },
  };
}
