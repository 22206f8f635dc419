import type { Case } from '../cases/case';
import type { Period } from '../evaluation/period';
import type { SnapshotDay, UnitSnapshot } from '../evaluation/snapshot';
import type { LedgerCategory, LedgerItem } from '../ledger/ledger';
import type { Unit } from '../units/unit';
import type { Disclosure, DisclosureEvent } from './disclosure';

/** What the disclosure use cases need from storage and the platform (store/disclosure/ gives them). */

export interface DisclosureStorePort {
  getDisclosure(disclosureId: string): Promise<Disclosure | undefined>;
  /** Every disclosure, newest proposal first (a few a month: one Query). */
  listDisclosures(): Promise<Disclosure[]>;
  /** A disclosure's events, oldest first. */
  listDisclosureEvents(disclosureId: string): Promise<DisclosureEvent[]>;
  /** Stores a new disclosure with its first event; ConflictError('alreadyExists') if its id is taken. */
  createDisclosure(d: Disclosure, event: DisclosureEvent): Promise<void>;
  /** Replaces a disclosure still at `expectedRev` and appends the event, in one transaction; ConflictError('staleRevision') otherwise. */
  saveDisclosure(d: Disclosure, event: DisclosureEvent, expectedRev: number): Promise<void>;
}

/**
 * The public root the page reads from (the site bucket's `public/` prefix, or `.local/public/`). Paths are
 * relative to it (`disclosure/index.json`); how long each may be cached follows from its path (publicCacheControl).
 */
export interface PublicFiles {
  put(path: string, body: string): Promise<void>;
  /** Deletes a file; no error when it is not there. */
  remove(path: string): Promise<void>;
}

/** The ballot commitment of a period's published scores ("was my rating counted?", store/disclosure/ballot-commitment.ts). */
export interface BallotCommitment {
  root: string;
  total: number;
  counted: number;
  excluded: number;
  /** Files to publish with it, paths relative to the public root. */
  files: { path: string; body: string }[];
}

/** Where a disclosure's content is drawn from: the catalog, the tally snapshots and the cases. */
export interface DisclosureSources {
  getPeriod(periodId: string): Promise<Period | undefined>;
  listSnapshotDays(periodId: string): Promise<SnapshotDay[]>;
  lastUnitSnapshot(periodId: string, unitId: string): Promise<UnitSnapshot | undefined>;
  listUnits(): Promise<Unit[]>;
  getUnit(unitId: string): Promise<Unit | undefined>;
  /** A case (complaint, bad review); undefined for an id that is none, or is a ledger item. */
  getCase(caseId: string): Promise<Case | undefined>;
  /** A rectification ledger item (domain/ledger/ledger.ts); undefined for an id that is none, or is a case. */
  getLedgerItem(caseId: string): Promise<LedgerItem | undefined>;
  /** The problem categories in force (their names are published with an item). */
  ledgerCategories(): Promise<readonly LedgerCategory[]>;
  listUnitCases(unitId: string | null): Promise<Case[]>;
  listCasesOfMonths(months: readonly string[]): Promise<Case[]>;
}

export interface DisclosureDeps extends DisclosureStorePort, DisclosureSources {
  publicFiles: PublicFiles;
  /**
   * The commitment to every ballot counted and excluded in a period's published scores; absent where the
   * commitment is not wired (then scores are published without one: `commitment: null`).
   */
  commitPeriodBallots?(args: { periodId: string; publicationId: string }): Promise<BallotCommitment>;
  /**
   * Applies a closed ledger item's `publish` transition (CLOSED → PUBLISHED, the ledger's own event) once the
   * item is published; absent where the ledger is not wired.
   */
  publishLedgerItem?(caseId: string, by: string): Promise<void>;
  newId(): string;
  now(): Date;
}

/** The staff member acting on a disclosure (a supervisor or an admin: the route admits no one else). */
export interface DisclosureActor {
  sub: string;
}
