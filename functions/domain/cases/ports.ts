import type { Unit } from '../units/unit';
import type { WorkingCalendar } from '../working-days';
import type { Case, CaseContact, CaseEvent } from './case';
import type { DeadlineDays } from './deadline-settings';

/** What the case use cases need from storage and the platform (store/cases/case-store.ts gives them). */

/** The stored proof of an access code: a per-case salt and the scrypt hash of the code, never the code. */
export interface AccessProof {
  caseId: string;
  salt: string;
  hash: string;
}

/** A citizen's contact details on their way to the contacts table, with when the TTL deletes them (epoch seconds). */
export interface ContactRecord {
  contact: CaseContact;
  expiresAt: number;
}

/** The case table's side of a transition: what must still hold for the write to happen. */
export interface TransitionGuard {
  /** The revision the case was read at: another transition in between makes this one fail (409). */
  rev: number;
  /** For a unit handler's action, the unit the case must still be with. */
  unitId?: string;
}

export interface CaseStorePort {
  /**
   * Stores a new case, its first event, its tracking number with the access proof and (if given) the contact
   * details, all in one transaction; ConflictError('alreadyExists') when the tracking number is taken.
   */
  /** Writes a new case with its first events (the filing; for a case assigned at filing, its assignment too). */
  createCase(c: Case, events: CaseEvent | readonly CaseEvent[], proof: AccessProof, contact?: ContactRecord): Promise<void>;
  /** The access proof of a tracking number, if it exists. */
  findTracking(trackingNumber: string): Promise<AccessProof | undefined>;
  getCase(caseId: string): Promise<Case | undefined>;
  /** A case's events, oldest first. */
  listEvents(caseId: string): Promise<CaseEvent[]>;
  /**
   * Writes a transition in one transaction: the case on its guard, the event only if its `seq` is new, and,
   * when `contactExpiresAt` is given, the contact details' expiry. ConflictError('staleRevision') when
   * the guard fails: nothing is written.
   */
  saveTransition(c: Case, event: CaseEvent, guard: TransitionGuard, contactExpiresAt?: number): Promise<void>;
  /** The cases with a unit (null: those the supervising office holds), by one Query on that unit's partition. */
  listUnitCases(unitId: string | null): Promise<Case[]>;
  /** The cases received in these months (`YYYY-MM`, CST), by one Query per month. */
  listCasesOfMonths(months: readonly string[]): Promise<Case[]>;
}

/** The contact details, only for the functions granted the contacts table. */
export interface ContactReader {
  getContact(caseId: string): Promise<CaseContact | undefined>;
}

export interface CaseDeps extends CaseStorePort {
  getUnit(unitId: string): Promise<Unit | undefined>;
  /** The working-day calendar (chinese-days and the admin's adjustments). */
  workingCalendar(): Promise<WorkingCalendar>;
  now(): Date;
}

export interface IntakeDeps extends CaseDeps {
  /** The working days a new case gets, by kind and for a bad review (the admin's setting, or domain.md's defaults). */
  deadlineDays(): Promise<DeadlineDays>;
  /** A new case id (a uuid). */
  newId(): string;
  /** `length` random characters of TRACKING_ALPHABET. */
  newCode(length: number): string;
}
