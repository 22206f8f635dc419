import * as z from 'zod/mini';
import { ZId } from '../ids';

/**
 * The byte layout and the files of the ballot commitment ("was my rating counted?", 我的评价计入了吗): one
 * definition, read by the server that builds the tree (commitment.ts, with Node's crypto) and by the public page
 * that checks a proof in the browser (web/src/pages/disclosure/counted.tsx, with WebCrypto). Nothing here hashes:
 * each function takes the SHA-256 it is given, so both sides run exactly these lines.
 *
 * The construction, so that anyone can verify it by hand (all hashes SHA-256, written as lowercase hex):
 *
 * 1. Lookup key of a ballot: H( UTF-8("pingyi-ballot-key/v1\n" + periodId + "\n" + receiptCode) ), receiptCode
 *    written as the receipt shows it (`XXXX-XXXX-XXXX`, upper case). Only the holder of the receipt code can
 *    compute it; the published files hold keys, never codes.
 * 2. Leaf of a ballot: H( 0x00 ‖ UTF-8(lines) ), lines joined by "\n":
 *    `pingyi-ballot-leaf/v1`, periodId, lookup key, status (`counted` | `excluded`), the reason it was excluded
 *    as a whole (empty when counted), and the units it was excluded for while counted for others as
 *    `unitId:reason` sorted and joined by "," (empty when none). No rating, answer, group, time or token is in
 *    a leaf.
 * 3. Tree: the leaf hashes sorted ascending (as bytes; so the root does not depend on the order ballots were
 *    read), paired left to right level by level; a node is H( 0x01 ‖ left ‖ right ) over the 32 raw bytes of
 *    each; an odd last node is carried up to the next level unchanged (never paired with itself). The root of
 *    no leaves is H(empty).
 * 4. Proof of a ballot: its siblings from the leaf up, each written `L<hex>` (the sibling is on the left: node =
 *    H(0x01 ‖ sibling ‖ current)) or `R<hex>` (on the right). A proof holds when folding it from the leaf gives
 *    the published root.
 */

/** The version tag of the files and of the hashed layout. */
export const COMMITMENT_FORMAT = 'pingyi-ballot-commitment/v1';
export const LOOKUP_TAG = 'pingyi-ballot-key/v1';
export const LEAF_TAG = 'pingyi-ballot-leaf/v1';
/** Domain separation: a leaf can never be read as a node, nor a node as a leaf. */
export const LEAF_PREFIX = 0x00;
export const NODE_PREFIX = 0x01;
/** Where a publication's commitment lives under the public site's root, and how its proofs are sharded. */
export const COMMITMENTS_DIR = 'commitments';
export const ROOT_FILE = 'root.json';
export const PROOFS_DIR = 'proofs';

const ZHash = z.string().check(z.regex(/^[0-9a-f]{64}$/));
/** A tally's exclusion reason (tally.ts EXCLUSION_REASONS, which the page cannot import: the tally needs node:crypto). */
const ZReason = z.string().check(z.regex(/^[a-zA-Z]{1,40}$/));

/** One ballot's entry in a proof shard: its lookup key, what its leaf says (LeafFields), and its proof. */
export const ZCommitmentEntry = z.object({
  key: ZHash,
  status: z.enum(['counted', 'excluded']),
  reason: z.optional(ZReason),
  excludedFor: z.optional(z.array(z.object({ unitId: ZId, reason: ZReason }))),
  proof: z.array(z.string().check(z.regex(/^[LR][0-9a-f]{64}$/))),
});
export type CommitmentEntry = z.infer<typeof ZCommitmentEntry>;

/** The root file of a publication's commitment: `commitments/<periodId>/<publicationId>/root.json`. */
export const ZCommitmentRoot = z.object({
  format: z.literal(COMMITMENT_FORMAT),
  periodId: ZId,
  publicationId: ZId,
  root: ZHash,
  total: z.int(),
  counted: z.int(),
  excluded: z.int(),
  excludedBy: z.record(ZReason, z.int()),
  /** How many leading hex digits of a lookup key name its shard (`proofs/<prefix>.json`). */
  shardPrefixLength: z.int().check(z.minimum(1), z.maximum(3)),
  committedAt: z.iso.datetime(),
});
export type CommitmentRoot = z.infer<typeof ZCommitmentRoot>;

/** A proof shard: `commitments/<periodId>/<publicationId>/proofs/<prefix>.json`, every entry whose key starts so. */
export const ZCommitmentShard = z.object({
  format: z.literal(COMMITMENT_FORMAT),
  periodId: ZId,
  publicationId: ZId,
  root: ZHash,
  entries: z.array(ZCommitmentEntry),
});
export type CommitmentShard = z.infer<typeof ZCommitmentShard>;

/** SHA-256 as the caller has it: Node's createHash, or the browser's SubtleCrypto.digest. */
export type Sha256 = (bytes: Uint8Array<ArrayBuffer>) => Uint8Array | Promise<Uint8Array>;

export type CommitmentStatus = 'counted' | 'excluded';

/** What a leaf says about its ballot, as published next to its proof. */
export interface LeafFields {
  status: CommitmentStatus;
  /** Why it was excluded as a whole (status `excluded`). */
  reason?: string;
  /** Units it was excluded for while counted for others (status `counted`), with the reason. */
  excludedFor?: readonly { unitId: string; reason: string }[];
}

// Crockford's base 32 as the receipt shows it; what is typed by hand may use o/i/l for 0/1/1.
const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{12}$/;

/** A receipt code as typed (any case, spaces, dashes, O for 0, I or L for 1) in its printed form, or undefined. */
export function normalReceiptCode(typed: string): string | undefined {
  const plain = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!CROCKFORD.test(plain)) return undefined;
  return `${plain.slice(0, 4)}-${plain.slice(4, 8)}-${plain.slice(8)}`;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new Error('not lowercase hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The bytes whose hash is a ballot's lookup key (1. above); `receiptCode` in its printed form. */
export const lookupKeyBytes = (periodId: string, receiptCode: string): Uint8Array<ArrayBuffer> => utf8(`${LOOKUP_TAG}\n${periodId}\n${receiptCode}`);

/** The bytes whose hash is a ballot's leaf (2. above). */
export function leafBytes(periodId: string, lookupKey: string, fields: LeafFields): Uint8Array<ArrayBuffer> {
  const parts = (fields.excludedFor ?? []).map((p) => `${p.unitId}:${p.reason}`).sort();
  const text = utf8([LEAF_TAG, periodId, lookupKey, fields.status, fields.reason ?? '', parts.join(',')].join('\n'));
  const bytes = new Uint8Array(text.length + 1);
  bytes[0] = LEAF_PREFIX;
  bytes.set(text, 1);
  return bytes;
}

/** The bytes whose hash is an inner node (3. above). */
export function nodeBytes(left: Uint8Array, right: Uint8Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(1 + left.length + right.length);
  bytes[0] = NODE_PREFIX;
  bytes.set(left, 1);
  bytes.set(right, 1 + left.length);
  return bytes;
}

/** How many leading hex digits of the lookup key name a proof shard: about SHARD_TARGET proofs per file. */
export const SHARD_TARGET = 128;
export const shardPrefixLength = (total: number): number => (total <= 16 * SHARD_TARGET ? 1 : total <= 256 * SHARD_TARGET ? 2 : 3);

/** A publication's folder, its root file and the shard holding a lookup key's proof, relative to the public root. */
export const commitmentDir = (periodId: string, publicationId: string) => `${COMMITMENTS_DIR}/${periodId}/${publicationId}`;
export const rootPath = (periodId: string, publicationId: string) => `${commitmentDir(periodId, publicationId)}/${ROOT_FILE}`;
export const shardPath = (periodId: string, publicationId: string, lookupKey: string, prefixLength: number) =>
  `${commitmentDir(periodId, publicationId)}/${PROOFS_DIR}/${lookupKey.slice(0, prefixLength)}.json`;

/** A ballot's lookup key (hex), from its period and receipt code. */
export async function lookupKeyOf(sha256: Sha256, periodId: string, receiptCode: string): Promise<string> {
  return toHex(await sha256(lookupKeyBytes(periodId, receiptCode)));
}

/** Folds a proof from a leaf: the root it leads to (hex), or undefined for a malformed proof. */
export async function rootFromProof(sha256: Sha256, leaf: Uint8Array, proof: readonly string[]): Promise<string | undefined> {
  let current = leaf;
  for (const step of proof) {
    const side = step[0];
    const hex = step.slice(1);
    if ((side !== 'L' && side !== 'R') || !/^[0-9a-f]{64}$/.test(hex)) return undefined;
    const sibling = fromHex(hex);
    current = await sha256(side === 'L' ? nodeBytes(sibling, current) : nodeBytes(current, sibling));
  }
  return toHex(current);
}

/**
 * Whether a published entry (its leaf fields and proof) proves that the ballot of a receipt is under `root`:
 * the leaf is recomputed from the receipt's period and code and the entry's fields, and the proof folded up.
 * Any change to the fields, the proof, the period or the code gives another root.
 */
export async function verifyWith(
  sha256: Sha256,
  root: string,
  receipt: { periodId: string; receiptCode: string },
  entry: LeafFields & { proof: readonly string[] },
): Promise<boolean> {
  const code = normalReceiptCode(receipt.receiptCode);
  if (!code) return false;
  const key = await lookupKeyOf(sha256, receipt.periodId, code);
  const leaf = await sha256(leafBytes(receipt.periodId, key, entry));
  return (await rootFromProof(sha256, leaf, entry.proof)) === root;
}
