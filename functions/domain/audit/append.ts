import { nextRecord, type AuditEntry, type ChainHead } from './chain';
import type { AuditAppendDeps, AuditSourceKind } from './ports';

/** How often an append is tried against a moving head before it fails (and the stream delivers it again). */
export const APPEND_ATTEMPTS = 50;

/** What happened to one entry. */
export type ChainOutcome = 'chained' | 'duplicate';

/**
 * The chain's appender for one function instance. It remembers the head it last saw, so an append costs
 * one transaction and no read; when another instance (or another audit consumer) appended first, the
 * failed condition hands back the head as it is now and the append is made again on it. Records are
 * chained one after the other, in the order given.
 */
export function chainAppender(deps: AuditAppendDeps) {
  let head: ChainHead | undefined;

  return {
    /** Appends one source change to the chain, once however often it is given (a redelivery is a `duplicate`). */
    async append(entry: AuditEntry, kind: AuditSourceKind): Promise<ChainOutcome> {
      for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
        const record = nextRecord(head, entry, deps.now());
        const outcome = await deps.append(record, head, kind);
        if (outcome.kind === 'appended') {
          head = { seq: record.seq, hash: record.hash };
          return 'chained';
        }
        if (outcome.kind === 'duplicate') return 'duplicate';
        // Another append came first (or this instance has not seen the head yet): the head it left is where
        // this one goes. The store backs off before answering when the head moved under a head it was given.
        head = outcome.head;
      }
      throw new Error(`the audit chain's head kept moving: ${APPEND_ATTEMPTS} attempts`);
    },
  };
}
