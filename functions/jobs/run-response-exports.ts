import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ZExportJob, runExport, type ExportJob } from '../domain/evaluation/export-job';
import { isDependencyFault } from '../platform/errors';
import { logger } from '../platform/logger';
import { invocationMetrics } from '../platform/metrics';
import { traceInvocation } from '../platform/tracer';
import { runResponseExports } from '../routes/evaluation';
import { exportJobDeps, responseExportDeps } from '../store/deps';
import { createDocumentClient } from '../store/client';

const db = createDocumentClient();
const deps = exportJobDeps(db, { write: responseExportDeps(db) });

/** A stream record as a new export job, or undefined (the mapping's filter passes only new jobs). */
function jobOf(record: DynamoDBRecord): ExportJob | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const { pk: _pk, sk: _sk, ...fields } = unmarshall(image as Record<string, AttributeValue>);
  const parsed = ZExportJob.safeParse(fields);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The export function: each new export job on the tallies table's stream (one per batch) claimed, written
 * and recorded done or failed (domain/evaluation/export-job.ts). A failed export is the job's to say, not
 * the batch's; only a failure to record it is reported back (`batchItemFailures`), so the stream hands the
 * job over again and a later run claims it once the stopped one is stale.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(traceInvocation(runResponseExports.id))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(invocationMetrics(runResponseExports.id))
  .handler(async (event) => {
    for (const [i, record] of event.Records.entries()) {
      const job = jobOf(record);
      if (!job) continue;
      try {
        const run = await runExport(deps, job, isDependencyFault);
        if (run.outcome === 'failed') logger.error('export failed', { exportId: job.exportId, periodId: job.periodId, failure: run.failure, error: run.error });
        else logger.info(run.outcome === 'done' ? 'export written' : 'export skipped: done, failed or running elsewhere', { exportId: job.exportId, periodId: job.periodId, ...(run.outcome === 'done' ? { rows: run.rows } : {}) });
      } catch (error) {
        logger.error('export job could not be recorded', { exportId: job.exportId, periodId: job.periodId, error });
        return { batchItemFailures: event.Records.slice(i).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })) };
      }
    }
    return { batchItemFailures: [] };
  });
