import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newReceiptCode } from '../../../../functions/domain/evaluation/ballot-ids';
import type { RespondentGroup } from '../../../../functions/domain/evaluation/respondent-group';
import type { Appeal } from '../../../../functions/domain/evaluation/review';
import { RATING_LEVELS } from '../../../../functions/domain/evaluation/rating-scale';
import { PeriodTally, type StoredBallot } from '../../../../functions/domain/evaluation/tally';
import {
  ZCommitmentRoot,
  ZCommitmentShard,
  commitBallots,
  leafHash,
  lookupKey,
  merkleTree,
  verifyInclusion,
  type CommitmentEntry,
  type CommitmentShard,
} from '../../../../functions/domain/disclosure/commitment';
import { normalReceiptCode, rootFromProof, shardPath, verifyWith, fromHex } from '../../../../functions/domain/disclosure/commitment-layout';
import { commitPeriodBallots, type BallotCommitmentDeps } from '../../../../functions/store/disclosure/ballot-commitment';
import { aServiceRecordBallot, anAppeal, anOpenBallot, responseOf, tallyInputs } from '../../../fixtures/ballots';
import { NOW, scenario, versionOf } from '../../../fixtures/ballot-arbitraries';
import { aFormVersion, aPeriod } from '../../../fixtures/catalog';

const PERIOD = '2026-annual';
const PUBLICATION = 'pub-1';
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** The entry of a receipt in a commitment's files, found as the page finds it: root file, then its shard. */
function entryOf(files: { path: string; body: string }[], receiptCode: string, publication = PUBLICATION) {
  const root = ZCommitmentRoot.parse(JSON.parse(files.find((f) => f.path === `commitments/${PERIOD}/${publication}/root.json`)!.body));
  const key = lookupKey(PERIOD, receiptCode);
  const shard = files.find((f) => f.path === shardPath(PERIOD, publication, key, root.shardPrefixLength));
  const entries = (JSON.parse(shard!.body) as CommitmentShard).entries.filter((e) => e.key === key);
  return { root, entry: entries[0] as CommitmentEntry | undefined, shard: ZCommitmentShard.parse(JSON.parse(shard!.body)) };
}

describe('merkleTree', () => {
  it('gives the same root for the same leaves in any order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 40 }), fc.infiniteStream(fc.nat()), (texts, seeds) => {
        const leaves = texts.map(hex);
        const shuffled = [...leaves].map((l) => [seeds.next().value, l] as const).sort(([a], [b]) => a - b).map(([, l]) => l);
        expect(merkleTree(shuffled).root).toBe(merkleTree(leaves).root);
      }),
    );
  });

  it('proves every leaf of trees of every size up to 33, odd levels included', async () => {
    for (let n = 1; n <= 33; n++) {
      const leaves = Array.from({ length: n }, (_, i) => hex(`leaf ${n}.${i}`));
      const tree = merkleTree(leaves);
      for (const leaf of leaves) expect(await rootFromProof((b) => createHash('sha256').update(b).digest(), fromHex(leaf), tree.proofOf(leaf))).toBe(tree.root);
    }
  });

  it('carries an odd last node up unchanged and separates nodes from leaves', () => {
    // prepare: three leaves; sorted, the third has no sibling at the first level
    const [a, b, c] = [hex('a'), hex('b'), hex('c')].sort() as [string, string, string];
    const node = (l: string, r: string) => createHash('sha256').update(Buffer.concat([Buffer.from([1]), Buffer.from(l, 'hex'), Buffer.from(r, 'hex')])).digest('hex');

    // act
    const tree = merkleTree([c, a, b]);

    // assert
    expect(tree.root).toBe(node(node(a, b), c));
    expect(tree.proofOf(c)).toEqual([`L${node(a, b)}`]);
    expect(merkleTree([a]).root).toBe(a);
  });
});

describe('verifyInclusion', () => {
  const code = '7Q2M-K4RD-X9TB';
  const ballots = [
    { receiptCode: code, ballotRef: 'o.one', outcome: { status: 'counted' as const, excludedFor: [] } },
    { receiptCode: 'AAAA-BBBB-CCCC', ballotRef: 'o.two', outcome: { status: 'excluded' as const, reason: 'appealUpheld' as const, excludedFor: [] } },
    { receiptCode: '0000-1111-2222', ballotRef: 'o.three', outcome: { status: 'counted' as const, excludedFor: [] } },
  ];
  const { root, files } = commitBallots(ballots, { periodId: PERIOD, publicationId: PUBLICATION, committedAt: '2027-01-05T02:00:00.000Z' });

  it('proves a counted ballot and an excluded one with its reason', async () => {
    const counted = entryOf(files, code).entry!;
    const excluded = entryOf(files, 'AAAA-BBBB-CCCC').entry!;

    expect(counted.status).toBe('counted');
    expect(await verifyInclusion(root.root, { periodId: PERIOD, receiptCode: code }, counted)).toBe(true);
    expect(excluded).toMatchObject({ status: 'excluded', reason: 'appealUpheld' });
    expect(await verifyInclusion(root.root, { periodId: PERIOD, receiptCode: 'aaaa bbbb cccc' }, excluded)).toBe(true);
  });

  it('fails a tampered proof, a changed status or reason, another receipt or another period', async () => {
    const entry = entryOf(files, code).entry!;
    const receipt = { periodId: PERIOD, receiptCode: code };
    const flipped = entry.proof.map((step, i) => (i === 0 ? `${step[0]}${step[1] === '0' ? '1' : '0'}${step.slice(2)}` : step));
    const swapped = entry.proof.map((step) => `${step[0] === 'L' ? 'R' : 'L'}${step.slice(1)}`);

    expect(await verifyInclusion(root.root, receipt, { ...entry, proof: flipped })).toBe(false);
    expect(await verifyInclusion(root.root, receipt, { ...entry, proof: swapped })).toBe(false);
    expect(await verifyInclusion(root.root, receipt, { ...entry, proof: entry.proof.slice(1) })).toBe(false);
    expect(await verifyInclusion(root.root, receipt, { ...entry, status: 'excluded', reason: 'flagged' })).toBe(false);
    expect(await verifyInclusion(root.root, { periodId: PERIOD, receiptCode: 'AAAA-BBBB-CCCD' }, entry)).toBe(false);
    expect(await verifyInclusion(root.root, { periodId: '2025-annual', receiptCode: code }, entry)).toBe(false);
    expect(await verifyInclusion(hex('another root'), receipt, entry)).toBe(false);
  });

  it('verifies in the browser’s way too: WebCrypto digest through the same layout', async () => {
    const entry = entryOf(files, code).entry!;
    const webSha = async (bytes: Uint8Array<ArrayBuffer>) => new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));

    expect(await verifyWith(webSha, root.root, { periodId: PERIOD, receiptCode: code }, entry)).toBe(true);
  });

  it('reads receipt codes as typed by hand', () => {
    expect(normalReceiptCode(' 7q2m k4rd x9tb ')).toBe(code);
    expect(normalReceiptCode('0O1I-L000-0000')).toBe('0011-1000-0000');
    expect(normalReceiptCode('7Q2M-K4RD-X9T')).toBeUndefined();
    expect(normalReceiptCode('7Q2M-K4RD-X9TU')).toBeUndefined();
  });
});

describe('commitBallots', () => {
  it('writes the root, counts by reason and every shard, so a missing file never means a missing ballot', () => {
    const ballots = Array.from({ length: 40 }, (_, i) => ({
      receiptCode: newReceiptCode(),
      ballotRef: `o.b${i}`,
      outcome: i % 4 === 0 ? { status: 'excluded' as const, reason: 'flagged' as const, excludedFor: [] } : { status: 'counted' as const, excludedFor: [] },
    }));

    const { root, files } = commitBallots(ballots, { periodId: PERIOD, publicationId: PUBLICATION, committedAt: '2027-01-05T02:00:00.000Z' });

    expect(root).toMatchObject({ total: 40, counted: 30, excluded: 10, excludedBy: { flagged: 10 }, shardPrefixLength: 1 });
    expect(files.map((f) => f.path).filter((p) => p.includes('/proofs/'))).toHaveLength(16);
    const entries = files.filter((f) => f.path.includes('/proofs/')).flatMap((f) => ZCommitmentShard.parse(JSON.parse(f.body)).entries);
    expect(entries).toHaveLength(40);
    expect(new Set(entries.map((e) => leafHash(PERIOD, e.key, e))).size).toBe(40);
  });
});

describe('PeriodTally ballot outcomes (what a leaf says)', () => {
  it('agree with the figures of the same tally: per period, every exclusion by reason; per unit, every part excluded', () => {
    fc.assert(
      fc.property(scenario, ({ period, ballots, batchReviews, appeals }) => {
        const tally = new PeriodTally(period, tallyInputs({ appeals, batchReviews }), { outcomes: true });
        for (const ballot of ballots) tally.add(ballot, versionOf(ballot));
        const { run, tallies } = tally.result(NOW);
        const outcomes = tally.ballotOutcomes();

        expect(outcomes.map((o) => o.index)).toEqual(ballots.map((_, i) => i));
        const byReason: Record<string, number> = {};
        for (const o of outcomes) if (o.status === 'excluded') byReason[o.reason!] = (byReason[o.reason!] ?? 0) + 1;
        expect(byReason).toEqual(run.excluded);
        // A counted ballot's excluded parts are its units' exclusions that no whole-ballot exclusion explains.
        const partly: Record<string, number> = {};
        for (const o of outcomes) for (const p of o.excludedFor) partly[`${p.unitId}/${p.reason}`] = (partly[`${p.unitId}/${p.reason}`] ?? 0) + 1;
        for (const t of tallies) {
          for (const [reason, n] of Object.entries(t.excluded)) expect(partly[`${t.unitId}/${reason}`] ?? 0).toBeLessThanOrEqual(n ?? 0);
        }
        for (const o of outcomes) if (o.status === 'excluded') expect(o.excludedFor).toEqual([]);
        // And the parts a counted ballot was counted for are exactly each unit's N + 不了解.
        const countedParts: Record<string, number> = {};
        for (const o of outcomes) {
          const ballot = ballots[o.index]!;
          if (o.status !== 'counted' || !ballot.ok) continue;
          const onForm = new Set(versionOf(ballot)!.content.unitIds);
          const excluded = new Set(o.excludedFor.map((p) => p.unitId));
          for (const unitId of Object.keys(ballot.response.units)) if (onForm.has(unitId) && !excluded.has(unitId)) countedParts[unitId] = (countedParts[unitId] ?? 0) + 1;
        }
        for (const t of tallies) expect(countedParts[t.unitId] ?? 0).toBe(t.n + t.dontKnow);
      }),
      { numRuns: 60 },
    );
  });
});

describe('commitPeriodBallots', () => {
  const period = aPeriod();
  const comment = '窗口工作人员态度很差，电话13812345678';
  const deps = (ballots: { ballotRef: string; ballot: StoredBallot }[], appeals: Appeal[] = []): BallotCommitmentDeps => ({
    getPeriod: async (id) => (id === period.periodId ? period : undefined),
    listGroups: async () => [...tallyInputs().groups] as RespondentGroup[],
    listAppeals: async () => appeals,
    listBatchReviews: async () => [],
    getFormVersion: async (formId, version) => (formId === 'district-2026' && version === 1 ? aFormVersion() : undefined),
    async *periodBallots() {
      yield* ballots;
    },
    now: () => new Date('2027-01-05T02:00:00.000Z'),
  });
  const rated = (level: string) =>
    aServiceRecordBallot({ receiptCode: newReceiptCode(), units: { 'tax-bureau': { overall: level, comment } }, answers: { group: 'citizen' } });

  it('says of each ballot what the tally did with it, by the tally’s own rules', async () => {
    // prepare: one ballot per level, one appealed, one on a form version that does not exist, one unreadable
    const ballots = [...RATING_LEVELS.map(rated), rated('dissatisfied'), aServiceRecordBallot({ receiptCode: newReceiptCode(), version: 9 })];
    const appealed = responseOf(ballots[5]!);
    const stored = [...ballots.map((b) => ({ ballotRef: responseOf(b).ballotRef, ballot: b })), { ballotRef: 'r.unreadable1', ballot: { ok: false as const, unitIds: ['tax-bureau'] } }];
    const tally = new PeriodTally(period, tallyInputs({ appeals: [anAppeal(appealed.ballotRef)] }));
    for (const { ballot } of stored) tally.add(ballot, ballot.ok && ballot.response.version === 1 ? aFormVersion() : undefined);
    const { run } = tally.result(new Date());

    // act
    const commitment = await commitPeriodBallots(deps(stored, [anAppeal(appealed.ballotRef)]), { periodId: PERIOD, publicationId: PUBLICATION });

    // assert: the same figures as the tally's
    const excludedInRun = Object.values(run.excluded).reduce((a, b) => a + (b ?? 0), 0);
    expect(commitment).toMatchObject({ total: run.ballots, excluded: excludedInRun, counted: run.ballots - excludedInRun });
    const { root } = entryOf(commitment.files, responseOf(ballots[0]!).receiptCode);
    expect(root.excludedBy).toEqual(run.excluded);
    expect(entryOf(commitment.files, appealed.receiptCode).entry).toMatchObject({ status: 'excluded', reason: 'appealUpheld' });
    expect(entryOf(commitment.files, responseOf(ballots[6]!).receiptCode).entry).toMatchObject({ status: 'excluded', reason: 'unknownFormVersion' });
    for (const b of ballots.slice(0, 5)) {
      const { entry } = entryOf(commitment.files, responseOf(b).receiptCode);
      expect(entry?.status).toBe('counted');
      expect(await verifyInclusion(commitment.root, { periodId: PERIOD, receiptCode: responseOf(b).receiptCode }, entry!)).toBe(true);
    }
  });

  it('puts no rating, answer, comment, receipt code, reference or unit in any file', async () => {
    const ballots = [
      ...RATING_LEVELS.map(rated),
      anOpenBallot('2026-06-15T10:00:00+08:00', 'phone-9', { receiptCode: newReceiptCode(), units: { 'tax-bureau': { overall: 'veryDissatisfied', comment } } }),
    ];
    const stored = ballots.map((b) => ({ ballotRef: responseOf(b).ballotRef, ballot: b }));

    const { files } = await commitPeriodBallots(deps(stored), { periodId: PERIOD, publicationId: PUBLICATION });

    const bodies = files.map((f) => f.body).join('\n');
    for (const level of RATING_LEVELS) expect(bodies).not.toContain(level);
    for (const b of ballots.map(responseOf)) {
      expect(bodies).not.toContain(b.receiptCode);
      expect(bodies).not.toContain(b.ballotRef);
      expect(bodies).not.toContain(b.submittedAt);
      if (b.admission.kind === 'open') expect(bodies).not.toContain(b.admission.clientKey);
    }
    for (const word of ['comment', '13812345678', '态度', 'tax-bureau', 'citizen', '"overall"', 'points', 'score']) expect(bodies).not.toContain(word);
  });

  it('leaves a deleted ballot out of the next commitment: its old proof fails against the new root', async () => {
    const ballots = RATING_LEVELS.map(rated);
    const stored = ballots.map((b) => ({ ballotRef: responseOf(b).ballotRef, ballot: b }));
    const gone = responseOf(ballots[4]!);
    const first = await commitPeriodBallots(deps(stored), { periodId: PERIOD, publicationId: 'pub-1' });
    const { entry } = entryOf(first.files, gone.receiptCode, 'pub-1');

    const next = await commitPeriodBallots(deps(stored.slice(0, 4)), { periodId: PERIOD, publicationId: 'pub-2' });

    expect(await verifyInclusion(first.root, { periodId: PERIOD, receiptCode: gone.receiptCode }, entry!)).toBe(true);
    expect(next.total).toBe(4);
    expect(entryOf(next.files, gone.receiptCode, 'pub-2').entry).toBeUndefined();
    expect(await verifyInclusion(next.root, { periodId: PERIOD, receiptCode: gone.receiptCode }, entry!)).toBe(false);
  });

  it('answers NotFound for a period there is not', async () => {
    await expect(commitPeriodBallots(deps([]), { periodId: 'no-such', publicationId: PUBLICATION })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
