import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { chainAppender, type ChainOutcome } from '../domain/audit/append';
import { digestOf, type AuditEntry } from '../domain/audit/chain';
import { logger } from '../platform/logger';
import { invocationMetrics } from '../platform/metrics';
import { traceInvocation } from '../platform/tracer';
import { AUDIT_SOURCES, type AuditedTable } from '../store/audit/audit-sources';
import { auditAppendDeps } from '../store/deps';

/** A stream record of `table` as an entry of the chain, or undefined for a change the chain does not take (the mapping's filter passes none). */
export function auditEntryOf(table: AuditedTable, record: DynamoDBRecord): AuditEntry | undefined {
  const source = AUDIT_SOURCES[table];
  const image = record.dynamodb?.NewImage;
  const sequence = record.dynamodb?.SequenceNumber;
  const change = record.eventName;
  if (!image || !sequence || (change !== 'INSERT' && change !== 'MODIFY') || !(source.eventNames as readonly string[]).includes(change)) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  const sk = String(item.sk ?? '');
  if (!sk.startsWith(source.sortKeyBeginsWith)) return undefined;
  return { source: { table, pk: String(item.pk ?? ''), sk }, change, streamSequence: sequence, digest: digestOf(item) };
}

/**
 * The audit consumer of one chained table (routes/audit.ts; one module per table, jobs/audit-<table>.ts):
 * its stream's new images, in batches, each appended to the chain once, in order (domain/audit/append.ts).
 * At the first record that cannot be appended it and every later one are reported as failures
 * (ReportBatchItemFailures): the stream hands them over again, and those appended before are recognised
 * as duplicates by their source's marker, never chained twice.
 */
export function auditConsumerHandler(table: AuditedTable, consumerId: string) {
  const appender = chainAppender(auditAppendDeps());
  const { kind } = AUDIT_SOURCES[table];
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
    .use(traceInvocation(consumerId))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(invocationMetrics(consumerId))
    .handler(async (event) => {
      const outcomes: Record<ChainOutcome | 'skipped', number> = { chained: 0, duplicate: 0, skipped: 0 };
      for (const [index, record] of event.Records.entries()) {
        const entry = auditEntryOf(table, record);
        if (!entry) {
          outcomes.skipped += 1;
          continue;
        }
        try {
          outcomes[await appender.append(entry, kind)] += 1;
        } catch (error) {
          // Keys and sequence numbers only: an item's content never reaches the log.
          logger.error('audit append failed', { error, table, sequenceNumber: record.dynamodb?.SequenceNumber, ...outcomes });
          return { batchItemFailures: event.Records.slice(index).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })) };
        }
      }
      logger.info('audit records chained', { table, records: event.Records.length, ...outcomes });
      return { batchItemFailures: [] };
    });
}
