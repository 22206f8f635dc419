import type { Case } from '../cases/case';
import type { Period } from '../evaluation/period';
import type { UnitSnapshot } from '../evaluation/snapshot';
import type { Unit } from '../units/unit';
import type { Briefing, BriefingKind, BriefingSettings } from './briefing';
import type { LedgerFact } from './figures';

/** What the briefing use cases need from storage (store/briefings/briefing-store.ts and the stores they read). */

export interface BriefingStorePort {
  getBriefing(briefingId: string): Promise<Briefing | undefined>;
  /** Every briefing of a kind, oldest window first. */
  listBriefings(kind: BriefingKind): Promise<Briefing[]>;
  /** Stores a new draft; ConflictError('alreadyExists') when the window has a briefing already (one per window). */
  createDraft(b: Briefing): Promise<void>;
  /** Replaces a draft still at `expectedRev` and still a draft; ConflictError('staleRevision') otherwise. */
  saveDraft(b: Briefing, expectedRev: number): Promise<void>;
  /**
   * Publishes a draft still at `expectedRev`: in one transaction the counter of its kind goes from N to N+1
   * and the briefing is stored published with number N+1 — two publications at once get N+1 and N+2, never
   * the same number, and a failed one takes none. Returns the number. ConflictError('staleRevision') when
   * the draft changed or was published meanwhile.
   */
  publish(b: Briefing, expectedRev: number): Promise<number>;
  /** The office and thresholds in force (DEFAULT_BRIEFING_SETTINGS until an admin saves others: settings.ts). */
  briefingSettings(): Promise<BriefingSettings>;
}

/** What the figures are read from: the catalog, the tally snapshots, the cases and the ledger. */
export interface BriefingSources {
  listUnits(): Promise<Pick<Unit, 'unitId' | 'name'>[]>;
  listPeriods(): Promise<Period[]>;
  /** A unit's daily snapshots in a period, oldest first. */
  listUnitSnapshots(periodId: string, unitId: string): Promise<UnitSnapshot[]>;
  /** The cases received in these months (`YYYY-MM`, CST). */
  listCasesOfMonths(months: readonly string[]): Promise<Case[]>;
  /** The cases not closed nor rejected whose deadline is before `dueBefore`. */
  listOpenCases(dueBefore: string): Promise<Case[]>;
  /** Every rectification ledger item, as the briefing counts it. */
  listLedgerFacts(): Promise<LedgerFact[]>;
}

export interface BriefingDeps extends BriefingStorePort, BriefingSources {
  now(): Date;
}
