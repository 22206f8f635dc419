import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { canonicalJson } from '../canonical';

/**
 * The tamper-evident audit chain (审计链): every change worth answering for — a case or ledger event, an
 * approval or a publication, a tally snapshot — is appended as one record of a single chain, in the order
 * the audit consumers saw it. A record names its source item (table and key), carries the SHA-256 digest
 * of that item's canonical JSON, and the hash of the record before it; its own hash covers all of that. So
 * altering a record breaks its hash, removing or reordering one breaks the next record's `prev` (or leaves
 * a gap in `seq`), and altering or deleting the source item no longer matches the digest chained for it:
 * `verifyChain` (verify.ts) names the first such broken link.
 */

/** The `prev` of record 1. */
export const GENESIS_HASH = '0'.repeat(64);

const ZHex64 = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** The item a record stands for: a table of store/tables.ts (its key in TABLES) and the item's key. */
export const ZAuditSource = z.object({ table: z.string().check(z.minLength(1)), pk: z.string(), sk: z.string() });
export type AuditSource = z.infer<typeof ZAuditSource>;

/** How the stream reported the source item: a new item, or a new version of one (a snapshot of the day replaced). */
export const ZAuditChange = z.enum(['INSERT', 'MODIFY']);
export type AuditChange = z.infer<typeof ZAuditChange>;

/** One record of the chain. */
export const ZAuditRecord = z
  .object({
    /** 1, 2, 3 … without gaps. */
    seq: z.int().check(z.minimum(1)),
    source: ZAuditSource,
    change: ZAuditChange,
    /** The stream record's sequence number: which version of the source this is. */
    streamSequence: z.string().check(z.regex(/^\d{1,40}$/)),
    /** When it was chained (UTC). */
    at: z.iso.datetime(),
    /** SHA-256 of the source item's canonical JSON (`digestOf`). */
    digest: ZHex64,
    /** The hash of record `seq - 1` (GENESIS_HASH for record 1). */
    prev: ZHex64,
    /** SHA-256 of `prev` followed by the canonical JSON of every other field (`recordHash`). */
    hash: ZHex64,
  })
  .register(z.globalRegistry, { id: 'AuditRecord', description: 'One record of the tamper-evident audit chain.' });
export type AuditRecord = z.infer<typeof ZAuditRecord>;

/** Where the chain ends: the last record's seq and hash (none yet: no head). */
export const ZChainHead = z.object({ seq: z.int().check(z.minimum(1)), hash: ZHex64 });
export type ChainHead = z.infer<typeof ZChainHead>;

/** A source change on its way into the chain. */
export interface AuditEntry {
  source: AuditSource;
  change: AuditChange;
  streamSequence: string;
  digest: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The value as plain JSON data: sets (DynamoDB's SS/NS) as sorted arrays and binary as base64, so that an
 * item read from a stream image and the same item read back later give the same canonical JSON.
 */
function plain(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(plain).sort((a, b) => (canonicalJson(a) < canonicalJson(b) ? -1 : 1));
  if (value instanceof Uint8Array) return { binary: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** The digest of a source item (its every attribute, keys included): SHA-256 of its canonical JSON. */
export const digestOf = (item: Record<string, unknown>): string => sha256(canonicalJson(plain(item)));

/** A record's hash: SHA-256 of its `prev` followed by the canonical JSON of the record without `hash`. */
export function recordHash(record: Omit<AuditRecord, 'hash'> & { hash?: string }): string {
  const { hash: _hash, ...rest } = record;
  return sha256(`${rest.prev}${canonicalJson(rest)}`);
}

/** The record that appends `entry` after `head` (no head: the first record). */
export function nextRecord(head: ChainHead | undefined, entry: AuditEntry, at: Date): AuditRecord {
  const unsigned = {
    seq: (head?.seq ?? 0) + 1,
    source: entry.source,
    change: entry.change,
    streamSequence: entry.streamSequence,
    at: at.toISOString(),
    digest: entry.digest,
    prev: head?.hash ?? GENESIS_HASH,
  };
  return { ...unsigned, hash: recordHash(unsigned) };
}

/**
 * A stream sequence number padded to 40 digits (the longest DynamoDB Streams gives), so that two of them
 * compare as strings in the order they compare as numbers: a condition on the marker item can then tell an
 * older delivery from a newer version.
 */
export const paddedSequence = (sequenceNumber: string): string => sequenceNumber.padStart(40, '0');

/** What the chain's store does with one append (ports.ts `AuditChainPort.append`). */
export type AppendOutcome =
  | { kind: 'appended' }
  /** The source's version was chained before (a redelivered stream record): nothing was written. */
  | { kind: 'duplicate' }
  /** Another append moved the head first: nothing was written; this is the head now (undefined: none). */
  | { kind: 'headMoved'; head: ChainHead | undefined };
