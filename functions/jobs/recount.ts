import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { runRecount } from '../domain/evaluation/recount';
import { tallyPeriod } from '../domain/evaluation/tally';
import { logger } from '../platform/logger';
import { invocationMetrics } from '../platform/metrics';
import { reportRecounts } from '../platform/recount-report';
import { traceInvocation } from '../platform/tracer';
import { recountJob } from '../routes/evaluation';
import { createDocumentClient } from '../store/client';
import { recountDeps, runTallyDeps } from '../store/deps';

const db = createDocumentClient();
const deps = recountDeps(db);
const tallyDeps = runTallyDeps(db);

/**
 * The nightly recount (03:00 CST): every period that needs it (needsRecount in domain/evaluation/recount.ts)
 * recounted from its raw ballots and compared with the stream's counters; a repaired period's figures are
 * derived again. Each outcome is logged and counted (platform/recount-report.ts): a difference raises the
 * RecountMismatches alarm. A failure is thrown, so EventBridge Scheduler retries it and, after its retries,
 * leaves the event in the dead-letter queue; periods recounted before the failure stay recorded.
 */
export const handler = middy()
  .use(traceInvocation(recountJob.id))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(invocationMetrics(recountJob.id))
  .handler(async () => {
    const records = await runRecount(deps, (period) => tallyPeriod(tallyDeps, period));
    reportRecounts(records);
    return {
      periods: records.length,
      repaired: records.filter((r) => r.status === 'repaired').length,
      busy: records.filter((r) => r.status === 'busy').length,
    };
  });
