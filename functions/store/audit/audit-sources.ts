import type { AuditSourceKind } from '../../domain/audit/ports';
import type { StreamEventName } from '../../routes/route';
import type { StreamTableKey } from '../tables';

/** What the audit chain takes from one table's stream. */
export interface AuditSourceDefinition {
  /** The items chained: those whose sort key begins with this (the stream's other items never reach the chain). */
  readonly sortKeyBeginsWith: string;
  /** The changes chained: an append-only item's insert; each new version of a replaceable one. */
  readonly eventNames: readonly StreamEventName[];
  readonly kind: AuditSourceKind;
}

/**
 * The tables whose items the audit chain holds, defined once: routes/audit.ts makes one stream consumer of
 * each (its event source mapping's filter on AWS, the local stream reader's filter under `npm start`, both
 * from this), the verification reads back each source from the table named here.
 *
 * A modify or a delete of an append-only item is not chained: nothing writes one but someone tampering, and
 * the verification then finds the item no longer matching the digest chained at its insert (or gone).
 */
export const AUDIT_SOURCES = {
  /** Every case and ledger event (store/cases/case-store.ts: `CASE#<caseId>` / `EVENT#<seq>`). */
  cases: { sortKeyBeginsWith: 'EVENT#', eventNames: ['INSERT'], kind: 'appendOnly' },
  /**
   * Every tally snapshot (store/evaluation/tally-store.ts: `P#<periodId>` / `S#<unitId>#<day>`), each version:
   * a later run of the same CST day replaces the day's snapshot. The table's counters, tallies and
   * flagged batches change all the time and never reach the chain.
   */
  tallies: { sortKeyBeginsWith: 'S#', eventNames: ['INSERT', 'MODIFY'], kind: 'versioned' },
  /** Every disclosure event: proposal, edit, approval, publication, withdrawal (store/disclosure/disclosure-store.ts). */
  disclosures: { sortKeyBeginsWith: 'EVENT#', eventNames: ['INSERT'], kind: 'appendOnly' },
  /**
   * Every version of a briefing or monthly report (store/briefings/briefing-store.ts: `K#<kind>` / `W#<from>`):
   * the drafts as edited, and its publication, after which it is never written again. The number counters
   * and the admin's settings are not chained: a published briefing carries its number, office and thresholds.
   */
  briefings: { sortKeyBeginsWith: 'W#', eventNames: ['INSERT', 'MODIFY'], kind: 'versioned' },
} as const satisfies Partial<Record<StreamTableKey, AuditSourceDefinition>>;

export type AuditedTable = keyof typeof AUDIT_SOURCES;

/** The tables chained. */
export const AUDITED_TABLES = Object.keys(AUDIT_SOURCES) as AuditedTable[];

/** How a chained table's items change; undefined for a table not chained. */
export const kindOf = (table: string): AuditSourceKind | undefined => (AUDIT_SOURCES as Record<string, AuditSourceDefinition>)[table]?.kind;
