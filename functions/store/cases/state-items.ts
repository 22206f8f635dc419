import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import type { TransitionGuard } from '../../domain/cases/ports';
import { fromItem, type Item } from '../items';
import { TABLES } from '../tables';

/**
 * What the case store and the ledger store do alike with the state items they keep in the cases table (a
 * complaint's `STATE`, a ledger item's `LEDGER`): list them from one partition of an index, and replace one
 * in a transition only on the revision read (and, for a unit handler, while it is still with their unit).
 */

export type CaseIndex = (typeof TABLES.cases.indexes)[number];

/** The cases table's indexes by name. */
export const CASE_INDEX = Object.fromEntries(TABLES.cases.indexes.map((i) => [i.name, i])) as Record<CaseIndex['name'], CaseIndex>;

/** Every state item in one partition of an index, checked with `schema`; `before` narrows to sort keys below it. */
export async function queryStateItems<S extends z.ZodMiniType>(db: DynamoDBDocumentClient, table: string, schema: S, index: CaseIndex, keyValue: string, before?: string): Promise<z.output<S>[]> {
  const found: z.output<S>[] = [];
  const pages = paginateQuery(
    { client: db },
    {
      TableName: table,
      IndexName: index.name,
      KeyConditionExpression: `#k = :k${before !== undefined ? ' AND #s < :before' : ''}`,
      ExpressionAttributeNames: { '#k': index.partitionKey, ...(before !== undefined ? { '#s': index.sortKey } : {}) },
      ExpressionAttributeValues: { ':k': keyValue, ...(before !== undefined ? { ':before': before } : {}) },
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) found.push(fromItem(schema, item) as z.output<S>);
  return found;
}

/** A transaction's Put of a state item after a transition: it fails (and so the transaction) unless the stored item is still at `guard`. */
export function guardedPut(table: string, item: Item, guard: TransitionGuard) {
  const unitGuard = guard.unitId !== undefined;
  return {
    Put: {
      TableName: table,
      Item: item,
      ConditionExpression: `rev = :rev${unitGuard ? ' AND unitId = :unit' : ''}`,
      ExpressionAttributeValues: { ':rev': guard.rev, ...(unitGuard ? { ':unit': guard.unitId } : {}) },
    },
  };
}
