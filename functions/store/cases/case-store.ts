import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { FINAL_STATES, ZCase, ZCaseContact, ZCaseEvent, type Case, type CaseContact, type CaseEvent } from '../../domain/cases/case';
import type { AccessProof, CaseStorePort, ContactReader, ContactRecord, TransitionGuard } from '../../domain/cases/ports';
import { cstDayOf } from '../../domain/cases/workflow';
import { conflictOf, itemsOf } from '../items';
import { CASE_INDEX as INDEX, guardedPut, queryStateItems, type CaseIndex } from './state-items';

/**
 * The cases table (store/tables.ts): a case's state item beside its append-only events, and one item per
 * tracking number, which makes tracking numbers unique and holds the access code's proof (never in the case).
 * Unit scoping is in the key design: a case's state item carries its unit's partition of the `byUnit`
 * index, so a unit handler's list is a Query on their unit, never a filter over everything.
 *
 * | item            | pk                     | sk                | byUnit (unitPk, listSk)              | byMonth (monthPk, listSk)     | open (openPk, openSk)     |
 * |-----------------|------------------------|-------------------|--------------------------------------|-------------------------------|---------------------------|
 * | a case          | `CASE#<caseId>`        | `STATE`           | `U#<unitId>` (`U#-`: the office's), `<receivedAt>#<caseId>` | `M#<YYYY-MM of receipt, CST>` | `OPEN`, `<dueAt>#<caseId>` while not closed or rejected |
 * | an event        | `CASE#<caseId>`        | `EVENT#<seq, 6 digits>` | —                              | —                             | —                         |
 * | a tracking no.  | `TRACK#<trackingNumber>` | `TRACK`         | —                                    | —                             | —                         |
 *
 * The contacts table keeps a case's contact details at `CASE#<caseId>` / `CONTACT`, with `expiresAt`
 * (epoch seconds) for DynamoDB's TTL.
 */
const casePk = (caseId: string) => `CASE#${caseId}`;
const caseKey = (caseId: string) => ({ pk: casePk(caseId), sk: 'STATE' });
const eventKey = (e: CaseEvent) => ({ pk: casePk(e.caseId), sk: `EVENT#${String(e.seq).padStart(6, '0')}` });
const trackingKey = (trackingNumber: string) => ({ pk: `TRACK#${trackingNumber}`, sk: 'TRACK' });
const contactKey = (caseId: string) => ({ pk: casePk(caseId), sk: 'CONTACT' });
/** The `byUnit` partition of a unit's cases; `U#-` holds the cases with no unit (the supervising office's). */
export const unitPartition = (unitId: string | null) => `U#${unitId ?? '-'}`;
const monthPartition = (month: string) => `M#${month}`;
const OPEN = 'OPEN';

const ZProof = z.object({ caseId: z.string(), salt: z.string(), hash: z.string() });

/** A tracking number's item: the case it opens and the access code's proof. */
export const trackingItem = (trackingNumber: string, proof: AccessProof) => ({ ...ZProof.parse(proof), ...trackingKey(trackingNumber) });
/** A case's contact details as the contacts table keeps them. */
export const contactItem = (caseId: string, record: ContactRecord) => ({ ...ZCaseContact.parse(record.contact), expiresAt: record.expiresAt, ...contactKey(caseId) });

/** A case's item: its fields, keys, and its place in each index (the sweeper's transaction writes it too: store/notifications/escalation-store.ts). */
export function caseItem(c: Case) {
  const listSk = `${c.receivedAt}#${c.caseId}`;
  return {
    ...ZCase.parse(c),
    ...caseKey(c.caseId),
    unitPk: unitPartition(c.unitId),
    listSk,
    monthPk: monthPartition(cstDayOf(c.receivedAt).slice(0, 7)),
    // Sparse: only cases still running are in the sweeper's index.
    ...(FINAL_STATES.includes(c.state) ? {} : { openPk: OPEN, openSk: `${c.dueAt}#${c.caseId}` }),
  };
}

/** An event's item. */
export const eventItem = (e: CaseEvent) => ({ ...ZCaseEvent.parse(e), ...eventKey(e) });

/** Reads and writes cases, their events and tracking numbers, and (in one transaction with them) contact details. */
export function caseStore(db: DynamoDBDocumentClient, table: string, contactsTable?: string): CaseStorePort & { listOpenCases(dueBefore: string): Promise<Case[]> } {
  const items = itemsOf(db, table);
  const unbound = () => {
    throw new Error('this function is not bound to the contacts table');
  };

  /** Every case in one partition of an index; `before` narrows to sort keys below it. */
  const queryIndex = (index: CaseIndex, keyValue: string, before?: string): Promise<Case[]> => queryStateItems(db, table, ZCase, index, keyValue, before);

  return {
    async createCase(c: Case, events: CaseEvent | readonly CaseEvent[], proof: AccessProof, contact?: ContactRecord): Promise<void> {
      if (contact && !contactsTable) unbound();
      const isNew = 'attribute_not_exists(pk)';
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: caseItem(c), ConditionExpression: isNew } },
              ...[events].flat().map((event) => ({ Put: { TableName: table, Item: eventItem(event), ConditionExpression: isNew } })),
              { Put: { TableName: table, Item: trackingItem(c.trackingNumber, proof), ConditionExpression: isNew } },
              ...(contact
                ? [{ Put: { TableName: contactsTable!, Item: contactItem(c.caseId, contact) } }]
                : []),
            ],
          }),
        );
      } catch (error) {
        conflictOf(error, 'alreadyExists', { id: c.trackingNumber });
      }
    },

    findTracking: (trackingNumber: string): Promise<AccessProof | undefined> => items.get(trackingKey(trackingNumber), ZProof),
    getCase: (caseId: string): Promise<Case | undefined> => items.get(caseKey(caseId), ZCase),
    listEvents: (caseId: string): Promise<CaseEvent[]> => items.query(casePk(caseId), ZCaseEvent, 'EVENT#'),

    async saveTransition(c: Case, event: CaseEvent, guard: TransitionGuard, contactExpiresAt?: number): Promise<void> {
      if (contactExpiresAt !== undefined && !contactsTable) unbound();
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              guardedPut(table, caseItem(c), guard),
              { Put: { TableName: table, Item: eventItem(event), ConditionExpression: 'attribute_not_exists(pk)' } },
              ...(contactExpiresAt !== undefined
                ? [
                    {
                      Update: {
                        TableName: contactsTable!,
                        Key: contactKey(c.caseId),
                        UpdateExpression: 'SET expiresAt = :expires',
                        ConditionExpression: 'attribute_exists(pk)',
                        ExpressionAttributeValues: { ':expires': contactExpiresAt },
                      },
                    },
                  ]
                : []),
            ],
          }),
        );
      } catch (error) {
        conflictOf(error, 'staleRevision', { rev: guard.rev });
      }
    },

    listUnitCases: (unitId: string | null): Promise<Case[]> => queryIndex(INDEX.byUnit, unitPartition(unitId)),

    async listCasesOfMonths(months: readonly string[]): Promise<Case[]> {
      return (await Promise.all(months.map((m) => queryIndex(INDEX.byMonth, monthPartition(m))))).flat();
    },

    /** The cases not closed nor rejected whose deadline (`dueAt`) is before `dueBefore`, earliest first: the sweeper's. */
    listOpenCases: (dueBefore: string): Promise<Case[]> => queryIndex(INDEX.open, OPEN, dueBefore),
  };
}

/** The contact details of cases, for the functions granted the contacts table (reading is decrypting with its key). */
export function contactStore(db: DynamoDBDocumentClient, contactsTable: string): ContactReader {
  const items = itemsOf(db, contactsTable);
  return {
    async getContact(caseId: string): Promise<CaseContact | undefined> {
      const item = await items.get(contactKey(caseId), z.object({ ...ZCaseContact.shape, expiresAt: z.optional(z.number()) }));
      if (!item) return undefined;
      const { expiresAt: _expires, ...contact } = item;
      return contact;
    },
  };
}

export type CaseStore = ReturnType<typeof caseStore>;
