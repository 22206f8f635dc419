import { health } from '../routes/platform';
import { httpHandler } from '../platform/http';
import { logger } from '../platform/logger';
import { jsonResult, ok } from '../platform/results';
import { TIME_BUDGET } from '../platform/time-budget';
import { VERSION } from '../platform/version';
import { createDocumentClient, tableProbe } from '../store/client';

const probeDynamoDb = tableProbe(createDocumentClient(), 'catalog');

/**
 * `GET /health`: up, without touching anything (cheap enough for any load balancer or uptime check).
 * `GET /health?deep=true`: also one read of DynamoDB with a short deadline; 503 with Retry-After when it
 * did not answer, naming the dependency but never the error, which goes to the log.
 */
export const handler = httpHandler(health, async ({ query }) => {
  if (!query.deep) return ok({ status: 'ok', version: VERSION });
  try {
    await probeDynamoDb();
  } catch (error) {
    logger.warn('health: DynamoDB did not answer', { error: error as Error });
    return jsonResult(
      503,
      { status: 'degraded', version: VERSION, dependencies: { dynamodb: 'unavailable' } },
      { 'retry-after': String(TIME_BUDGET.retryAfterSeconds) },
    );
  }
  return ok({ status: 'ok', version: VERSION, dependencies: { dynamodb: 'ok' } });
});
