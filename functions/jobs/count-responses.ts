import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { countDelivery, counting, type StreamedBallot } from '../domain/evaluation/counting';
import { logger } from '../platform/logger';
import { METRIC } from '../platform/metric-names';
import { count, invocationMetrics } from '../platform/metrics';
import { traceInvocation } from '../platform/tracer';
import { countResponses } from '../routes/evaluation';
import { countingDeps } from '../store/deps';
import { BALLOT_PREFIX, toBallot } from '../store/evaluation/response-store';

const deps = countingDeps();

/** The period of a ballot's partition `P#<periodId>#<shard>` (ids hold no `#`). */
const periodOf = (pk: string) => pk.split('#')[1] ?? '';

/** A stream record as a ballot, or undefined for what is not a new ballot (the ESM filter passes none). */
export function ballotOf(record: DynamoDBRecord): StreamedBallot | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  const sk = String(item.sk ?? '');
  if (!sk.startsWith(BALLOT_PREFIX)) return undefined;
  return { periodId: periodOf(String(item.pk ?? '')), ballotRef: sk.slice(BALLOT_PREFIX.length), ballot: toBallot(item) };
}

/**
 * The counting function: the responses table's stream (new images) in batches; each new ballot added to
 * its period's counters once (domain/evaluation/counting.ts). Records are counted in order; at the first
 * that fails, it and every later one are reported as failures (ReportBatchItemFailures), so the stream
 * delivers them again and nothing is skipped — those counted before it are not counted twice.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(traceInvocation(countResponses.id))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(invocationMetrics(countResponses.id))
  .handler(async (event) => {
    const { outcomes, failedAt, error } = await countDelivery(counting(deps), event.Records.map(ballotOf));
    logger.info('ballots counted', { ...outcomes, records: event.Records.length });
    count(METRIC.ballotsCounted, outcomes.counted);
    count(METRIC.ballotsCountedBefore, outcomes.countedBefore);
    if (failedAt === undefined) return { batchItemFailures: [] };
    // The error is a dependency's (no ballot content in it); the sequence number says where delivery resumes.
    logger.error('counting failed', { error, failedAt, sequenceNumber: event.Records[failedAt]?.dynamodb?.SequenceNumber });
    return { batchItemFailures: event.Records.slice(failedAt).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })) };
  });
