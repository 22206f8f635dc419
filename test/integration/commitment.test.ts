import { randomUUID } from 'node:crypto';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZCommitmentRoot, ZCommitmentShard, lookupKey, verifyInclusion, type CommitmentEntry } from '../../functions/domain/disclosure/commitment';
import { shardPath } from '../../functions/domain/disclosure/commitment-layout';
import { createForm, publishForm } from '../../functions/domain/evaluation/form-admin';
import { recountPeriod } from '../../functions/domain/evaluation/recount';
import { submitResponse, type Receipt } from '../../functions/domain/evaluation/response';
import { decideAppeal, fileAppeal } from '../../functions/domain/evaluation/review';
import { ballotCommitmentDeps, commitPeriodBallots, type BallotCommitment } from '../../functions/store/disclosure/ballot-commitment';
import { formAdminDeps, recountDeps, reviewDeps, submitDeps } from '../../functions/store/deps';
import { catalogStore } from '../../functions/store/evaluation/catalog-store';
import { responseKey } from '../../functions/store/evaluation/response-store';
import { unitStore } from '../../functions/store/units/unit-store';
import { TEST_CLIENT, aFormContent, aUnitWithId, anOpenPeriod, someGroups } from '../fixtures/catalog';
import { freshTables, type TestTables } from './helpers';

/**
 * The ballot commitment over ballots stored through the real submission path: five ratings of tax-bureau,
 * one of them excluded on an upheld appeal. A publication's files prove each receipt; a ballot deleted
 * straight from the table is in no later publication, its proof fails there, and the recount reports the
 * counters it no longer matches.
 */
describe('commitPeriodBallots on DynamoDB Local', () => {
  let t: TestTables;
  const period = anOpenPeriod({ periodId: 'commit-period' });
  const formId = 'commit-form';
  const receipts: Receipt[] = [];
  let first: BallotCommitment;

  const entryOf = (commitment: BallotCommitment, publicationId: string, receipt: Receipt): CommitmentEntry | undefined => {
    const root = ZCommitmentRoot.parse(JSON.parse(commitment.files.find((f) => f.path === `commitments/${period.periodId}/${publicationId}/root.json`)!.body));
    const key = lookupKey(period.periodId, receipt.receiptCode);
    const shard = commitment.files.find((f) => f.path === shardPath(period.periodId, publicationId, key, root.shardPrefixLength))!;
    return ZCommitmentShard.parse(JSON.parse(shard.body)).entries.find((e) => e.key === key);
  };

  beforeAll(async () => {
    t = await freshTables();
    const catalog = catalogStore(t.db, t.tables.catalog);
    await Promise.all([
      unitStore(t.db, t.tables.catalog).createUnit(aUnitWithId('tax-bureau')),
      unitStore(t.db, t.tables.catalog).createUnit(aUnitWithId('service-centre')),
      ...someGroups().map((g) => catalog.createGroup(g)),
      catalog.createPeriod(period),
    ]);
    const admin = formAdminDeps(t.db);
    const created = await createForm(admin, { formId, periodId: period.periodId, content: aFormContent() });
    await publishForm(admin, formId, { rev: created.form.rev });
    for (const [i, level] of ['verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'veryDissatisfied'].entries()) {
      const client = { ...TEST_CLIENT, userAgent: `respondent-${i}` };
      const input = { formId, version: 1, answers: { group: 'citizen' }, units: { 'tax-bureau': { overall: level } }, submissionId: randomUUID() };
      receipts.push(await submitResponse(submitDeps(t.db), input, client));
    }
    const review = reviewDeps(t.db);
    const appeal = await fileAppeal(review, { sub: 'handler-1', unitIds: ['tax-bureau'] }, period.periodId, {
      unitId: 'tax-bureau',
      ballotRef: receipts[3]!.ballotRef,
      reason: '恶意差评',
    });
    await decideAppeal(review, { sub: 'supervisor-1' }, period.periodId, appeal.appealId, { outcome: 'upheld', reason: '核实为误评' });
    await t.countBallots();
    first = await commitPeriodBallots(ballotCommitmentDeps(t.db), { periodId: period.periodId, publicationId: 'pub-1' });
  });
  afterAll(() => t.drop());

  it("commits to every stored ballot: each receipt's proof holds, the appealed one excluded with its reason", async () => {
    expect(first).toMatchObject({ total: 5, counted: 4, excluded: 1 });
    for (const [i, receipt] of receipts.entries()) {
      const entry = entryOf(first, 'pub-1', receipt)!;
      expect(entry).toMatchObject(i === 3 ? { status: 'excluded', reason: 'appealUpheld' } : { status: 'counted' });
      expect(await verifyInclusion(first.root, receipt, entry)).toBe(true);
    }
  });

  it('leaves a ballot deleted from the table out of the next publication, where its proof fails, and the recount reports it', async () => {
    // prepare: the recount agrees with the counters first
    expect((await recountPeriod(recountDeps(t.db), period)).status).toBe('match');
    const gone = receipts[4]!;
    const oldEntry = entryOf(first, 'pub-1', gone)!;

    // act: someone deletes the worst rating straight from the table
    await t.db.send(new DeleteCommand({ TableName: t.tables.responses, Key: responseKey(period.periodId, gone.ballotRef) }));
    const next = await commitPeriodBallots(ballotCommitmentDeps(t.db), { periodId: period.periodId, publicationId: 'pub-2' });
    const recount = await recountPeriod(recountDeps(t.db), period);

    // assert
    expect(next).toMatchObject({ total: 4, counted: 3, excluded: 1 });
    expect(next.root).not.toBe(first.root);
    expect(entryOf(next, 'pub-2', gone)).toBeUndefined();
    expect(await verifyInclusion(next.root, gone, oldEntry)).toBe(false);
    expect(await verifyInclusion(next.root, receipts[0]!, entryOf(next, 'pub-2', receipts[0]!)!)).toBe(true);
    expect(recount).toMatchObject({ status: 'repaired', ballots: 4, unitsDiffering: ['tax-bureau'] });
    expect(recount.countersDiffering).toBeGreaterThan(0);
  });
});
