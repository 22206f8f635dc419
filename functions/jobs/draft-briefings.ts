import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { draftDueBriefings } from '../domain/briefings/workflow';
import { logger } from '../platform/logger';
import { invocationMetrics } from '../platform/metrics';
import { traceInvocation } from '../platform/tracer';
import { draftBriefingsJob } from '../routes/briefings';
import { briefingDeps } from '../store/deps';

const deps = briefingDeps();

/**
 * The scheduled drafting of the weekly briefing and the monthly report (domain/briefings/workflow.ts
 * draftDueBriefings): last week's and last month's windows, each drafted once. Logs each window's outcome
 * (ids and counts only). A failure is thrown, so EventBridge Scheduler retries it; the next day's run
 * drafts whatever is still missing.
 */
export const handler = middy()
  .use(traceInvocation(draftBriefingsJob.id))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(invocationMetrics(draftBriefingsJob.id))
  .handler(async () => {
    const runs = await draftDueBriefings(deps);
    for (const run of runs) logger.info('briefing window', { ...run });
    return { drafted: runs.filter((r) => r.outcome === 'drafted' || r.outcome === 'refreshed').length };
  });
