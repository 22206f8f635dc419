import * as z from 'zod/mini';
import { GENESIS_HASH, ZAuditRecord, ZAuditSource, ZChainHead, recordHash, type AuditRecord, type ChainHead } from './chain';
import { schemaMessage } from '../messages';
import { AUDIT_MESSAGES } from './messages';
import { sourceKey, type AuditVerifyDeps, type SourceState } from './ports';

/**
 * Re-deriving the audit chain (chain.ts) from a record on (record 1 by default) and naming its first broken
 * link. Memory stays bounded whatever the chain's length: records are read page by page, and each page's
 * source items are read back together.
 */

/** What can be wrong at a link. */
export const ZChainBreakKind = z.enum([
  /** The record does not parse as a record (a field removed or mistyped). */
  'recordUnreadable',
  /** The record's hash does not recompute from its fields: the record was altered. */
  'recordAltered',
  /** The record's `prev` is not the hash of the record before it (one removed, replaced or re-hashed). */
  'linkBroken',
  /** A seq is missing: the record before the head (or between two records) is gone. */
  'recordMissing',
  /** The head item does not match the record it names. */
  'headMismatch',
  /** The source's marker does not name this record as its latest version (altered or deleted beside the chain). */
  'markerMismatch',
  /** The source item no longer matches the digest chained for it: it was altered after it was chained. */
  'sourceAltered',
  /** The source item is gone. */
  'sourceMissing',
]);
export type ChainBreakKind = z.infer<typeof ZChainBreakKind>;

export const ZChainBreak = z.object({
  seq: z.int().check(z.minimum(1)),
  kind: ZChainBreakKind,
  /** The source item the record names, where the break is about it (or the record could be read). */
  source: z.optional(ZAuditSource),
  /** What was expected there and what was found, for the operator. */
  detail: z.string(),
});
export type ChainBreak = z.infer<typeof ZChainBreak>;

export const ZChainReport = z
  .object({
    /** `intact`: every record checked holds; `broken`: see `firstBreak`; `incomplete`: the time ran out first (go on `after` verifiedThrough). */
    status: z.enum(['intact', 'broken', 'incomplete']),
    /** The first seq checked. */
    from: z.int().check(z.minimum(1)),
    /** The last seq whose link held (0: none). */
    verifiedThrough: z.int().check(z.minimum(0)),
    /** Records checked. */
    records: z.int().check(z.minimum(0)),
    /** The head as read when the verification began (records appended since are checked too). */
    head: z.nullable(ZChainHead),
    firstBreak: z.nullable(ZChainBreak),
    verifiedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'AuditChainReport', description: "What re-deriving the audit chain found: intact, or its first broken link." });
export type ChainReport = z.infer<typeof ZChainReport>;

/** The admin operation's query: `after`, to go on after a record (a verification that answered `incomplete`). */
export const ZVerifyQuery = z
  .object({ after: z.optional(z.string().check(z.regex(/^\d{1,12}$/, schemaMessage(AUDIT_MESSAGES.badRecordNumber)))) })
  .register(z.globalRegistry, { id: 'AuditVerifyQuery' });

export interface VerifyOptions {
  /** Start after this record (itself re-checked, its hash taken as the link): a verification continued. Default 0, from record 1. */
  afterSeq?: number;
  /** Stop (status `incomplete`) once this time (epoch ms) has passed; default none. */
  deadline?: number;
  /**
   * How long to wait before deciding that a replaceable (`versioned`) source that differs from its latest
   * chained version was altered: a newer version may be on its way through the stream. Default 0.
   */
  settleMs?: number;
}

/** Versioned sources that differed, rechecked together once this many have gathered (memory stays bounded). */
const PENDING_MAX = 500;
/** How often those are read again while they are given time to reach the chain. */
const SETTLE_POLL_MS = 250;

const ZStoredSeq = z.object({ seq: z.int() });

/** Re-derives the chain and names its first broken link (see ZChainBreakKind). */
export async function verifyChain(deps: AuditVerifyDeps, options: VerifyOptions = {}): Promise<ChainReport> {
  const afterSeq = options.afterSeq ?? 0;
  const head = (await deps.readHead()) ?? null;
  let last: ChainHead | undefined;
  let records = 0;
  let chainBreak: ChainBreak | undefined;
  let headChecked = head === null;
  let incomplete = false;
  let pending: { record: AuditRecord }[] = [];
  const settled: ChainBreak[] = [];

  const report = (): ChainReport => {
    const firstBreak = [chainBreak, ...settled].filter((b): b is ChainBreak => b !== undefined).sort((a, b) => a.seq - b.seq)[0] ?? null;
    return {
      status: firstBreak ? 'broken' : incomplete ? 'incomplete' : 'intact',
      from: afterSeq + 1,
      verifiedThrough: firstBreak ? firstBreak.seq - 1 : (last?.seq ?? afterSeq),
      records,
      head,
      firstBreak,
      verifiedAt: deps.now().toISOString(),
    };
  };

  /**
   * Rechecks the versioned sources that differed, every SETTLE_POLL_MS until `settleMs` has passed: one whose
   * newer version reached the chain meanwhile (its marker moved on), or that matches again, is fine; a
   * difference that stays is a break.
   */
  async function settle(): Promise<void> {
    let open = pending.map((p) => p.record);
    pending = [];
    let waited = 0;
    while (open.length > 0) {
      const remaining = (options.settleMs ?? 0) - waited;
      const last = remaining <= 0;
      if (!last) {
        const wait = Math.min(SETTLE_POLL_MS, remaining);
        await deps.sleep(wait);
        waited += wait;
      }
      const again = await deps.sourceStates(open.map((r) => r.source));
      const differing = open.filter((record) => {
        const state = again.get(sourceKey(record.source));
        return !(state?.marker && state.marker.seq > record.seq) && sourceBreak(record, state) !== undefined;
      });
      if (last) {
        const first = differing[0];
        if (first) settled.push(sourceBreak(first, again.get(sourceKey(first.source)))!);
        return;
      }
      open = differing;
    }
  }

  if (afterSeq > 0) {
    const parsed = ZAuditRecord.safeParse(await deps.readRecord(afterSeq));
    if (!parsed.success) return { ...report(), status: 'broken', verifiedThrough: afterSeq - 1, firstBreak: { seq: afterSeq, kind: 'recordUnreadable', detail: `record ${afterSeq}, where the verification goes on from, is missing or does not read.` } };
    if (recordHash(parsed.data) !== parsed.data.hash) return { ...report(), status: 'broken', verifiedThrough: afterSeq - 1, firstBreak: linkBreak(parsed.data, 'recordAltered') };
    last = { seq: afterSeq, hash: parsed.data.hash };
    if (head && head.seq === afterSeq) headChecked = true;
  }

  pages: for await (const page of deps.recordPages(afterSeq)) {
    const checked: AuditRecord[] = [];
    for (const stored of page) {
      const expectedSeq = (last?.seq ?? 0) + 1;
      const parsed = ZAuditRecord.safeParse(stored);
      if (!parsed.success) {
        const seq = ZStoredSeq.safeParse(stored);
        chainBreak =
          seq.success && seq.data.seq > expectedSeq
            ? { seq: expectedSeq, kind: 'recordMissing', detail: `no record ${expectedSeq}: the next one is ${seq.data.seq}.` }
            : { seq: expectedSeq, kind: 'recordUnreadable', detail: `record ${expectedSeq} does not read as an audit record (${parsed.error.issues.map((i) => i.path.join('.') || '(record)').join(', ')}).` };
        break;
      }
      const record = parsed.data;
      if (record.seq !== expectedSeq) {
        chainBreak = { seq: expectedSeq, kind: 'recordMissing', detail: `no record ${expectedSeq}: the next one is ${record.seq}.` };
        break;
      }
      if (recordHash(record) !== record.hash) {
        chainBreak = linkBreak(record, 'recordAltered');
        break;
      }
      const prev = last?.hash ?? GENESIS_HASH;
      if (record.prev !== prev) {
        chainBreak = { ...linkBreak(record, 'linkBroken'), detail: `record ${record.seq}'s prev is ${record.prev}, but record ${record.seq - 1}'s hash is ${prev}.` };
        break;
      }
      if (head && record.seq === head.seq) {
        headChecked = true;
        if (record.hash !== head.hash) {
          chainBreak = { seq: record.seq, kind: 'headMismatch', detail: `the head names record ${head.seq} with hash ${head.hash}, but that record's hash is ${record.hash}.` };
          break;
        }
      }
      last = { seq: record.seq, hash: record.hash };
      records += 1;
      checked.push(record);
    }

    // The sources of the records whose links held, read back together.
    const states = checked.length > 0 ? await deps.sourceStates(checked.map((r) => r.source)) : new Map<string, SourceState>();
    for (const record of checked) {
      const kind = deps.kindOf(record.source.table);
      // A table no longer chained: its records stay in the chain, its items are not held to them.
      if (kind === undefined) continue;
      const state = states.get(sourceKey(record.source));
      const marker = state?.marker;
      if (marker && marker.seq > record.seq && kind === 'versioned') continue; // a later version was chained
      if (kind === 'versioned' && marker?.seq === record.seq && state?.digest !== null && state?.digest !== record.digest) {
        pending.push({ record });
        continue;
      }
      const found = sourceBreak(record, state, kind === 'appendOnly');
      if (found) {
        chainBreak = chainBreak && chainBreak.seq < found.seq ? chainBreak : found;
        break;
      }
    }
    if (chainBreak) break pages;
    if (pending.length >= PENDING_MAX) {
      await settle();
      if (settled.length > 0) break pages;
    }
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      incomplete = true;
      break pages;
    }
  }

  if (!chainBreak && !incomplete && !headChecked && head) {
    const next = (last?.seq ?? 0) + 1;
    chainBreak = { seq: next, kind: 'recordMissing', detail: `the head names record ${head.seq}, but the chain ends at ${last?.seq ?? 0}.` };
  }
  await settle();
  return report();
}

function linkBreak(record: AuditRecord, kind: 'recordAltered' | 'linkBroken'): ChainBreak {
  return {
    seq: record.seq,
    kind,
    source: record.source,
    detail: kind === 'recordAltered' ? `record ${record.seq}'s hash does not recompute from its fields: the record was altered.` : `record ${record.seq} does not link to the record before it.`,
  };
}

/** What is wrong with a record's source item as it stands, if anything. */
function sourceBreak(record: AuditRecord, state: SourceState | undefined, exactMarker = false): ChainBreak | undefined {
  const at = (kind: ChainBreakKind, detail: string): ChainBreak => ({ seq: record.seq, kind, source: record.source, detail });
  const where = `${record.source.table} item (${record.source.pk}, ${record.source.sk})`;
  const marker = state?.marker;
  if (!marker || marker.seq < record.seq || (exactMarker && marker.seq !== record.seq)) {
    return at('markerMismatch', `the ${where}'s marker names record ${marker?.seq ?? 'none'}, not ${record.seq}.`);
  }
  if (!state || state.digest === null) return at('sourceMissing', `the ${where} chained in record ${record.seq} is gone.`);
  if (state.digest !== record.digest) return at('sourceAltered', `the ${where} no longer matches the digest chained in record ${record.seq}: it was altered after it was chained.`);
  return undefined;
}

