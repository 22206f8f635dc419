import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandInput,
  type BatchWriteCommandInput,
  type DeleteCommandInput,
  type GetCommandInput,
  type PutCommandInput,
  type QueryCommandInput,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { TABLES, type TableDefinition, type TableKey } from '../../../functions/store/tables';

/**
 * DynamoDB tables held in memory behind aws-sdk-client-mock, for handler tests that run a whole use case:
 * the commands the stores send (GetItem, BatchGetItem, Query on the key — with the stores' one filter, a
 * limit, a start key and either direction —, PutItem under the stores' conditions, DeleteItem, TransactWriteItems and
 * BatchWriteItem of puts) are answered as DynamoDB answers them, and a test reads back what was written.
 * The mock still records every command, for assertions on what was sent.
 */

export type Item = Record<string, unknown>;
export type DocumentClientStub = AwsClientStub<DynamoDBDocumentClient>;

/** The table names the unit project's env gives each binding (vitest.config.ts). */
export const UNIT_TABLE: Record<TableKey, string> = Object.fromEntries(
  (Object.keys(TABLES) as TableKey[]).map((key) => [key, `unit-${TABLES[key].id}`]),
) as Record<TableKey, string>;

export interface FakeTables {
  /** Stores items as they are (keys included), without conditions. */
  put(table: string, ...items: Item[]): void;
  get(table: string, key: { pk: string; sk: string }): Item | undefined;
  /** Every item of a table, in key order. */
  items(table: string): Item[];
  /** The tables as they stand, kept without copying an item: none is ever changed in place, only replaced. */
  save(): SavedTables;
  /** Puts every table back as it stood when `saved` was taken. */
  restore(saved: SavedTables): void;
}

/** What `save` keeps: each table's items by key. An item held by two of them unchanged is the same object. */
export type SavedTables = ReadonlyMap<string, ReadonlyMap<string, Item>>;

const keyText = (key: Record<string, unknown>) => `${String(key.pk)}\u0000${String(key.sk)}`;
const byKey = (a: Item, b: Item) => keyText(a).localeCompare(keyText(b));

/** Answers the stub's DynamoDB commands from tables in memory (replacing earlier behaviours of the stub). */
export function fakeTables(ddb: DocumentClientStub): FakeTables {
  const tables = new Map<string, Map<string, Item>>();
  const table = (name: string) => {
    let found = tables.get(name);
    if (!found) tables.set(name, (found = new Map()));
    return found;
  };
  const read = (name: string, key: Record<string, unknown>) => {
    const item = table(name).get(keyText(key));
    return item === undefined ? undefined : structuredClone(item);
  };

  /**
   * The stores' conditions: a new key, the revision read, an open appeal, or the condition that never holds
   * (the submit function's read by put). Anything else is a test that needs a better fake.
   */
  const holds = (put: Pick<PutCommandInput, 'TableName' | 'Item' | 'ConditionExpression' | 'ExpressionAttributeValues' | 'ExpressionAttributeNames'>) => {
    const existing = read(put.TableName!, put.Item!);
    const values = put.ExpressionAttributeValues ?? {};
    switch (put.ConditionExpression) {
      case undefined:
        return true;
      case 'attribute_not_exists(pk)':
        return existing === undefined;
      case 'attribute_exists(pk) AND attribute_not_exists(pk)':
        return false;
      case 'rev = :rev':
        return existing !== undefined && existing.rev === values[':rev'];
      case 'rev = :rev AND unitId = :unit':
        return existing !== undefined && existing.rev === values[':rev'] && existing.unitId === values[':unit'];
      case '#status = :open':
        return existing !== undefined && existing[put.ExpressionAttributeNames?.['#status'] ?? ''] === values[':open'];
      // The briefing store's: a draft still at the revision read, and a number counter still at the value read.
      case 'rev = :rev AND #state = :draft':
        return existing !== undefined && existing.rev === values[':rev'] && existing[put.ExpressionAttributeNames?.['#state'] ?? ''] === values[':draft'];
      case '#last = :last':
        return existing !== undefined && existing[put.ExpressionAttributeNames?.['#last'] ?? ''] === values[':last'];
      // The audit chain's: the head still where the appender saw it, and a source version newer than the one chained.
      case '#seq = :seq AND #hash = :hash':
        return existing !== undefined && existing.seq === values[':seq'] && existing.hash === values[':hash'];
      case 'attribute_not_exists(pk) OR streamSequence < :sequence':
        return existing === undefined || String(existing.streamSequence) < String(values[':sequence']);
      // The export job store's: a job still the run's that claimed it.
      case '#state = :running AND startedAt = :startedAt':
        return existing !== undefined && existing.state === values[':running'] && existing.startedAt === values[':startedAt'];
      default:
        throw new Error(`fake-tables: unsupported condition ${put.ConditionExpression}`);
    }
  };
  const store = (name: string, item: Item) => table(name).set(keyText(item), structuredClone(item));

  ddb.on(GetCommand).callsFake(async (input: GetCommandInput) => ({ Item: read(input.TableName!, input.Key!) }));

  ddb.on(BatchGetCommand).callsFake(async (input: BatchGetCommandInput) => ({
    Responses: Object.fromEntries(
      Object.entries(input.RequestItems ?? {}).map(([name, { Keys }]) => [
        name,
        (Keys ?? []).map((key) => read(name, key)).filter((item): item is Item => item !== undefined),
      ]),
    ),
    UnprocessedKeys: {},
  }));

  /** The stores' one filter: the ballots that rate a unit (`attribute_exists(#units.#unit)`). */
  const filterOf = (input: QueryCommandInput): ((item: Item) => boolean) => {
    if (input.FilterExpression === undefined) return () => true;
    if (input.FilterExpression !== 'attribute_exists(#units.#unit)') throw new Error(`fake-tables: unsupported filter ${input.FilterExpression}`);
    const names = input.ExpressionAttributeNames ?? {};
    return (item) => {
      const map = item[names['#units']!];
      return map !== null && typeof map === 'object' && Object.hasOwn(map, names['#unit']!);
    };
  };

  /** A Query on an index (the case store's): `#k = :k`, optionally `AND #s < :before`, in index order. */
  const queryIndex = (input: QueryCommandInput) => {
    const values = input.ExpressionAttributeValues ?? {};
    const names = input.ExpressionAttributeNames ?? {};
    if (input.KeyConditionExpression !== '#k = :k' && input.KeyConditionExpression !== '#k = :k AND #s < :before') {
      throw new Error(`fake-tables: unsupported index key condition ${input.KeyConditionExpression}`);
    }
    // The queried table's own index: two tables may each have an index of the same name (byMonth).
    const queried = (Object.keys(TABLES) as TableKey[]).filter((k) => UNIT_TABLE[k] === input.TableName).map((k) => TABLES[k] as TableDefinition);
    const key = queried.flatMap((t) => t.indexes ?? []).find((i) => i.name === input.IndexName && i.partitionKey === names['#k']);
    if (!key) throw new Error(`fake-tables: no index ${input.IndexName} on ${names['#k']}`);
    const Items = [...table(input.TableName!).values()]
      .filter((item) => item[key.partitionKey] === values[':k'] && item[key.sortKey] !== undefined)
      .filter((item) => values[':before'] === undefined || String(item[key.sortKey]) < String(values[':before']))
      .sort((a, b) => String(a[key.sortKey]).localeCompare(String(b[key.sortKey])))
      .map((item) => structuredClone(item));
    return { Items, Count: Items.length, ScannedCount: Items.length };
  };

  ddb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => {
    if (input.IndexName !== undefined) return queryIndex(input);
    const values = input.ExpressionAttributeValues ?? {};
    const condition = input.KeyConditionExpression;
    if (condition !== 'pk = :pk' && condition !== 'pk = :pk AND begins_with(sk, :prefix)' && condition !== 'pk = :pk AND sk >= :from') {
      throw new Error(`fake-tables: unsupported key condition ${condition}`);
    }
    const prefix = condition.includes('begins_with') ? String(values[':prefix']) : '';
    const from = condition.includes(':from') ? String(values[':from']) : undefined;
    const start = input.ExclusiveStartKey;
    const matching = [...table(input.TableName!).values()]
      .filter((item) => item.pk === values[':pk'] && String(item.sk).startsWith(prefix) && (from === undefined || String(item.sk) >= from))
      .sort(input.ScanIndexForward === false ? (a, b) => byKey(b, a) : byKey)
      .filter((item) => start === undefined || keyText(item).localeCompare(keyText(start)) * (input.ScanIndexForward === false ? -1 : 1) > 0);
    // As DynamoDB does: the limit counts the items read, before the filter.
    const page = input.Limit === undefined ? matching : matching.slice(0, input.Limit);
    const last = page.length < matching.length ? page.at(-1) : undefined;
    const Items = page.filter(filterOf(input)).map((item) => structuredClone(item));
    return {
      ...(input.Select === 'COUNT' ? {} : { Items }),
      Count: Items.length,
      ScannedCount: page.length,
      ...(last ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
    };
  });

  ddb.on(DeleteCommand).callsFake(async (input: DeleteCommandInput) => {
    // A delete is conditioned like a put (the calendar store's `rev = :rev`): the condition is read on the key's item.
    if (!holds({ ...input, Item: input.Key! })) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });
    }
    table(input.TableName!).delete(keyText(input.Key!));
    return {};
  });

  ddb.on(PutCommand).callsFake(async (input: PutCommandInput) => {
    if (!holds(input)) {
      const existing = read(input.TableName!, input.Item!);
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: { httpStatusCode: 400 },
        // The document client leaves the item of a failed condition marshalled, as DynamoDB sends it.
        ...(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && existing
          ? { Item: marshall(existing, { removeUndefinedValues: true }) }
          : {}),
      });
    }
    store(input.TableName!, input.Item!);
    return {};
  });

  ddb.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) => {
    // Unconditional `ADD` updates (the counters' repair by a recount) are applied after the puts.
    const updates = (input.TransactItems ?? []).flatMap((item) => (item.Update ? [item.Update] : []));
    const puts = (input.TransactItems ?? []).filter((item) => !item.Update).map((item) => {
      if (!item.Put) throw new Error('fake-tables: only Put and an unconditional ADD Update are supported in a transaction');
      return item.Put;
    });
    // A `SET` update on an existing item (the case store's expiry of contact details) is checked with the puts.
    const sets = updates.filter((update) => update.UpdateExpression?.startsWith('SET '));
    const reasons = [
      ...puts.map((put) => {
        if (holds(put)) return { Code: 'None' };
        // ReturnValuesOnConditionCheckFailure: the item as it is, in DynamoDB JSON (the audit chain's head).
        const existing = put.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? read(put.TableName!, put.Item!) : undefined;
        return { Code: 'ConditionalCheckFailed', ...(existing ? { Item: marshall(existing) } : {}) };
      }),
      ...sets.map((update) => ({ Code: update.ConditionExpression === 'attribute_exists(pk)' && !read(update.TableName!, update.Key!) ? 'ConditionalCheckFailed' : 'None' })),
    ];
    if (reasons.some((r) => r.Code !== 'None')) {
      throw new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: reasons,
      });
    }
    for (const put of puts) store(put.TableName!, put.Item!);
    for (const update of updates) {
      if (sets.includes(update)) setOn(update.TableName!, update.Key!, update);
      else addTo(update.TableName!, update.Key!, update);
    }
    return {};
  });

  /** Applies `SET a = :a, b = :b` to an existing item. */
  function setOn(name: string, key: Record<string, unknown>, update: { UpdateExpression?: string; ExpressionAttributeValues?: Record<string, unknown> }) {
    const item: Item = read(name, key)!;
    for (const clause of (update.UpdateExpression ?? '').slice(4).split(',')) {
      const [attribute, valueRef] = clause.split('=').map((part) => part.trim());
      item[attribute!] = update.ExpressionAttributeValues?.[valueRef!];
    }
    store(name, item);
  }

  /** Applies `ADD #a :a, #b :b` (numbers added, sets joined), as DynamoDB does, creating the item if need be. */
  function addTo(name: string, key: Record<string, unknown>, update: { UpdateExpression?: string; ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }) {
    const expression = update.UpdateExpression ?? '';
    if (!expression.startsWith('ADD ') || update.ConditionExpression) throw new Error(`fake-tables: unsupported update in a transaction: ${expression}`);
    const item: Item = read(name, key) ?? { ...key };
    for (const clause of expression.slice(4).split(',')) {
      const [nameRef, valueRef] = clause.trim().split(/\s+/);
      const attribute = update.ExpressionAttributeNames?.[nameRef!] ?? nameRef!;
      const value = update.ExpressionAttributeValues?.[valueRef!];
      const current = item[attribute];
      item[attribute] = value instanceof Set ? new Set([...(current instanceof Set ? current : []), ...value]) : Number(current ?? 0) + Number(value);
    }
    store(name, item);
  }

  /** The export job store's claim: queued, or running since before `:staleBefore`, becomes running (ALL_NEW). */
  function claim(input: UpdateCommandInput) {
    const values = input.ExpressionAttributeValues ?? {};
    const item = read(input.TableName!, input.Key!);
    const claimable = item !== undefined && (item.state === values[':queued'] || (item.state === values[':running'] && String(item.startedAt) < String(values[':staleBefore'])));
    if (!claimable) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });
    const claimed: Item = { ...item, state: values[':running'], startedAt: values[':startedAt'], runs: Number(item.runs ?? 0) + Number(values[':one']) };
    store(input.TableName!, claimed);
    const { pk: _pk, sk: _sk, ...attributes } = claimed;
    return { Attributes: attributes };
  }
  const CLAIM = '#state = :queued OR (#state = :running AND startedAt < :staleBefore)';

  // An unconditional `ADD` (the counters' arrivals and hot days), answering the new values if asked; or a claim.
  ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
    if (input.ConditionExpression === CLAIM) return claim(input);
    addTo(input.TableName!, input.Key!, input);
    if (input.ReturnValues !== 'UPDATED_NEW') return {};
    const { pk: _pk, sk: _sk, ...attributes } = read(input.TableName!, input.Key!)!;
    return { Attributes: attributes };
  });

  ddb.on(BatchWriteCommand).callsFake(async (input: BatchWriteCommandInput) => {
    for (const [name, requests] of Object.entries(input.RequestItems ?? {})) {
      for (const request of requests) {
        if (request.PutRequest) store(name, request.PutRequest.Item!);
        else if (request.DeleteRequest) table(name).delete(keyText(request.DeleteRequest.Key!));
      }
    }
    return { UnprocessedItems: {} };
  });

  return {
    put: (name, ...items) => items.forEach((item) => store(name, item)),
    get: (name, key) => read(name, key),
    items: (name) => [...table(name).values()].sort(byKey).map((item) => structuredClone(item)),
    save: () => new Map([...tables].map(([name, items]) => [name, new Map(items)])),
    restore: (saved) => {
      tables.clear();
      for (const [name, items] of saved) tables.set(name, new Map(items));
    },
  };
}

/** The names of the DynamoDB commands a stub received, in order (`PutCommand`, `QueryCommand` …). */
export const commandNames = (ddb: DocumentClientStub): string[] => ddb.calls().map((call) => call.args[0].constructor.name);

/** Commands that write, whatever their kind. */
export const WRITE_COMMANDS = ['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand', 'TransactWriteCommand'];
