import { createHash } from 'node:crypto';
import type { BallotOutcome } from '../evaluation/tally';
import {
  COMMITMENT_FORMAT,
  type CommitmentEntry,
  type CommitmentRoot,
  type CommitmentShard,
  fromHex,
  leafBytes,
  lookupKeyBytes,
  nodeBytes,
  normalReceiptCode,
  rootPath,
  shardPath,
  shardPrefixLength,
  toHex,
  verifyWith,
  type LeafFields,
} from './commitment-layout';

/**
 * The ballot commitment (选票承诺) published with a period's scores: a Merkle root over one leaf per stored
 * ballot, saying whether the published figures counted it or excluded it and why, and for each ballot a proof
 * that only the holder of its receipt code can find and check. The byte layout and the verification are
 * defined once in commitment-layout.ts (read by the public page too); this module builds the tree and the
 * files with Node's SHA-256.
 *
 * What the public files reveal: the number of ballots, counted and excluded (by reason) — as the published
 * figures do — and per ballot an unlinkable lookup key with its status and proof. Never a rating, an answer, a
 * receipt code or anything about the respondent. A receipt code has 60 random bits: guessing codes to match
 * keys is not practical, and even a match says only what the receipt's holder can already see.
 */

const sha256 = (bytes: Uint8Array): Uint8Array => createHash('sha256').update(bytes).digest();

export { ZCommitmentEntry, ZCommitmentRoot, ZCommitmentShard, type CommitmentEntry, type CommitmentRoot, type CommitmentShard } from './commitment-layout';

/** A ballot to commit to: its receipt code (or, for an item that cannot be read as a response, its reference) and its outcome. */
export interface CommittedBallot {
  /** The receipt code of a readable ballot. */
  receiptCode?: string;
  /** The stored reference: keys a leaf only when there is no receipt code to key it by. */
  ballotRef: string;
  outcome: Pick<BallotOutcome, 'status' | 'reason' | 'excludedFor'>;
}

/** A ballot's lookup key (hex) from its period and receipt code (commitment-layout.ts 1.). */
export function lookupKey(periodId: string, receiptCode: string): string {
  const code = normalReceiptCode(receiptCode);
  if (!code) throw new Error('not a receipt code');
  return toHex(sha256(lookupKeyBytes(periodId, code)));
}

/**
 * The key of a stored item that has no readable receipt code: still a leaf (the figures count it as excluded,
 * `unreadable`), under a tag of its own so it can never equal a receipt's key.
 */
const orphanKey = (periodId: string, ballotRef: string) => toHex(sha256(new TextEncoder().encode(`pingyi-ballot-orphan/v1\n${periodId}\n${ballotRef}`)));

/** A leaf's hash (hex) (commitment-layout.ts 2.). */
export const leafHash = (periodId: string, key: string, fields: LeafFields): string => toHex(sha256(leafBytes(periodId, key, fields)));

/**
 * A Merkle tree over leaf hashes (hex) by commitment-layout.ts 3.: the root, and each leaf's proof by its
 * hash. The leaves are sorted first, so any order of the same leaves gives the same root.
 */
export function merkleTree(leaves: readonly string[]): { root: string; proofOf(leaf: string): string[] } {
  const sorted = [...leaves].sort();
  if (sorted.length === 0) return { root: toHex(sha256(new Uint8Array())), proofOf: () => [] };
  const levels: Uint8Array[][] = [sorted.map(fromHex)];
  while (levels.at(-1)!.length > 1) {
    const below = levels.at(-1)!;
    const above: Uint8Array[] = [];
    for (let i = 0; i < below.length; i += 2) above.push(i + 1 < below.length ? sha256(nodeBytes(below[i]!, below[i + 1]!)) : below[i]!);
    levels.push(above);
  }
  const position = new Map(sorted.map((leaf, i) => [leaf, i]));
  return {
    root: toHex(levels.at(-1)![0]!),
    proofOf(leaf: string): string[] {
      let i = position.get(leaf);
      if (i === undefined) throw new Error('no such leaf');
      const proof: string[] = [];
      for (const level of levels.slice(0, -1)) {
        const sibling = i ^ 1;
        // An odd last node is carried up: no step at that level.
        if (sibling < level.length) proof.push(`${i % 2 === 0 ? 'R' : 'L'}${toHex(level[sibling]!)}`);
        i >>= 1;
      }
      return proof;
    },
  };
}

/**
 * Whether `entry` proves that the ballot of `receipt` is under `root` (commitment-layout.ts verifyWith, with
 * Node's SHA-256; the page runs the same with WebCrypto).
 */
export const verifyInclusion = (root: string, receipt: { periodId: string; receiptCode: string }, entry: LeafFields & { proof: readonly string[] }) =>
  verifyWith(sha256, root, receipt, entry);

const fieldsOf = (outcome: CommittedBallot['outcome']): LeafFields & Pick<CommitmentEntry, 'reason' | 'excludedFor'> =>
  outcome.status === 'excluded'
    ? { status: 'excluded', ...(outcome.reason ? { reason: outcome.reason } : {}) }
    : {
        status: 'counted',
        ...(outcome.excludedFor.length > 0
          ? { excludedFor: [...outcome.excludedFor].sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0)) }
          : {}),
      };

/**
 * A publication's commitment to every stored ballot of a period: the root with the counts, and the static
 * files to publish (paths relative to the public site's root): root.json, and every proof shard — each
 * written even when empty, so that a missing file means a missing publication, never a missing ballot.
 */
export function commitBallots(
  ballots: readonly CommittedBallot[],
  { periodId, publicationId, committedAt }: { periodId: string; publicationId: string; committedAt: string },
): { root: CommitmentRoot; files: { path: string; body: string }[] } {
  const entries = ballots.map((b) => {
    const key = b.receiptCode !== undefined && normalReceiptCode(b.receiptCode) ? lookupKey(periodId, b.receiptCode) : orphanKey(periodId, b.ballotRef);
    const fields = fieldsOf(b.outcome);
    return { key, fields, leaf: leafHash(periodId, key, fields) };
  });
  const tree = merkleTree(entries.map((e) => e.leaf));
  const excludedBy: Record<string, number> = {};
  for (const { fields } of entries) if (fields.status === 'excluded' && fields.reason) excludedBy[fields.reason] = (excludedBy[fields.reason] ?? 0) + 1;
  const excluded = entries.filter((e) => e.fields.status === 'excluded').length;
  const prefixLength = shardPrefixLength(entries.length);
  const root: CommitmentRoot = {
    format: COMMITMENT_FORMAT,
    periodId,
    publicationId,
    root: tree.root,
    total: entries.length,
    counted: entries.length - excluded,
    excluded,
    excludedBy,
    shardPrefixLength: prefixLength,
    committedAt,
  };
  const shards = new Map<string, CommitmentEntry[]>();
  for (let n = 0; n < 16 ** prefixLength; n++) shards.set(n.toString(16).padStart(prefixLength, '0'), []);
  for (const { key, fields, leaf } of entries) shards.get(key.slice(0, prefixLength))!.push({ key, ...fields, proof: tree.proofOf(leaf) });
  const files = [{ path: rootPath(periodId, publicationId), body: JSON.stringify(root) }];
  for (const [prefix, list] of shards) {
    list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const shard: CommitmentShard = { format: COMMITMENT_FORMAT, periodId, publicationId, root: tree.root, entries: list };
    files.push({ path: shardPath(periodId, publicationId, prefix, prefixLength), body: JSON.stringify(shard) });
  }
  return { root, files };
}
