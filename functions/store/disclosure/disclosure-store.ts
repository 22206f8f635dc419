import { TransactWriteCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ZDisclosure, ZDisclosureEvent, type Disclosure, type DisclosureEvent } from '../../domain/disclosure/disclosure';
import type { DisclosureStorePort } from '../../domain/disclosure/ports';
import { conflictOf, fromItem, itemsOf } from '../items';
import { TABLES } from '../tables';

/**
 * The disclosures table (store/tables.ts): a disclosure's state item (its redacted content, approval and
 * publication) beside its append-only events, as the cases table keeps a case. Every disclosure is in one
 * partition of the `list` index, by time of proposal: a few a month, so listing them all is one Query.
 *
 * | item            | pk                    | sk                      | list (listPk, listSk)            |
 * |-----------------|-----------------------|-------------------------|----------------------------------|
 * | a disclosure    | `DISC#<disclosureId>` | `STATE`                 | `DISC`, `<proposedAt>#<disclosureId>` |
 * | an event        | `DISC#<disclosureId>` | `EVENT#<seq, 6 digits>` | —                                |
 *
 * A change writes the state item on the revision read and its event (only if new) in one transaction. The
 * table's stream (NEW_IMAGE) carries every proposal, edit, approval (who, when, revision, content hash),
 * publication and withdrawal: the audit chain reads the events (`EVENT#`).
 */
const pkOf = (disclosureId: string) => `DISC#${disclosureId}`;
const stateKey = (disclosureId: string) => ({ pk: pkOf(disclosureId), sk: 'STATE' });
const EVENT_PREFIX = 'EVENT#';
const eventKey = (e: DisclosureEvent) => ({ pk: pkOf(e.disclosureId), sk: `${EVENT_PREFIX}${String(e.seq).padStart(6, '0')}` });
const LIST = 'DISC';
const [LIST_INDEX] = TABLES.disclosures.indexes;

/** A disclosure's state item: its fields, keys and place in the `list` index. */
export const disclosureItem = (d: Disclosure) => ({ ...ZDisclosure.parse(d), ...stateKey(d.disclosureId), listPk: LIST, listSk: `${d.proposedAt}#${d.disclosureId}` });
/** An event's item. */
export const disclosureEventItem = (e: DisclosureEvent) => ({ ...ZDisclosureEvent.parse(e), ...eventKey(e) });

/** Reads and writes disclosures and their events. */
export function disclosureStore(db: DynamoDBDocumentClient, table: string): DisclosureStorePort {
  const items = itemsOf(db, table);
  const isNew = 'attribute_not_exists(pk)';
  return {
    getDisclosure: (disclosureId) => items.get(stateKey(disclosureId), ZDisclosure),
    listDisclosureEvents: (disclosureId) => items.query(pkOf(disclosureId), ZDisclosureEvent, EVENT_PREFIX),

    async listDisclosures(): Promise<Disclosure[]> {
      const found: Disclosure[] = [];
      const pages = paginateQuery(
        { client: db },
        {
          TableName: table,
          IndexName: LIST_INDEX.name,
          KeyConditionExpression: '#k = :k',
          ExpressionAttributeNames: { '#k': LIST_INDEX.partitionKey },
          ExpressionAttributeValues: { ':k': LIST },
          ScanIndexForward: false,
        },
      );
      for await (const page of pages) for (const item of page.Items ?? []) found.push(fromItem(ZDisclosure, item)!);
      return found;
    },

    async createDisclosure(d, event) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: disclosureItem(d), ConditionExpression: isNew } },
              { Put: { TableName: table, Item: disclosureEventItem(event), ConditionExpression: isNew } },
            ],
          }),
        );
      } catch (error) {
        conflictOf(error, 'alreadyExists', { id: d.disclosureId });
      }
    },

    async saveDisclosure(d, event, expectedRev) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: disclosureItem(d), ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } } },
              { Put: { TableName: table, Item: disclosureEventItem(event), ConditionExpression: isNew } },
            ],
          }),
        );
      } catch (error) {
        conflictOf(error, 'staleRevision', { rev: expectedRev });
      }
    },
  };
}
