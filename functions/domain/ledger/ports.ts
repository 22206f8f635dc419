import type { AttachmentStorePort } from '../cases/attachments';
import type { Case } from '../cases/case';
import type { TransitionGuard } from '../cases/ports';
import type { Unit } from '../units/unit';
import type { WorkingCalendar } from '../working-days';
import type { LedgerCategory, LedgerEvent, LedgerItem } from './ledger';

/** What the ledger use cases need from storage and the platform (store/ledger/ledger-store.ts gives them). */

/** A new item with its first events, as one write. */
export interface NewLedgerItem {
  item: LedgerItem;
  events: readonly LedgerEvent[];
}

export interface LedgerStorePort {
  getLedgerItem(caseId: string): Promise<LedgerItem | undefined>;
  /** An item's events, oldest first. */
  listLedgerEvents(caseId: string): Promise<LedgerEvent[]>;
  /**
   * Writes new items with their events: all of one call in as few transactions as DynamoDB allows, each
   * item only if its id is new (ConflictError('alreadyExists') otherwise: nothing of that transaction is written).
   */
  createLedgerItems(items: readonly NewLedgerItem[]): Promise<void>;
  /**
   * Writes a transition in one transaction: the item on its guard (revision read; for a unit handler, the
   * unit), the event only if its `seq` is new. ConflictError('staleRevision') when the guard fails: nothing is written.
   */
  saveLedgerTransition(item: LedgerItem, event: LedgerEvent, guard: TransitionGuard): Promise<void>;
  /** A unit's items, by one Query on the unit's ledger partition of the `byUnit` index. */
  listUnitLedger(unitId: string): Promise<LedgerItem[]>;
  /** Every item, by one Query on the ledger's partition of the `byMonth` index. */
  listAllLedger(): Promise<LedgerItem[]>;
}

/** The stored category list (catalog table), absent until an admin saves one. */
export interface StoredLedgerCategories {
  categories: LedgerCategory[];
  rev: number;
  updatedAt: string;
}

export interface LedgerCategoryStore {
  getLedgerCategories(): Promise<StoredLedgerCategories | undefined>;
  /** Saves the list if still at `expectedRev` (0: none saved yet); ConflictError('staleRevision') otherwise. */
  saveLedgerCategories(settings: StoredLedgerCategories, expectedRev: number): Promise<void>;
}

export interface LedgerDeps extends LedgerStorePort, Pick<LedgerCategoryStore, 'getLedgerCategories'> {
  getUnit(unitId: string): Promise<Unit | undefined>;
  listUnits(): Promise<Unit[]>;
  /** A complaint or bad review a ledger item may be linked to (the cases table). */
  getCase(caseId: string): Promise<Case | undefined>;
  /** The working-day calendar (chinese-days and the admin's adjustments). */
  workingCalendar(): Promise<WorkingCalendar>;
  /** A new item id (a uuid). */
  newId(): string;
  now(): Date;
}

/** The evidence files' store, for the functions granted the attachments bucket. */
export type EvidenceStore = Partial<Pick<AttachmentStorePort, 'describe' | 'markAttached' | 'downloadUrl'>>;
