import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { forgetPastSalts } from '../domain/evaluation/client-key';
import { logger } from '../platform/logger';
import { invocationMetrics } from '../platform/metrics';
import { traceInvocation } from '../platform/tracer';
import { daySaltsJob } from '../routes/evaluation';
import { daySaltDeps } from '../store/deps';

const deps = daySaltDeps();

/** Forgets the salts of past days (client-key.ts). A failure is thrown, so the scheduler retries it. */
export const handler = middy()
  .use(traceInvocation(daySaltsJob.id))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(invocationMetrics(daySaltsJob.id))
  .handler(async () => {
    const forgotten = await forgetPastSalts(deps);
    logger.info('day salts forgotten', { days: forgotten.length });
    return { forgotten: forgotten.length };
  });
