import { afterEach, describe, expect, it } from 'vitest';
import { startScheduler, type Scheduler } from '../../infra/local/scheduler';

/** The local EventBridge Scheduler, with jobs that record when they run. */
describe('local scheduler', () => {
  let scheduler: Scheduler | undefined;
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs a job shortly after start and then on its interval', async () => {
    // prepare
    let runs = 0;

    // act
    scheduler = startScheduler([{ id: 'tick', everyMs: 100, run: async () => void (runs += 1) }], { firstRunAfterMs: 5 });
    await sleep(50);
    const afterFirst = runs;
    await sleep(300);

    // assert
    expect(afterFirst).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('never runs two runs of one job at the same time', async () => {
    // prepare
    let running = 0;
    let mostAtOnce = 0;
    let runs = 0;
    const slow = async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(50);
      running -= 1;
      runs += 1;
    };
    scheduler = startScheduler([{ id: 'slow', everyMs: 5, run: slow }], { firstRunAfterMs: 0 });

    // act
    await Promise.all([scheduler.runJob('slow'), scheduler.runJob('slow'), sleep(120)]);

    // assert
    expect(mostAtOnce).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
  });

  it('keeps the schedule after a failed run and reports the failure', async () => {
    // prepare
    let calls = 0;
    const failures: string[] = [];
    const flaky = async () => {
      calls += 1;
      if (calls === 1) throw new Error('first run fails');
    };

    // act
    scheduler = startScheduler([{ id: 'flaky', everyMs: 20, run: flaky }], {
      firstRunAfterMs: 0,
      onError: (id, error) => failures.push(`${id}: ${(error as Error).message}`),
    });
    await sleep(100);

    // assert
    expect(failures).toEqual(['flaky: first run fails']);
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('stops by waiting for the run in progress and starting no other', async () => {
    // prepare
    let runs = 0;
    let finished = 0;
    const slow = async () => {
      runs += 1;
      await sleep(80);
      finished += 1;
    };
    const own = startScheduler([{ id: 'slow', everyMs: 10, run: slow }], { firstRunAfterMs: 0 });
    await sleep(20);

    // act
    await own.stop();
    const runsAtStop = runs;
    await sleep(100);

    // assert
    expect(runsAtStop).toBe(1);
    expect(finished).toBe(1);
    expect(runs).toBe(1);
  });

  it('runs a job on demand and rejects with its failure, or for an unknown job', async () => {
    // prepare
    scheduler = startScheduler(
      [
        { id: 'ok', everyMs: 60_000, run: async () => undefined },
        {
          id: 'bad',
          everyMs: 60_000,
          run: async () => {
            throw new Error('bad run');
          },
        },
      ],
      { firstRunAfterMs: 60_000 },
    );

    // act & assert
    await expect(scheduler.runJob('ok')).resolves.toBeUndefined();
    await expect(scheduler.runJob('bad')).rejects.toThrow('bad run');
    await expect(scheduler.runJob('nope')).rejects.toThrow(/no scheduled job "nope"/);
  });
});
