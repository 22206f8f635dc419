import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ZChainHead, digestOf, paddedSequence, type AppendOutcome, type AuditRecord, type AuditSource, type ChainHead } from '../../domain/audit/chain';
import { sourceKey, type AuditChainPort, type AuditSourceKind, type AuditVerifyDeps, type SourceState } from '../../domain/audit/ports';
import { itemsOf, type Item, type Key } from '../items';

/**
 * The audit table (store/tables.ts): the chain's records, its head, and a marker per chained source item.
 *
 * | item                      | pk                           | sk                     |
 * |---------------------------|------------------------------|------------------------|
 * | the head                  | `HEAD`                       | `HEAD`                 |
 * | record n                  | `CHAIN`                      | `R#<n, 12 digits>`     |
 * | a source item's marker    | `SRC#<table>#<source pk>`    | `<source sk>`          |
 *
 * The whole chain is one partition, in seq order: a verification is one Query read page by page. An append
 * is one transaction of three Puts — the head from n to n+1 on its value, record n+1 only if new, the
 * source's marker only if that source (an append-only one) was never chained or (a replaceable one) only
 * an older version of it — so two consumers can never chain two records as n+1, and a redelivered stream
 * record is never chained twice. Puts only: the consumers' grant (`append`) cannot update or delete a record.
 * When the head's condition fails the transaction hands the head back (ReturnValuesOnConditionCheckFailure),
 * so an appender never needs to read the table.
 */
const HEAD_KEY = { pk: 'HEAD', sk: 'HEAD' } as const;
const CHAIN_PK = 'CHAIN';
const RECORD_PREFIX = 'R#';
const recordKey = (seq: number) => ({ pk: CHAIN_PK, sk: `${RECORD_PREFIX}${String(seq).padStart(12, '0')}` });
const markerKey = (source: AuditSource) => ({ pk: `SRC#${source.table}#${source.pk}`, sk: source.sk });
/** The head item, at a record. */
export const headItem = (head: ChainHead) => ({ ...HEAD_KEY, seq: head.seq, hash: head.hash });
/** A record's item. */
export const recordItem = (record: AuditRecord) => ({ ...record, ...recordKey(record.seq) });
/** The marker of a record's source: the record, and the stream's sequence number (padded) of the version it chained. */
export const markerItem = (record: AuditRecord) => ({ ...markerKey(record.source), seq: record.seq, streamSequence: paddedSequence(record.streamSequence) });
/** Records read per page when verifying. */
const PAGE_SIZE = 100;

const stripKeys = (item: Item): Item => {
  const { pk: _pk, sk: _sk, ...fields } = item;
  return fields;
};

/** Waits a few tens of milliseconds at random: appenders that met at the head spread out. */
const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 40));

/** Appends records to the chain (the audit consumers', bound with `append`: PutItem only). */
export function auditChainStore(db: DynamoDBDocumentClient, table: string): AuditChainPort {
  return {
    async append(record: AuditRecord, expected: ChainHead | undefined, kind: AuditSourceKind): Promise<AppendOutcome> {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: headItem(record),
                  ...(expected
                    ? { ConditionExpression: '#seq = :seq AND #hash = :hash', ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash' }, ExpressionAttributeValues: { ':seq': expected.seq, ':hash': expected.hash } }
                    : { ConditionExpression: 'attribute_not_exists(pk)' }),
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              { Put: { TableName: table, Item: recordItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Put: {
                  TableName: table,
                  Item: markerItem(record),
                  ...(kind === 'appendOnly'
                    ? { ConditionExpression: 'attribute_not_exists(pk)' }
                    : {
                        ConditionExpression: 'attribute_not_exists(pk) OR streamSequence < :sequence',
                        ExpressionAttributeValues: { ':sequence': paddedSequence(record.streamSequence) },
                      }),
                },
              },
            ],
          }),
        );
        return { kind: 'appended' };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [head, written, marker] = error.CancellationReasons ?? [];
        if (marker?.Code === 'ConditionalCheckFailed') return { kind: 'duplicate' };
        if (head?.Code === 'ConditionalCheckFailed') {
          if (expected) await jitter();
          const item = head.Item ? unmarshall(head.Item as Record<string, AttributeValue>) : undefined;
          return { kind: 'headMoved', head: item ? ZChainHead.parse({ seq: item.seq, hash: item.hash }) : undefined };
        }
        // Another transaction on the same items at the same moment: the same append again, a moment later.
        if ([head, written, marker].some((r) => r?.Code === 'TransactionConflict')) {
          await jitter();
          return { kind: 'headMoved', head: expected };
        }
        // Record n+1 exists while the head is at n: the table was written beside the chain.
        if (written?.Code === 'ConditionalCheckFailed') throw new Error(`audit record ${record.seq} exists beyond the head: verify the chain (npm run audit -- verify)`);
        throw error;
      }
    },
  };
}

/**
 * Reads the chain and the chained items back, for the verification: the audit table, and each chained
 * table by the name given (`sources`: the tables' names by their key in TABLES).
 */
export function auditReader(db: DynamoDBDocumentClient, table: string, sources: Readonly<Record<string, string>>): Omit<AuditVerifyDeps, 'kindOf' | 'sleep' | 'now'> {
  const items = itemsOf(db, table);
  const tableOf = (source: AuditSource) => {
    const name = sources[source.table];
    if (!name) throw new Error(`the audit verification is not bound to the ${source.table} table`);
    return name;
  };

  return {
    async readHead(): Promise<ChainHead | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: HEAD_KEY, ConsistentRead: true }));
      return Item ? ZChainHead.parse({ seq: Item.seq, hash: Item.hash }) : undefined;
    },

    async readRecord(seq: number): Promise<unknown> {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: recordKey(seq), ConsistentRead: true }));
      return Item ? stripKeys(Item) : undefined;
    },

    async *recordPages(afterSeq: number): AsyncIterable<unknown[]> {
      const pages = paginateQuery(
        { client: db, pageSize: PAGE_SIZE },
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          ExpressionAttributeValues: { ':pk': CHAIN_PK, ':from': recordKey(afterSeq + 1).sk },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        // Only record keys follow `R#…` in the chain's partition.
        const records = (page.Items ?? []).filter((item) => String(item.sk).startsWith(RECORD_PREFIX)).map(stripKeys);
        if (records.length > 0) yield records;
      }
    },

    async sourceStates(sources: readonly AuditSource[]): Promise<Map<string, SourceState>> {
      const unique = [...new Map(sources.map((s) => [sourceKey(s), s])).values()];
      const markers = await items.batchGet(unique.map(markerKey), true);
      const markerOf = new Map(markers.map((m) => [`${String(m.pk)}\u0000${String(m.sk)}`, m]));
      const byTable = new Map<string, AuditSource[]>();
      for (const source of unique) byTable.set(tableOf(source), [...(byTable.get(tableOf(source)) ?? []), source]);
      const found = new Map<string, Item>();
      for (const [name, ofTable] of byTable) {
        const got = await itemsOf(db, name).batchGet(ofTable.map((s): Key => ({ pk: s.pk, sk: s.sk })), true);
        for (const item of got) found.set(`${name}\u0000${String(item.pk)}\u0000${String(item.sk)}`, item);
      }
      return new Map(
        unique.map((source) => {
          const key = markerKey(source);
          const marker = markerOf.get(`${key.pk}\u0000${key.sk}`);
          const item = found.get(`${tableOf(source)}\u0000${source.pk}\u0000${source.sk}`);
          return [
            sourceKey(source),
            { marker: marker && typeof marker.seq === 'number' ? { seq: marker.seq } : undefined, digest: item ? digestOf(item) : null },
          ];
        }),
      );
    },
  };
}
