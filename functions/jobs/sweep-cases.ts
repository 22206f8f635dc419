import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { deliverNotifications, sweepEscalations } from '../domain/notifications/sweep';
import { sweepLedgerEscalations } from '../domain/ledger/escalation';
import { logger } from '../platform/logger';
import { invocationMetrics } from '../platform/metrics';
import { traceInvocation } from '../platform/tracer';
import { sweepCasesJob } from '../routes/notifications';
import { ledgerSweepDeps, sweepDeps } from '../store/deps';

const deps = sweepDeps();
const ledgerDeps = ledgerSweepDeps();

/** Some messages of the outbox could not be sent this run: they stay pending and the next run tries again. */
export class NotificationsUnsentError extends Error {
  constructor(readonly unsent: number) {
    super(`${unsent} notification(s) could not be sent; they stay in the outbox for the next run`);
    this.name = 'NotificationsUnsentError';
  }
}

/**
 * The escalation sweeper: moves late cases up the ladder, recording their messages in the outbox
 * (sweepEscalations), then sends the outbox's pending messages (deliverNotifications). Logs counts only,
 * never an address or a case's text. A message the mail service did not take makes the run fail after
 * everything else is done, so the failure is seen (Lambda's retries, the dead-letter queue) and never
 * reported as success; the message stays pending and is sent by a later run.
 */
export const handler = middy()
  .use(traceInvocation(sweepCasesJob.id))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(invocationMetrics(sweepCasesJob.id))
  .handler(async () => {
    const sweep = await sweepEscalations(deps);
    logger.info('escalation sweep', { ...sweep });
    const ledgerSweep = await sweepLedgerEscalations(ledgerDeps);
    logger.info('ledger escalation sweep', { ...ledgerSweep });
    const delivery = await deliverNotifications(deps);
    logger.info('notifications delivered', { ...delivery });
    if (delivery.failed > 0) logger.error('notifications given up after their last attempt', { failed: delivery.failed });
    if (delivery.unsent > 0) throw new NotificationsUnsentError(delivery.unsent);
    return { escalated: sweep.escalated, sent: delivery.sent };
  });
