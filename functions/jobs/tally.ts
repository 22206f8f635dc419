import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { runTally } from '../domain/evaluation/tally';
import { logger } from '../platform/logger';
import { runTallyDeps } from '../store/deps';

const deps = runTallyDeps();

/**
 * The scheduled tally. A failure is thrown, so EventBridge Scheduler retries it and, after its retries,
 * leaves the event in the dead-letter queue.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const runs = await runTally(deps);
    for (const run of runs) logger.info('tally computed', { ...run });
    return { periods: runs.length };
  });
