import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  paginateQuery,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import { ConflictError } from '../domain/errors';
import { BATCH_RETRIES, UnprocessedError, backoff } from './retry';

/**
 * What every store does with items: keys beside the entity's fields (`pk`, `sk`), entities checked with
 * their domain schema when read, and writes that succeed only if the item is new or still at the revision
 * the caller read — each a single conditional write, whose failure is a domain ConflictError.
 */
export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };

/** The entity in an item, checked with its schema; undefined when there is no item. */
export function fromItem<S extends z.ZodMiniType>(schema: S, item: Item | undefined): z.output<S> | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...fields } = item;
  return schema.parse(fields);
}

/**
 * The condition of a write at the revision a caller read: the item must not exist yet (`expectedRev` 0, as
 * for settings still at their defaults) or must still be at `expectedRev`.
 */
export const onRevision = (expectedRev: number) =>
  expectedRev === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } };

/** A conditional write's failure as the conflict it means; other errors are rethrown. */
export function conflictOf(error: unknown, reason: 'alreadyExists' | 'staleRevision', params: Record<string, string | number>): never {
  const cancelled = error instanceof TransactionCanceledException && error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed');
  if (error instanceof ConditionalCheckFailedException || cancelled) throw new ConflictError(reason, params);
  throw error;
}

/** Typed item access to one table. */
export function itemsOf(db: DynamoDBDocumentClient, table: string) {
  return {
    async get<S extends z.ZodMiniType>(key: Key, schema: S): Promise<z.output<S> | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: key }));
      return fromItem(schema, Item);
    },

    /** Every item of a partition (optionally with a sort-key prefix), page by page. */
    async query<S extends z.ZodMiniType>(pk: string, schema: S, skPrefix?: string): Promise<z.output<S>[]> {
      const found: z.output<S>[] = [];
      const pages = paginateQuery(
        { client: db },
        {
          TableName: table,
          KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(skPrefix ? { ':prefix': skPrefix } : {}) },
        },
      );
      for await (const page of pages) for (const item of page.Items ?? []) found.push(fromItem(schema, item) as z.output<S>);
      return found;
    },

    /** BatchGetItem (100 keys a call) with the retries of unprocessed keys the API asks for; strongly consistent if asked. */
    async batchGet(keys: Key[], consistent = false): Promise<Item[]> {
      const found: Item[] = [];
      for (let start = 0; start < keys.length; start += 100) {
        let pending: Item[] | undefined = keys.slice(start, start + 100);
        for (let attempt = 0; pending && pending.length > 0; attempt++) {
          if (attempt > BATCH_RETRIES) throw new UnprocessedError('BatchGetItem');
          if (attempt > 0) await backoff(attempt);
          const out: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } } }));
          found.push(...(out.Responses?.[table] ?? []));
          pending = out.UnprocessedKeys?.[table]?.Keys;
        }
      }
      return found;
    },

    /** Stores a new item; ConflictError('alreadyExists') if the key is taken. */
    async create(key: Key, fields: object, id: string): Promise<void> {
      try {
        await db.send(new PutCommand({ TableName: table, Item: { ...fields, ...key }, ConditionExpression: 'attribute_not_exists(pk)' }));
      } catch (error) {
        conflictOf(error, 'alreadyExists', { id });
      }
    },

    /** Replaces an item still at revision `expectedRev`; ConflictError('staleRevision') otherwise. */
    async replace(key: Key, fields: object, expectedRev: number): Promise<void> {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { ...fields, ...key },
            ConditionExpression: 'rev = :rev',
            ExpressionAttributeValues: { ':rev': expectedRev },
          }),
        );
      } catch (error) {
        conflictOf(error, 'staleRevision', { rev: expectedRev });
      }
    },

    /** Stores a settings item new at revision 0 or still at `expectedRev` (onRevision); ConflictError('staleRevision') otherwise. */
    async save(key: Key, fields: object, expectedRev: number): Promise<void> {
      try {
        await db.send(new PutCommand({ TableName: table, Item: { ...fields, ...key }, ...onRevision(expectedRev) }));
      } catch (error) {
        conflictOf(error, 'staleRevision', { rev: expectedRev });
      }
    },
  };
}
