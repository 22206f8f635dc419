import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Ballot } from '../domain/tally';
import { ZResponse, type Response } from '../domain/response';

/**
 * The responses table: one item per rating, written once and never updated.
 *
 * | pk                           | sk                |
 * |------------------------------|-------------------|
 * | `P#<periodId>#U#<unitId>`    | `R#<receiptId>`   |
 *
 * A partition per unit and period spreads submissions over many partitions and lets the tally read a
 * unit's ballots with one Query. The receipt id is the client's submission id, so a retried submission
 * meets its own first write: `attribute_not_exists(pk)` makes it one conditional write, and the stored
 * item comes back with the failure (no second read).
 */
export const responseKey = (periodId: string, unitId: string, receiptId: string) => ({
  pk: unitPartition(periodId, unitId),
  sk: `R#${receiptId}`,
});

const unitPartition = (periodId: string, unitId: string) => `P#${periodId}#U#${unitId}`;

/** Writes ratings and reads them back for the tally. */
export function responseStore(db: DynamoDBDocumentClient, table: string) {
  return {
    /** Stores the response unless its receipt id is taken; then returns the stored response. */
    async putResponseOnce(response: Response): Promise<{ stored: true } | { stored: false; existing: Response }> {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { ...response, ...responseKey(response.periodId, response.unitId, response.receiptId) },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { stored: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || !error.Item) throw error;
        const { pk: _pk, sk: _sk, ...fields } = unmarshall(error.Item);
        return { stored: false, existing: ZResponse.parse(fields) };
      }
    },

    /** Every ballot of one unit in one period, read page by page (only the two attributes the tally needs). */
    async *unitBallots(periodId: string, unitId: string): AsyncIterable<Ballot> {
      const pages = paginateQuery(
        { client: db, pageSize: 1_000 },
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': unitPartition(periodId, unitId) },
          ProjectionExpression: 'rating, #group',
          ExpressionAttributeNames: { '#group': 'group' },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) yield item as Ballot;
      }
    },
  };
}

export type ResponseStore = ReturnType<typeof responseStore>;
