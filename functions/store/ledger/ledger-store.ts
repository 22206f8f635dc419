import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TransitionGuard } from '../../domain/cases/ports';
import type { CaseActor } from '../../domain/cases/lifecycle';
import { LEDGER_ESCALATING_STATES, ZLedgerCategory, ZLedgerEvent, ZLedgerItem, type LedgerActionInput, type LedgerEvent, type LedgerItem, type LedgerState } from '../../domain/ledger/ledger';
import type { EvidenceStore, LedgerCategoryStore, LedgerDeps, LedgerStorePort, NewLedgerItem, StoredLedgerCategories } from '../../domain/ledger/ports';
import { actOnLedgerItem } from '../../domain/ledger/workflow';
import * as z from 'zod/mini';
import type { Notification } from '../../domain/notifications/notification';
import { CASE_INDEX as INDEX, guardedPut, queryStateItems, type CaseIndex } from '../cases/state-items';
import { conflictOf, itemsOf } from '../items';
import { putNotificationOnce } from '../notifications/outbox-store';

/**
 * Ledger items in the cases table (store/tables.ts), beside the complaints: an item's state under its case
 * key with the sort key `LEDGER` (a complaint's is `STATE`, so the two never read as each other), its events
 * in the same `EVENT#` log as a case's (the audit chain reads both), and its places in the same indexes
 * under partitions of their own, so the complaint inbox, lists and KPIs never meet a ledger item:
 *
 * | item         | pk              | sk                      | byUnit (unitPk, listSk)                       | byMonth (monthPk, listSk) | open (openPk, openSk)                          |
 * |--------------|-----------------|-------------------------|-----------------------------------------------|---------------------------|------------------------------------------------|
 * | a ledger item| `CASE#<caseId>` | `LEDGER`                | `LEDGER#U#<unitId>`, `<identifiedAt>#<caseId>` | `LEDGER`                  | `LEDGER_OPEN`, `<dueAt>#<caseId>` while owed (LEDGERED, IN_PROGRESS) with a deadline |
 * | an event     | `CASE#<caseId>` | `EVENT#<seq, 6 digits>` | —                                             | —                         | —                                              |
 *
 * The whole ledger is one partition of `byMonth` (a district's ledger is a few thousand items: one Query of a
 * few pages). The category list is in the catalog table at `SETTINGS` / `LEDGER_CATEGORIES`.
 */
const casePk = (caseId: string) => `CASE#${caseId}`;
const itemKey = (caseId: string) => ({ pk: casePk(caseId), sk: 'LEDGER' });
const eventKey = (e: LedgerEvent) => ({ pk: casePk(e.caseId), sk: `EVENT#${String(e.seq).padStart(6, '0')}` });
/** The `byUnit` partition of a unit's ledger items. */
export const ledgerUnitPartition = (unitId: string) => `LEDGER#U#${unitId}`;
const ALL = 'LEDGER';
const OPEN = 'LEDGER_OPEN';
const categoriesKey = { pk: 'SETTINGS', sk: 'LEDGER_CATEGORIES' } as const;

/** DynamoDB's limit of items in one transaction. */
const TRANSACTION_MAX_ITEMS = 100;

/** An item's DynamoDB item: its fields, keys, and its place in each index. */
export function ledgerItem(item: LedgerItem) {
  const owed = item.dueAt !== undefined && (LEDGER_ESCALATING_STATES as readonly LedgerState[]).includes(item.state);
  return {
    ...ZLedgerItem.parse(item),
    ...itemKey(item.caseId),
    unitPk: ledgerUnitPartition(item.unitId),
    listSk: `${item.identifiedAt}#${item.caseId}`,
    monthPk: ALL,
    // Sparse: only items whose unit still owes the work are in the sweeper's index.
    ...(owed ? { openPk: OPEN, openSk: `${item.dueAt}#${item.caseId}` } : {}),
  };
}

/** An event's DynamoDB item. */
export const ledgerEventItem = (e: LedgerEvent) => ({ ...ZLedgerEvent.parse(e), ...eventKey(e) });

const ZStoredCategories = z.object({ categories: z.array(ZLedgerCategory), rev: z.int().check(z.minimum(1)), updatedAt: z.iso.datetime({ offset: true }) });

/** Reads and writes ledger items and their events in the cases table. */
export function ledgerStore(db: DynamoDBDocumentClient, table: string): LedgerStorePort & { listOpenLedgerItems(dueBefore: string): Promise<LedgerItem[]> } {
  const items = itemsOf(db, table);

  const queryIndex = (index: CaseIndex, keyValue: string, before?: string): Promise<LedgerItem[]> => queryStateItems(db, table, ZLedgerItem, index, keyValue, before);

  return {
    getLedgerItem: (caseId: string): Promise<LedgerItem | undefined> => items.get(itemKey(caseId), ZLedgerItem),
    listLedgerEvents: (caseId: string): Promise<LedgerEvent[]> => items.query(casePk(caseId), ZLedgerEvent, 'EVENT#'),

    async createLedgerItems(created: readonly NewLedgerItem[]): Promise<void> {
      const isNew = 'attribute_not_exists(pk)';
      const writes = created.map(({ item, events }) => [
        { Put: { TableName: table, Item: ledgerItem(item), ConditionExpression: isNew } },
        ...events.map((e) => ({ Put: { TableName: table, Item: ledgerEventItem(e), ConditionExpression: isNew } })),
      ]);
      // Whole items (with their events) per transaction, as many as fit.
      let batch: (typeof writes)[number] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        try {
          await db.send(new TransactWriteCommand({ TransactItems: batch }));
        } catch (error) {
          conflictOf(error, 'alreadyExists', { id: String((batch[0]!.Put.Item as { caseId: string }).caseId) });
        }
        batch = [];
      };
      for (const w of writes) {
        if (batch.length + w.length > TRANSACTION_MAX_ITEMS) await flush();
        batch.push(...w);
      }
      await flush();
    },

    async saveLedgerTransition(item: LedgerItem, event: LedgerEvent, guard: TransitionGuard): Promise<void> {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              guardedPut(table, ledgerItem(item), guard),
              { Put: { TableName: table, Item: ledgerEventItem(event), ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
      } catch (error) {
        conflictOf(error, 'staleRevision', { rev: guard.rev });
      }
    },

    listUnitLedger: (unitId: string): Promise<LedgerItem[]> => queryIndex(INDEX.byUnit, ledgerUnitPartition(unitId)),
    listAllLedger: (): Promise<LedgerItem[]> => queryIndex(INDEX.byMonth, ALL),

    /** The items still owed whose deadline (`dueAt`) is before `dueBefore`, earliest first: the sweeper's. */
    listOpenLedgerItems: (dueBefore: string): Promise<LedgerItem[]> => queryIndex(INDEX.open, OPEN, dueBefore),
  };
}

/** The category list in the catalog table: one item, read whole, saved on the revision read. */
export function ledgerCategoryStore(db: DynamoDBDocumentClient, catalogTable: string): LedgerCategoryStore {
  const items = itemsOf(db, catalogTable);
  return {
    getLedgerCategories: (): Promise<StoredLedgerCategories | undefined> => items.get(categoriesKey, ZStoredCategories),
    async saveLedgerCategories(settings: StoredLedgerCategories, expectedRev: number): Promise<void> {
      await items.save(categoriesKey, ZStoredCategories.parse(settings), expectedRev);
    },
  };
}

/**
 * Applies one staff action to a ledger item and stores it (lifecycle rules, optimistic lock, one
 * transaction with its event): the entry point for callers outside the ledger's own routes — the disclosure
 * step calls it with `{ action: 'publish' }` when a supervisor approves an item's publication. Needs the
 * cases table (readWrite) and, for `ledger` with working days, the calendar of the catalog table.
 */
export async function applyLedgerAction(
  deps: Pick<LedgerDeps, 'getLedgerItem' | 'saveLedgerTransition' | 'workingCalendar' | 'now'> & EvidenceStore,
  actor: Extract<CaseActor, { kind: 'staff' }>,
  caseId: string,
  input: LedgerActionInput,
): Promise<LedgerItem> {
  return actOnLedgerItem(deps, actor, caseId, input);
}

/** The sweeper's write of a ledger item moved up the ladder: the item on the revision read, its `escalate` events and its messages, one transaction. */
export function ledgerEscalationStore(db: DynamoDBDocumentClient, tables: { cases: string; notifications: string }) {
  return {
    async escalateLedgerItem(next: LedgerItem, events: LedgerEvent[], notifications: Notification[], expectedRev: number): Promise<boolean> {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tables.cases, Item: ledgerItem(next), ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } } },
              ...events.map((e) => ({ Put: { TableName: tables.cases, Item: ledgerEventItem(e), ConditionExpression: 'attribute_not_exists(pk)' } })),
              // A ledger item's deadline is set once (建账), so a step's message to an address is new with the step.
              ...notifications.map((n) => putNotificationOnce(tables.notifications, n)),
            ],
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof TransactionCanceledException) return false;
        throw error;
      }
    },
  };
}
