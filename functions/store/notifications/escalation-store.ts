import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Case, CaseEvent } from '../../domain/cases/case';
import type { Notification } from '../../domain/notifications/notification';
import { caseItem, eventItem } from '../cases/case-store';
import { putNotificationOnce } from './outbox-store';

/** DynamoDB's limit of items in one transaction. */
const TRANSACTION_MAX_ITEMS = 100;

/**
 * The sweeper's one write per case: the case moved up the ladder (only if still at the revision read —
 * the optimistic lock every transition of the case takes), an `escalate` event per step taken, and each
 * message recorded in the outbox (only if new) — all in one transaction across the cases and
 * notifications tables. A second sweeper that read the same case fails on the revision and writes nothing;
 * a message can never be recorded twice, whatever the case's revision says.
 */
export function escalationStore(db: DynamoDBDocumentClient, tables: { cases: string; notifications: string }) {
  async function write(next: Case, events: CaseEvent[], notifications: Notification[], expectedRev: number): Promise<void> {
    const count = 1 + events.length + notifications.length;
    // Four steps with two lists of at most DIRECTORY_MAX_ADDRESSES addresses each stay well within it.
    if (count > TRANSACTION_MAX_ITEMS) throw new Error(`an escalation of ${count} items does not fit in one transaction`);
    const isNew = 'attribute_not_exists(pk)';
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tables.cases, Item: caseItem(next), ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } } },
          ...events.map((e) => ({ Put: { TableName: tables.cases, Item: eventItem(e), ConditionExpression: isNew } })),
          ...notifications.map((n) => putNotificationOnce(tables.notifications, n)),
        ],
      }),
    );
  }

  return {
    async escalate(next: Case, events: CaseEvent[], notifications: Notification[], expectedRev: number): Promise<boolean> {
      try {
        await write(next, events, notifications, expectedRev);
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        // Lost to another writer of the case: its condition, or (on DynamoDB, not DynamoDB Local) a transaction on the same items at once.
        if (reasons[0]?.Code === 'ConditionalCheckFailed' || reasons.some((r) => r.Code === 'TransactionConflict')) return false;
        // The case was still as read, but some messages exist already: the same step to the same address for
        // the same deadline (a case reopened on the day it was received, with the same deadline, climbing
        // again). They were recorded once; the case moves on with the others only.
        const offset = 1 + events.length;
        const recorded = notifications.filter((_, i) => reasons[offset + i]?.Code === 'ConditionalCheckFailed');
        const failed = reasons.filter((r) => r.Code !== undefined && r.Code !== 'None').length;
        if (recorded.length === 0 || recorded.length !== failed) throw error;
        try {
          await write(next, events, notifications.filter((n) => !recorded.includes(n)), expectedRev);
          return true;
        } catch (retryError) {
          if (retryError instanceof TransactionCanceledException) return false;
          throw retryError;
        }
      }
    },
  };
}
