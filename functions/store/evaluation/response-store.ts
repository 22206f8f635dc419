import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ZResponse, type Response } from '../../domain/evaluation/response';
import type { StoredBallot } from '../../domain/evaluation/tally';

/**
 * The responses table: one item per submission — however many units it rates — written once and never
 * updated.
 *
 * | pk                          | sk                  |
 * |-----------------------------|---------------------|
 * | `P#<periodId>#<shard>`      | `S#<submissionId>`  |
 *
 * The key depends on the submission id alone (the shard is its last hex digit), never on what it rates:
 * a retried submission meets its own first write whichever units it names, so `attribute_not_exists(pk)`
 * makes it one conditional write, and the stored item comes back with the failure (no second read).
 * Sixteen shards per period spread a busy evaluation's writes over partitions; the tally reads a period
 * with one Query per shard.
 */
export const SHARDS = 16;

const shardOf = (submissionId: string) => Number.parseInt(submissionId.slice(-1), 16) % SHARDS || 0;
const partition = (periodId: string, shard: number) => `P#${periodId}#${shard.toString(16)}`;

export const responseKey = (periodId: string, submissionId: string) => ({
  pk: partition(periodId, shardOf(submissionId)),
  sk: `S#${submissionId}`,
});

const strip = ({ pk: _pk, sk: _sk, ...fields }: Record<string, unknown>) => fields;

/** A stored item as a ballot, or as unreadable (naming the units it seems to rate, so they show the exclusion). */
function toBallot(item: Record<string, unknown>): StoredBallot {
  const parsed = ZResponse.safeParse(strip(item));
  if (parsed.success) return { ok: true, response: parsed.data };
  const units = item.units;
  return { ok: false, unitIds: units && typeof units === 'object' && !Array.isArray(units) ? Object.keys(units) : [] };
}

/** Writes responses and reads them back for the tally. */
export function responseStore(db: DynamoDBDocumentClient, table: string) {
  return {
    /** Stores the response unless its submission id is taken; then returns the stored response. */
    async putResponseOnce(response: Response): Promise<{ stored: true } | { stored: false; existing: Response }> {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { ...response, ...responseKey(response.periodId, response.submissionId) },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { stored: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || !error.Item) throw error;
        return { stored: false, existing: ZResponse.parse(strip(unmarshall(error.Item))) };
      }
    },

    /** Every stored ballot of a period, shard by shard, page by page. */
    async *periodBallots(periodId: string): AsyncIterable<StoredBallot> {
      for (let shard = 0; shard < SHARDS; shard++) {
        const pages = paginateQuery(
          { client: db, pageSize: 1_000 },
          {
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': partition(periodId, shard) },
          },
        );
        for await (const page of pages) for (const item of page.Items ?? []) yield toBallot(item);
      }
    },
  };
}

export type ResponseStore = ReturnType<typeof responseStore>;
