import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ZExportJob, type ExportJob } from '../../domain/evaluation/export-job';
import { fromItem, itemsOf } from '../items';

/**
 * Export jobs (domain/evaluation/export-job.ts) in the tallies table, in a partition of their own per period:
 *
 * | item           | pk             | sk            |
 * |----------------|----------------|---------------|
 * | an export job  | `E#<periodId>` | `X#<exportId>`|
 *
 * A new job is an INSERT on the table's stream, which the export function's mapping passes (sort key `X#`,
 * routes/evaluation.ts `runResponseExports`); the audit chain's filter (`S#`) and the tallies' own reads
 * (`P#`, `C#`, `A#` partitions) never see it. Jobs are kept: who exported what, when.
 */
export const EXPORT_JOB_PREFIX = 'X#';
const jobKey = (periodId: string, exportId: string) => ({ pk: `E#${periodId}`, sk: `${EXPORT_JOB_PREFIX}${exportId}` });

export function exportJobStore(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);
  return {
    createExportJob: (job: ExportJob) => items.create(jobKey(job.periodId, job.exportId), ZExportJob.parse(job), job.exportId),

    /** Read strongly consistent: a page asking right after the run ended sees it. */
    async getExportJob(periodId: string, exportId: string): Promise<ExportJob | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: jobKey(periodId, exportId), ConsistentRead: true }));
      return fromItem(ZExportJob, Item);
    },

    /** One conditional update: queued, or running since before `staleBefore`, becomes running from `startedAt`. */
    async claimExportJob(job: ExportJob, startedAt: string, staleBefore: string): Promise<ExportJob | undefined> {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: table,
            Key: jobKey(job.periodId, job.exportId),
            UpdateExpression: 'SET #state = :running, startedAt = :startedAt ADD runs :one',
            ConditionExpression: '#state = :queued OR (#state = :running AND startedAt < :staleBefore)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':startedAt': startedAt, ':staleBefore': staleBefore, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return fromItem(ZExportJob, Attributes);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },

    /** Replaces the job with its end, if it is still the run's: running, claimed at `job.startedAt`. */
    async finishExportJob(job: ExportJob): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { ...ZExportJob.parse(job), ...jobKey(job.periodId, job.exportId) },
            ConditionExpression: '#state = :running AND startedAt = :startedAt',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':running': 'running', ':startedAt': job.startedAt ?? '' },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
