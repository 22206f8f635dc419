import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { runTally } from '../domain/evaluation/tally';
import { logger } from '../platform/logger';
import { METRIC } from '../platform/metric-names';
import { count, invocationMetrics } from '../platform/metrics';
import { traceInvocation } from '../platform/tracer';
import { tallyJob } from '../routes/evaluation';
import { runTallyDeps } from '../store/deps';

const deps = runTallyDeps();

/**
 * The scheduled tally. A failure is thrown, so EventBridge Scheduler retries it and, after its retries,
 * leaves the event in the dead-letter queue. Each run counts the periods it recomputed, the responses it
 * counted and excluded, and the flagged ballots awaiting review (metric-names.ts).
 */
export const handler = middy()
  .use(traceInvocation(tallyJob.id))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(invocationMetrics(tallyJob.id))
  .handler(async () => {
    const runs = await runTally(deps);
    let excluded = 0;
    for (const run of runs) {
      logger.info('tally computed', { ...run });
      excluded += Object.values(run.excluded).reduce((sum, n) => sum + (n ?? 0), 0);
    }
    count(METRIC.tallyPeriods, runs.length);
    count(METRIC.tallyResponsesCounted, runs.reduce((sum, run) => sum + run.ballots, 0) - excluded);
    count(METRIC.tallyResponsesExcluded, excluded);
    count(METRIC.tallyFlaggedPending, runs.reduce((sum, run) => sum + (run.flaggedPending ?? 0), 0));
    return { periods: runs.length };
  });
