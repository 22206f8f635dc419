import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ZNotification, notificationKey, type Notification } from '../../domain/notifications/notification';
import type { MailReceipt } from '../../domain/notifications/sweep';
import { cstParts } from '../../domain/time-zone';
import { TABLES } from '../tables';

/**
 * The notifications table: the outbox of the escalation ladder. One item per message, keyed so that a
 * message can be written only once (the sweeper's transaction puts each with attribute_not_exists):
 *
 * | item    | pk              | sk                                                  |
 * |---------|-----------------|-----------------------------------------------------|
 * | message | `CASE#<caseId>` | `MSG#<dueDate>#<step rank><step>#<address or none:role>` |
 *
 * Two sparse indexes (store/tables.ts): `pending` holds a message while it waits to be sent
 * (`pendingPk` = `PENDING`, `pendingSk` = `<createdAt>#<caseId>#<key>`, removed once sent or failed), so
 * the sender queries what is left rather than scanning; `byMonth` holds every message under the CST month
 * it was recorded in (`monthPk` = `M#2026-10`), newest read first, for the outbox page.
 */
const PENDING = 'PENDING';
const [PENDING_INDEX, MONTH_INDEX] = TABLES.notifications.indexes.map((index) => index.name) as [string, string];

const keyOf = (n: Pick<Notification, 'caseId' | 'dueDate' | 'step' | 'role' | 'to'>) => ({ pk: `CASE#${n.caseId}`, sk: `MSG#${notificationKey(n)}` });
const monthOf = (instant: string) => {
  const p = cstParts(instant);
  return `M#${p.year}-${p.month}`;
};

/** A message as its item: keys, and the index attributes its status puts it in. */
export function notificationItem(n: Notification): Record<string, unknown> {
  const order = `${n.createdAt}#${n.caseId}#${notificationKey(n)}`;
  return {
    ...ZNotification.parse(n),
    ...keyOf(n),
    ...(n.status === 'pending' ? { pendingPk: PENDING, pendingSk: order } : {}),
    monthPk: monthOf(n.createdAt),
    monthSk: order,
  };
}

/** The transaction element that records a message once (the sweeper's transaction holds one per message). */
export function putNotificationOnce(table: string, n: Notification) {
  return { Put: { TableName: table, Item: notificationItem(n), ConditionExpression: 'attribute_not_exists(pk)' } };
}

const parse = (item: Record<string, unknown>): Notification => {
  const { pk: _pk, sk: _sk, pendingPk: _p, pendingSk: _ps, monthPk: _m, monthSk: _ms, ...fields } = item;
  return ZNotification.parse(fields);
};

/** Whether a conditional write failed on its condition (and not otherwise). */
const conditionFailed = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** Reads the outbox, and claims, marks and releases messages as the sender goes. */
export function outboxStore(db: DynamoDBDocumentClient, table: string) {
  return {
    /** The messages waiting to be sent, oldest first. */
    async pendingNotifications(limit: number): Promise<Notification[]> {
      const found: Notification[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: table,
            IndexName: PENDING_INDEX,
            KeyConditionExpression: '#k = :k',
            ExpressionAttributeNames: { '#k': 'pendingPk' },
            ExpressionAttributeValues: { ':k': PENDING },
            Limit: Math.min(100, limit - found.length),
            ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) found.push(parse(item));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey && found.length < limit);
      return found;
    },

    /** Every message of a case, in deadline and ladder order. */
    async caseNotifications(caseId: string): Promise<Notification[]> {
      const found: Notification[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':prefix': 'MSG#' },
            ConsistentRead: true,
            ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) found.push(parse(item));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return found;
    },

    /** The messages recorded in a CST month (`2026-10`), newest first, at most `limit`. */
    async monthNotifications(month: string, limit: number): Promise<Notification[]> {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: MONTH_INDEX,
          KeyConditionExpression: '#k = :k',
          ExpressionAttributeNames: { '#k': 'monthPk' },
          ExpressionAttributeValues: { ':k': `M#${month}` },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (Items ?? []).map(parse);
    },

    /** Holds a pending message for one sender until `until`: only if no other sender's hold is still running. */
    async claim(n: Notification, token: string, until: string, now: string): Promise<boolean> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(n),
            UpdateExpression: 'SET claim = :claim',
            ConditionExpression: 'pendingPk = :pending AND (attribute_not_exists(claim) OR claim.#until < :now)',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':claim': { token, until }, ':pending': PENDING, ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },

    /** Marks a message this sender holds as sent, and takes it out of the pending index. */
    async markSent(n: Notification, token: string, receipt: MailReceipt, at: string): Promise<void> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(n),
            UpdateExpression: `SET #status = :sent, sentAt = :at, via = :via, attempts = attempts + :one${receipt.via === 'ses' ? ', messageId = :id' : ''} REMOVE pendingPk, pendingSk, claim`,
            ConditionExpression: 'claim.#token = :token',
            ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
            ExpressionAttributeValues: {
              ':sent': 'sent',
              ':at': at,
              ':via': receipt.via,
              ':one': 1,
              ':token': token,
              ...(receipt.via === 'ses' ? { ':id': receipt.messageId } : {}),
            },
          }),
        );
      } catch (error) {
        // The claim ran out and another sender holds the message: it was sent, and that sender marks it.
        if (!conditionFailed(error)) throw error;
      }
    },

    /** Lets go of a message this sender could not send: one attempt more, and `failed` (out of the pending index) after the last. */
    async release(n: Notification, token: string, errorName: string, failed: boolean): Promise<void> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(n),
            UpdateExpression: failed
              ? 'SET attempts = attempts + :one, lastError = :error, #status = :failed REMOVE claim, pendingPk, pendingSk'
              : 'SET attempts = attempts + :one, lastError = :error REMOVE claim',
            ConditionExpression: 'claim.#token = :token',
            ExpressionAttributeNames: { '#token': 'token', ...(failed ? { '#status': 'status' } : {}) },
            ExpressionAttributeValues: { ':one': 1, ':error': errorName.slice(0, 100), ':token': token, ...(failed ? { ':failed': 'failed' } : {}) },
          }),
        );
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    },
  };
}
