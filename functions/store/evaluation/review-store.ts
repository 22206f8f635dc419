import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ZAppeal, ZBatchReview, ZReviewEvent, type Appeal, type BatchReview, type ReviewEvent } from '../../domain/evaluation/review';
import { itemsOf } from '../items';

/**
 * The reviews table: appeals, reviews of flagged batches, and the events of both. One partition per
 * period; an appeal's or a batch's state is one item beside its append-only events, written together in a
 * transaction, so the tally reads the states with two Queries and the history is never rewritten.
 *
 * | item                 | pk             | sk                       |
 * |----------------------|----------------|--------------------------|
 * | an appeal            | `P#<periodId>` | `APPEAL#<appealId>`      |
 * | a batch's review     | `P#<periodId>` | `BATCH#<batchId>`        |
 * | an event             | `P#<periodId>` | `EVENT#<at>#<random>`    |
 */
const partition = (periodId: string) => `P#${periodId}`;
const appealKey = (periodId: string, appealId: string) => ({ pk: partition(periodId), sk: `APPEAL#${appealId}` });
const batchKey = (periodId: string, batchId: string) => ({ pk: partition(periodId), sk: `BATCH#${batchId}` });
const eventKey = (e: ReviewEvent) => ({ pk: partition(e.periodId), sk: `EVENT#${e.eventId}` });

/** Whether a transaction was cancelled by one of its conditions (and not by a conflict or throttling). */
const conditionFailed = (error: unknown) =>
  error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');

/** Reads and writes appeals, batch reviews and their events. */
export function reviewStore(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);

  /** Puts `state` on `condition` and appends `event`, in one transaction; false when the condition failed. */
  async function transition(
    state: { key: object; item: object; condition: string; values?: Record<string, unknown>; names?: Record<string, string> },
    event: ReviewEvent,
  ): Promise<boolean> {
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { ...state.item, ...state.key },
                ConditionExpression: state.condition,
                ...(state.values ? { ExpressionAttributeValues: state.values } : {}),
                ...(state.names ? { ExpressionAttributeNames: state.names } : {}),
              },
            },
            { Put: { TableName: table, Item: { ...ZReviewEvent.parse(event), ...eventKey(event) }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  return {
    getAppeal: (periodId: string, appealId: string): Promise<Appeal | undefined> => items.get(appealKey(periodId, appealId), ZAppeal),
    listAppeals: (periodId: string): Promise<Appeal[]> => items.query(partition(periodId), ZAppeal, 'APPEAL#'),
    createAppeal: (appeal: Appeal, event: ReviewEvent) =>
      transition({ key: appealKey(appeal.periodId, appeal.appealId), item: ZAppeal.parse(appeal), condition: 'attribute_not_exists(pk)' }, event),
    decideAppeal: (appeal: Appeal, event: ReviewEvent) =>
      transition(
        { key: appealKey(appeal.periodId, appeal.appealId), item: ZAppeal.parse(appeal), condition: '#status = :open', values: { ':open': 'open' }, names: { '#status': 'status' } },
        event,
      ),

    getBatchReview: (periodId: string, batchId: string): Promise<BatchReview | undefined> => items.get(batchKey(periodId, batchId), ZBatchReview),
    listBatchReviews: (periodId: string): Promise<BatchReview[]> => items.query(partition(periodId), ZBatchReview, 'BATCH#'),
    saveBatchReview: (review: BatchReview, event: ReviewEvent, expectedRev: number) =>
      transition(
        {
          key: batchKey(review.periodId, review.batchId),
          item: ZBatchReview.parse(review),
          ...(expectedRev === 0 ? { condition: 'attribute_not_exists(pk)' } : { condition: 'rev = :rev', values: { ':rev': expectedRev } }),
        },
        event,
      ),

    listEvents: (periodId: string): Promise<ReviewEvent[]> => items.query(partition(periodId), ZReviewEvent, 'EVENT#'),
  };
}

export type ReviewStore = ReturnType<typeof reviewStore>;
