import type { AppendOutcome, AuditRecord, AuditSource, ChainHead } from './chain';

/** What the audit chain's use cases need from storage (store/audit/audit-store.ts gives them). */

/**
 * How a source's items change, which decides what `verify` expects of them:
 * - `appendOnly`: written once, never changed (case and ledger events, approvals, publications). One record
 *   per item; a second insert of the same key is never chained again, so the item as it stands must match
 *   the digest chained first.
 * - `versioned`: replaced by later versions on purpose (a tally snapshot of the day, replaced by the day's
 *   later runs). Each version is chained; the item as it stands must match its latest chained version.
 */
export type AuditSourceKind = 'appendOnly' | 'versioned';

/** The per-source marker kept beside the chain: the record that chained the source's latest version. */
export interface SourceMarker {
  seq: number;
}

export interface AuditChainPort {
  /**
   * Appends `record` (whose `prev` and `seq` follow `expected`, the head it was made from) in one
   * transaction with the new head and the source's marker: only if the head is still `expected` and the
   * source's version is newer than any chained before (for an `appendOnly` source: never chained).
   */
  append(record: AuditRecord, expected: ChainHead | undefined, kind: AuditSourceKind): Promise<AppendOutcome>;
}

export interface AuditAppendDeps extends AuditChainPort {
  now(): Date;
}

/** The current state of the source items of some records (one read per page of the chain). */
export interface SourceState {
  /** The source's marker; undefined when there is none. */
  marker: SourceMarker | undefined;
  /** The digest of the source item as it stands now; null when it is gone. */
  digest: string | null;
}

export interface AuditVerifyDeps {
  /** The head item; undefined before the first record. */
  readHead(): Promise<ChainHead | undefined>;
  /** The record `seq`, unchecked (as stored: it may not even parse); undefined when there is none. */
  readRecord(seq: number): Promise<unknown>;
  /** The records after `afterSeq`, in seq order, page by page, each as stored (unchecked). */
  recordPages(afterSeq: number): AsyncIterable<unknown[]>;
  /** The marker and the current digest of each source, keyed by `sourceKey`. */
  sourceStates(sources: readonly AuditSource[]): Promise<Map<string, SourceState>>;
  /** How each chained table's items change. */
  kindOf(table: string): AuditSourceKind | undefined;
  /** Waits (the stream's lag: a newer version of a source on its way to the chain). */
  sleep(ms: number): Promise<void>;
  now(): Date;
}

/** One key for a source item. */
export const sourceKey = (source: AuditSource): string => JSON.stringify([source.table, source.pk, source.sk]);

