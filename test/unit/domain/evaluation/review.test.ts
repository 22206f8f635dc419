import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../../functions/domain/errors';
import type { Response } from '../../../../functions/domain/evaluation/response';
import {
  appealIdOf,
  decideAppeal,
  digestId,
  fileAppeal,
  listAppeals,
  listFlaggedBatches,
  listReviewEvents,
  listUnitBallots,
  reviewBatch,
  type Appeal,
  type BatchReview,
  type FlaggedBatch,
  type ReviewDeps,
  type ReviewEvent,
  type Reviewer,
} from '../../../../functions/domain/evaluation/review';
import { ZId } from '../../../../functions/domain/ids';
import { DURING_PERIOD, aFormVersion } from '../../../fixtures/catalog';
import { aPeriodWith, rejectionOf } from './submission-fakes';

const PERIOD = '2026-annual';
const TAX_HANDLER: Reviewer = { sub: 'handler-tax', unitIds: ['tax-bureau'] };
const CENTRE_HANDLER: Reviewer = { sub: 'handler-centre', unitIds: ['service-centre'] };
const SUPERVISOR: Reviewer = { sub: 'supervisor-1' };

/** A stored ballot of aFormVersion() rating tax-bureau. */
const aStoredBallot = (overrides: Partial<Response> = {}): Response => ({
  ballotRef: 'o.AAAAAAAAAAAAAAAAAAAAAA',
  submissionHash: 'h'.repeat(43),
  receiptCode: '7KQ2-M9XD-4HRT',
  formId: 'district-2026',
  version: 1,
  periodId: PERIOD,
  group: 'citizen',
  answers: { group: 'citizen' },
  units: { 'tax-bureau': { overall: 'veryDissatisfied', comment: '排队两小时' } },
  submittedAt: DURING_PERIOD.toISOString(),
  admission: { kind: 'open', day: '2026-06-15', clientKey: 'Q2xpZW50S2V5T2ZUZXN0' },
  ...overrides,
});

const aFlaggedBatch = (overrides: Partial<FlaggedBatch> = {}): FlaggedBatch => ({
  periodId: PERIOD,
  batchId: digestId('clientLimit', 'tax-bureau', '2026-06-15', 'some-client'),
  unitId: 'tax-bureau',
  kind: 'clientLimit',
  bucket: '2026-06-15',
  firstAt: '2026-06-15T02:00:00.000Z',
  lastAt: '2026-06-15T02:30:00.000Z',
  ballots: 7,
  pending: 7,
  released: 0,
  excluded: 0,
  ...overrides,
});

/** In-memory review ports: the transactions' conditions as the store writes them. */
function fakeReviews(options: { ballots?: Response[]; flagged?: FlaggedBatch[]; clock?: () => Date } = {}) {
  const ballots = options.ballots ?? [aStoredBallot()];
  const flagged = options.flagged ?? [aFlaggedBatch()];
  const appeals = new Map<string, Appeal>();
  const reviews = new Map<string, BatchReview>();
  const events: ReviewEvent[] = [];
  let ids = 0;
  const deps: ReviewDeps = {
    getPeriod: async (id) => (id === PERIOD ? aPeriodWith() : undefined),
    getBallot: async (periodId, ref) => ballots.find((b) => b.periodId === periodId && b.ballotRef === ref),
    getAppeal: async (_p, id) => appeals.get(id),
    listAppeals: async () => [...appeals.values()],
    createAppeal: async (appeal, event) => {
      if (appeals.has(appeal.appealId)) return false;
      appeals.set(appeal.appealId, appeal);
      events.push(event);
      return true;
    },
    decideAppeal: async (appeal, event) => {
      if (appeals.get(appeal.appealId)?.status !== 'open') return false;
      appeals.set(appeal.appealId, appeal);
      events.push(event);
      return true;
    },
    listFlaggedBatches: async () => flagged,
    getBatchReview: async (_p, id) => reviews.get(id),
    listBatchReviews: async () => [...reviews.values()],
    saveBatchReview: async (review, event, expectedRev) => {
      if ((reviews.get(review.batchId)?.rev ?? 0) !== expectedRev) return false;
      reviews.set(review.batchId, review);
      events.push(event);
      return true;
    },
    listEvents: async () => [...events],
    unitBallots: async (periodId, unitId) => ({ ballots: ballots.filter((b) => b.periodId === periodId && Object.hasOwn(b.units, unitId)) }),
    getFormVersion: async (formId, version) => (formId === 'district-2026' && version === 1 ? aFormVersion() : undefined),
    newId: () => `id-${++ids}`,
    now: options.clock ?? (() => DURING_PERIOD),
  };
  return { deps, appeals, reviews, events };
}

const anAppeal = (overrides: Partial<{ unitId: string; ballotRef: string; reason: string }> = {}) => ({
  unitId: 'tax-bureau',
  ballotRef: 'o.AAAAAAAAAAAAAAAAAAAAAA',
  reason: '该评价所述时间本单位未开放窗口',
  ...overrides,
});

const aBatchDecision = (overrides: Partial<{ action: 'release' | 'exclude'; reason: string; upTo: string; rev: number }> = {}) => ({
  action: 'release' as const,
  reason: '同一服务大厅平板电脑，核实为不同群众',
  upTo: '2026-06-15T02:30:00.000Z',
  rev: 0,
  ...overrides,
});

describe('fileAppeal', () => {
  it("files a unit handler's appeal of a rating of their own unit, with an event saying who and when", async () => {
    const { deps, events } = fakeReviews();

    const appeal = await fileAppeal(deps, TAX_HANDLER, PERIOD, anAppeal());

    expect(appeal).toEqual({
      periodId: PERIOD,
      appealId: appealIdOf('tax-bureau', 'o.AAAAAAAAAAAAAAAAAAAAAA'),
      unitId: 'tax-bureau',
      ballotRef: 'o.AAAAAAAAAAAAAAAAAAAAAA',
      reason: '该评价所述时间本单位未开放窗口',
      filedBy: 'handler-tax',
      filedAt: DURING_PERIOD.toISOString(),
      status: 'open',
    });
    expect(events).toEqual([
      {
        periodId: PERIOD,
        eventId: `${DURING_PERIOD.toISOString()}#id-1`,
        type: 'appealFiled',
        subjectId: appeal.appealId,
        unitId: 'tax-bureau',
        reason: '该评价所述时间本单位未开放窗口',
        by: 'handler-tax',
        at: DURING_PERIOD.toISOString(),
      },
    ]);
  });

  it("refuses a unit handler's appeal for a unit they do not act for, storing nothing", async () => {
    const { deps, appeals, events } = fakeReviews();

    const error = await rejectionOf(fileAppeal(deps, CENTRE_HANDLER, PERIOD, anAppeal()));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => f.path)).toEqual(['unitId']);
    expect(appeals.size + events.length).toBe(0);
  });

  it('refuses an appeal for a unit the ballot does not rate, even from a handler of that unit', async () => {
    const handler: Reviewer = { sub: 'handler-both', unitIds: ['tax-bureau', 'service-centre'] };
    const { deps } = fakeReviews();

    const error = await rejectionOf(fileAppeal(deps, handler, PERIOD, anAppeal({ unitId: 'service-centre' })));

    expect((error as ValidationError).fields.map((f) => f.path)).toEqual(['ballotRef']);
  });

  it('lets a unit appeal a ballot once: a second appeal is a conflict and adds no event', async () => {
    const { deps, events } = fakeReviews();
    await fileAppeal(deps, TAX_HANDLER, PERIOD, anAppeal());

    const error = await rejectionOf(fileAppeal(deps, TAX_HANDLER, PERIOD, anAppeal({ reason: '再次申诉' })));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ reason: 'alreadyAppealed', params: { ballotRef: 'o.AAAAAAAAAAAAAAAAAAAAAA' } });
    expect(events).toHaveLength(1);
  });

  it('lets each unit a ballot rates appeal it once', async () => {
    const ballot = aStoredBallot({ units: { 'tax-bureau': { overall: 'dissatisfied' }, 'service-centre': { overall: 'dissatisfied' } } });
    const { deps, appeals } = fakeReviews({ ballots: [ballot] });

    await fileAppeal(deps, TAX_HANDLER, PERIOD, anAppeal());
    await fileAppeal(deps, CENTRE_HANDLER, PERIOD, anAppeal({ unitId: 'service-centre' }));

    expect(appeals.size).toBe(2);
  });

  it('does not know an unknown period or ballot', async () => {
    const { deps } = fakeReviews();

    const errors = [
      await rejectionOf(fileAppeal(deps, TAX_HANDLER, 'no-such-period', anAppeal())),
      await rejectionOf(fileAppeal(deps, TAX_HANDLER, PERIOD, anAppeal({ ballotRef: 'i.batch0001-9' }))),
    ];

    expect(errors[0]).toBeInstanceOf(NotFoundError);
    expect(errors[0]).toMatchObject({ entity: 'period' });
    expect(errors[1]).toMatchObject({ entity: 'ballot', id: 'i.batch0001-9' });
  });
});

describe('appealIdOf', () => {
  it('is one id per unit and ballot, and a valid id', () => {
    const ids = [appealIdOf('tax-bureau', 'o.A1'), appealIdOf('tax-bureau', 'o.A1'), appealIdOf('service-centre', 'o.A1'), appealIdOf('tax-bureau', 'o.A2')];

    expect(ids[1]).toBe(ids[0]);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(ZId.safeParse(id).success).toBe(true);
  });
});

describe('decideAppeal', () => {
  it('upholds an appeal with the reason, who and when, and records the event', async () => {
    const { deps, events } = fakeReviews();
    const filed = await fileAppeal(deps, TAX_HANDLER, PERIOD, anAppeal());

    const decided = await decideAppeal(deps, SUPERVISOR, PERIOD, filed.appealId, { outcome: 'upheld', reason: '经核实属实' });

    expect(decided).toEqual({ ...filed, status: 'upheld', decision: { outcome: 'upheld', reason: '经核实属实', by: 'supervisor-1', at: DURING_PERIOD.toISOString() } });
    expect(events.map((e) => [e.type, e.by, e.subjectId])).toEqual([
      ['appealFiled', 'handler-tax', filed.appealId],
      ['appealUpheld', 'supervisor-1', filed.appealId],
    ]);
  });

  it('rejects an appeal, saying so in the event', async () => {
    const { deps, events } = fakeReviews();
    const filed = await fileAppeal(deps, TAX_HANDLER, PERIOD, anAppeal());

    const decided = await decideAppeal(deps, SUPERVISOR, PERIOD, filed.appealId, { outcome: 'rejected', reason: '理由不充分' });

    expect(decided.status).toBe('rejected');
    expect(events.at(-1)?.type).toBe('appealRejected');
  });

  it('decides an appeal once: a second decision is a conflict and changes nothing', async () => {
    const { deps, appeals, events } = fakeReviews();
    const filed = await fileAppeal(deps, TAX_HANDLER, PERIOD, anAppeal());
    await decideAppeal(deps, SUPERVISOR, PERIOD, filed.appealId, { outcome: 'upheld', reason: '经核实属实' });

    const error = await rejectionOf(decideAppeal(deps, { sub: 'supervisor-2' }, PERIOD, filed.appealId, { outcome: 'rejected', reason: '改判' }));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ reason: 'alreadyDecided', params: { appealId: filed.appealId } });
    expect(appeals.get(filed.appealId)?.status).toBe('upheld');
    expect(events).toHaveLength(2);
  });

  it('answers a conflict when another supervisor decided between the read and the write', async () => {
    const { deps } = fakeReviews();
    const filed = await fileAppeal(deps, TAX_HANDLER, PERIOD, anAppeal());
    deps.decideAppeal = async () => false;

    const error = await rejectionOf(decideAppeal(deps, SUPERVISOR, PERIOD, filed.appealId, { outcome: 'upheld', reason: '经核实属实' }));

    expect(error).toMatchObject({ reason: 'alreadyDecided' });
  });

  it('does not know an unknown appeal', async () => {
    const { deps } = fakeReviews();

    const error = await rejectionOf(decideAppeal(deps, SUPERVISOR, PERIOD, 'nosuchappeal0000', { outcome: 'upheld', reason: 'x' }));

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'appeal' });
  });
});

describe('listAppeals and listReviewEvents', () => {
  async function twoUnitsAppealed() {
    let clock = DURING_PERIOD.getTime();
    const ballot = aStoredBallot({ units: { 'tax-bureau': { overall: 'dissatisfied' }, 'service-centre': { overall: 'dissatisfied' } } });
    const fake = fakeReviews({ ballots: [ballot], clock: () => new Date((clock += 60_000)) });
    const tax = await fileAppeal(fake.deps, TAX_HANDLER, PERIOD, anAppeal());
    const centre = await fileAppeal(fake.deps, CENTRE_HANDLER, PERIOD, anAppeal({ unitId: 'service-centre' }));
    await decideAppeal(fake.deps, SUPERVISOR, PERIOD, tax.appealId, { outcome: 'rejected', reason: '理由不充分' });
    return { ...fake, tax, centre };
  }

  it("shows a unit handler their own units' appeals and decisions only, a supervisor every one, newest first", async () => {
    const { deps, tax, centre } = await twoUnitsAppealed();

    const [handlerSees, supervisorSees] = [await listAppeals(deps, TAX_HANDLER, PERIOD), await listAppeals(deps, SUPERVISOR, PERIOD)];

    expect(handlerSees.map((a) => [a.appealId, a.status, a.decision?.reason])).toEqual([[tax.appealId, 'rejected', '理由不充分']]);
    expect(supervisorSees.map((a) => a.appealId)).toEqual([centre.appealId, tax.appealId]);
  });

  it('lists the events oldest first, a unit handler seeing those of their units', async () => {
    const { deps } = await twoUnitsAppealed();

    const [handlerSees, supervisorSees] = [await listReviewEvents(deps, TAX_HANDLER, PERIOD), await listReviewEvents(deps, SUPERVISOR, PERIOD)];

    expect(handlerSees.map((e) => [e.type, e.by])).toEqual([
      ['appealFiled', 'handler-tax'],
      ['appealRejected', 'supervisor-1'],
    ]);
    expect(supervisorSees.map((e) => e.type)).toEqual(['appealFiled', 'appealFiled', 'appealRejected']);
    expect(supervisorSees.map((e) => e.at)).toEqual([...supervisorSees.map((e) => e.at)].sort());
  });
});

describe('listFlaggedBatches', () => {
  it('lists pending batches first, then the newest', async () => {
    const older = aFlaggedBatch({ batchId: 'olderpending0000', lastAt: '2026-06-14T02:00:00.000Z' });
    const newer = aFlaggedBatch({ batchId: 'newerpending0000', lastAt: '2026-06-15T02:00:00.000Z' });
    const reviewed = aFlaggedBatch({ batchId: 'reviewed00000000', lastAt: '2026-06-16T02:00:00.000Z', pending: 0, released: 7 });
    const { deps } = fakeReviews({ flagged: [reviewed, older, newer] });

    const listed = await listFlaggedBatches(deps, PERIOD);

    expect(listed.map((b) => b.batchId)).toEqual(['newerpending0000', 'olderpending0000', 'reviewed00000000']);
  });

  it('shows a review decided since the tally ran, and that the counts change at the next tally', async () => {
    const { deps } = fakeReviews();
    const batch = aFlaggedBatch();
    await reviewBatch(deps, SUPERVISOR, PERIOD, batch.batchId, aBatchDecision());

    const [listed] = await listFlaggedBatches(deps, PERIOD);

    expect(listed).toMatchObject({ pending: 7, review: { rev: 1, decisions: [{ action: 'release', by: 'supervisor-1' }] }, recountPending: true });
  });

  it('does not say a recount is pending once the tally has applied the review', async () => {
    const { rev: _rev, ...decision } = aBatchDecision();
    const review: BatchReview = {
      periodId: PERIOD,
      batchId: aFlaggedBatch().batchId,
      unitId: 'tax-bureau',
      decisions: [{ ...decision, by: 'supervisor-1', at: DURING_PERIOD.toISOString() }],
      rev: 1,
    };
    const { deps, reviews } = fakeReviews({ flagged: [aFlaggedBatch({ pending: 0, released: 7, review })] });
    reviews.set(review.batchId, review);

    const [listed] = await listFlaggedBatches(deps, PERIOD);

    expect(listed).not.toHaveProperty('recountPending');
  });
});

describe('reviewBatch', () => {
  it('releases a flagged batch up to the newest ballot seen, as revision 1, with an event', async () => {
    const { deps, events } = fakeReviews();

    const review = await reviewBatch(deps, SUPERVISOR, PERIOD, aFlaggedBatch().batchId, aBatchDecision());

    expect(review).toEqual({
      periodId: PERIOD,
      batchId: aFlaggedBatch().batchId,
      unitId: 'tax-bureau',
      decisions: [
        { action: 'release', reason: '同一服务大厅平板电脑，核实为不同群众', upTo: '2026-06-15T02:30:00.000Z', by: 'supervisor-1', at: DURING_PERIOD.toISOString() },
      ],
      rev: 1,
    });
    expect(events.map((e) => [e.type, e.subjectId, e.unitId, e.by])).toEqual([['batchReleased', aFlaggedBatch().batchId, 'tax-bureau', 'supervisor-1']]);
  });

  it('adds a later decision for the ballots that came since, when it names the current revision', async () => {
    const { deps, events } = fakeReviews();
    await reviewBatch(deps, SUPERVISOR, PERIOD, aFlaggedBatch().batchId, aBatchDecision());

    const review = await reviewBatch(
      deps,
      SUPERVISOR,
      PERIOD,
      aFlaggedBatch().batchId,
      aBatchDecision({ action: 'exclude', reason: '复查为刷票', upTo: '2026-06-15T03:30:00.000Z', rev: 1 }),
    );

    expect(review.rev).toBe(2);
    expect(review.decisions.map((d) => [d.action, d.upTo])).toEqual([
      ['release', '2026-06-15T02:30:00.000Z'],
      ['exclude', '2026-06-15T03:30:00.000Z'],
    ]);
    expect(events.map((e) => e.type)).toEqual(['batchReleased', 'batchExcluded']);
  });

  it('never lets a later decision reach back over ballots an earlier one covered', async () => {
    const { deps, reviews, events } = fakeReviews();
    await reviewBatch(deps, SUPERVISOR, PERIOD, aFlaggedBatch().batchId, aBatchDecision());

    const error = await rejectionOf(reviewBatch(deps, SUPERVISOR, PERIOD, aFlaggedBatch().batchId, aBatchDecision({ action: 'exclude', rev: 1 })));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => f.path)).toEqual(['upTo']);
    expect(reviews.get(aFlaggedBatch().batchId)?.decisions.map((d) => d.action)).toEqual(['release']);
    expect(events).toHaveLength(1);
  });

  it('refuses a decision made on a stale revision, changing nothing', async () => {
    const { deps, reviews, events } = fakeReviews();
    await reviewBatch(deps, SUPERVISOR, PERIOD, aFlaggedBatch().batchId, aBatchDecision());

    const error = await rejectionOf(
      reviewBatch(deps, { sub: 'supervisor-2' }, PERIOD, aFlaggedBatch().batchId, aBatchDecision({ action: 'exclude', upTo: '2026-06-15T03:30:00.000Z', rev: 0 })),
    );

    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ reason: 'staleRevision' });
    expect(reviews.get(aFlaggedBatch().batchId)).toMatchObject({ rev: 1, decisions: [{ action: 'release', by: 'supervisor-1' }] });
    expect(events).toHaveLength(1);
  });

  it('answers staleRevision when another supervisor saved between the read and the write', async () => {
    const { deps } = fakeReviews();
    deps.saveBatchReview = async () => false;

    const error = await rejectionOf(reviewBatch(deps, SUPERVISOR, PERIOD, aFlaggedBatch().batchId, aBatchDecision()));

    expect(error).toMatchObject({ reason: 'staleRevision' });
  });

  it('does not know a batch the tally did not flag', async () => {
    const { deps } = fakeReviews();

    const error = await rejectionOf(reviewBatch(deps, SUPERVISOR, PERIOD, 'notflagged000000', aBatchDecision()));

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'flaggedBatch' });
  });
});

describe('listUnitBallots', () => {
  it('shows a unit its ratings, what the respondent wrote, whether it is a bad review, and its appeal', async () => {
    const { deps } = fakeReviews();
    const appeal = await fileAppeal(deps, TAX_HANDLER, PERIOD, anAppeal());

    const page = await listUnitBallots(deps, TAX_HANDLER, PERIOD, 'tax-bureau', undefined);

    expect(page.ballots).toEqual([
      {
        ballotRef: 'o.AAAAAAAAAAAAAAAAAAAAAA',
        submittedAt: DURING_PERIOD.toISOString(),
        formId: 'district-2026',
        version: 1,
        group: 'citizen',
        ratings: [{ dimensionId: 'overall', label: { 'zh-CN': '总体评价', en: 'Overall' }, rating: 'veryDissatisfied', badReview: true }],
        texts: ['排队两小时'],
        badReview: true,
        appeal: { appealId: appeal.appealId, status: 'open' },
      },
    ]);
  });

  it('never shows how the ballot came in: no client key, token serial batch or receipt', async () => {
    const { deps } = fakeReviews();

    const page = await listUnitBallots(deps, SUPERVISOR, PERIOD, 'tax-bureau', undefined);

    const shown = JSON.stringify(page);
    expect(shown).not.toContain('Q2xpZW50S2V5T2ZUZXN0');
    expect(shown).not.toContain('7KQ2-M9XD-4HRT');
    expect(shown).not.toContain('h'.repeat(43));
  });

  it('shows another unit’s ballots to none of its handlers', async () => {
    const { deps } = fakeReviews();

    const error = await rejectionOf(listUnitBallots(deps, CENTRE_HANDLER, PERIOD, 'tax-bureau', undefined));

    expect(error).toBeInstanceOf(ValidationError);
  });

  it('lists newest first', async () => {
    const ballots = [
      aStoredBallot({ ballotRef: 'o.BBBBBBBBBBBBBBBBBBBBBB', submittedAt: '2026-06-15T01:00:00.000Z' }),
      aStoredBallot({ ballotRef: 'o.CCCCCCCCCCCCCCCCCCCCCC', submittedAt: '2026-06-15T03:00:00.000Z' }),
    ];
    const { deps } = fakeReviews({ ballots });

    const page = await listUnitBallots(deps, SUPERVISOR, PERIOD, 'tax-bureau', undefined);

    expect(page.ballots.map((b) => b.ballotRef)).toEqual(['o.CCCCCCCCCCCCCCCCCCCCCC', 'o.BBBBBBBBBBBBBBBBBBBBBB']);
  });
});
