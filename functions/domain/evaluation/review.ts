import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { ZId } from '../ids';
import { COMMON_MESSAGES, fill, schemaMessage } from '../messages';
import { ZInstant, ZLocalizedText } from '../text';
import { ZBallotRef } from './ballot-ids';
import type { FormVersion } from './form';
import type { Period } from './period';
import { dimensionsOf, scoredQuestion } from './questions';
import { SCALES, ZRating } from './rating-scale';
import type { Response } from './response';
import { REVIEW_MESSAGES as M } from './messages';

/**
 * Review of what the figures leave out (domain.md "Anti-manipulation"): batches of open ballots the tally
 * flagged, which a supervisor releases or excludes with a reason, and appeals (申诉复核), in which a unit
 * handler asks that a rating of their own unit be excluded and a supervisor upholds or rejects it. Every
 * step is an append-only event with who and when; a decision's state is kept beside its events so that
 * the tally reads one item per decision.
 */

const REASON_MAX = 500;
/** Why a staff member decides as they do: shown to the other side and kept with the event. */
export const ZReason = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, schemaMessage(COMMON_MESSAGES.required)),
    z.maxLength(REASON_MAX, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max: REASON_MAX }))),
  );

/** A digest id: lowercase base 32, 16 characters (80 bits), so it is also a valid `Id`. */
export function digestId(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('\n')).digest();
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  let out = '';
  for (let i = 0; i < 16; i++) out += alphabet[bytes[i]! & 31];
  return out;
}

// ---- flagged batches ---------------------------------------------------------------------------------

/** Why the tally flagged open ballots of a unit. */
export const FLAG_KINDS = [
  /** More ballots from one client (address and browser, that day) than the period's limit. */
  'clientLimit',
  /** More ballots in one window than the period's burst limit. */
  'burst',
  /** More ballots with the very same answers in one window than the period's limit. */
  'identicalAnswers',
] as const;
export const ZFlagKind = z.enum(FLAG_KINDS);
export type FlagKind = z.infer<typeof ZFlagKind>;

export const REVIEW_ACTIONS = ['release', 'exclude'] as const;

/** A supervisor's decision on a flagged batch. */
export const ZBatchReviewInput = z
  .object({
    action: z.enum(REVIEW_ACTIONS),
    reason: ZReason,
    /**
     * The time of the newest flagged ballot the supervisor saw: the decision covers the batch's ballots since
     * the last decision up to it, and any that arrive later wait for the next decision.
     */
    upTo: ZInstant,
    /** The revision of the batch's review the supervisor saw: 0 when it had none. */
    rev: z.int().check(z.minimum(0)),
  })
  .register(z.globalRegistry, { id: 'BatchReviewInput' });
export type BatchReviewInput = z.infer<typeof ZBatchReviewInput>;

/** One decision on a flagged batch: it covers the batch's ballots after the previous decision's `upTo`, up to its own. */
export const ZBatchDecision = z.object({
  action: z.enum(REVIEW_ACTIONS),
  reason: z.string(),
  upTo: z.iso.datetime({ offset: true }),
  /** The staff member's subject. */
  by: z.string(),
  at: z.iso.datetime(),
});
export type BatchDecision = z.infer<typeof ZBatchDecision>;

/**
 * The review of a flagged batch: its decisions in the order made, each covering the ballots that arrived
 * after the previous one's `upTo` and up to its own. A decision is final for the ballots it covers; ballots
 * that arrive later are flagged again and wait for the next decision.
 */
export const ZBatchReview = z
  .object({
    periodId: ZId,
    batchId: ZId,
    unitId: ZId,
    decisions: z.array(ZBatchDecision).check(z.minLength(1)),
    rev: z.int().check(z.minimum(1)),
  })
  .register(z.globalRegistry, { id: 'BatchReview', description: 'The decisions on a flagged batch.' });
export type BatchReview = z.infer<typeof ZBatchReview>;

/** The decision that covers a flagged ballot stored at `submittedAt`, or undefined while none does (still pending). */
export function decisionFor(review: BatchReview | undefined, submittedAt: string): BatchDecision | undefined {
  const t = Date.parse(submittedAt);
  return review?.decisions.find((d) => t <= Date.parse(d.upTo));
}

/**
 * Open ballots of one unit the tally flagged together: one client's on one day, or all of one window. Its
 * id is a digest of what makes it, so it is the same batch at every tally.
 */
export const ZFlaggedBatch = z
  .object({
    periodId: ZId,
    batchId: ZId,
    unitId: ZId,
    kind: ZFlagKind,
    /** The CST day (client limit), or the start of the window (burst, identical answers). */
    bucket: z.string(),
    firstAt: z.iso.datetime(),
    lastAt: z.iso.datetime(),
    /** Flagged ballots (those within the limit are counted and not in the batch). */
    ballots: z.int().check(z.minimum(0)),
    /** …of which no decision covers yet: excluded from the figures until reviewed. */
    pending: z.int().check(z.minimum(0)),
    released: z.int().check(z.minimum(0)),
    excluded: z.int().check(z.minimum(0)),
    review: z.optional(ZBatchReview),
    /** A review was decided after the tally ran: the counts change at the next tally. */
    recountPending: z.optional(z.boolean()),
  })
  .register(z.globalRegistry, { id: 'FlaggedBatch', description: 'Ballots flagged together, and the review of them.' });
export type FlaggedBatch = z.infer<typeof ZFlaggedBatch>;
export const ZFlaggedBatchList = z
  .object({ batches: z.array(ZFlaggedBatch), computedAt: z.optional(z.iso.datetime()) })
  .register(z.globalRegistry, { id: 'FlaggedBatchList' });

// ---- appeals ------------------------------------------------------------------------------------------

export const ZAppealInput = z
  .object({ unitId: ZId, ballotRef: ZBallotRef, reason: ZReason })
  .register(z.globalRegistry, { id: 'AppealInput', description: 'A unit asks that a rating of it be reviewed (申诉).' });
export type AppealInput = z.infer<typeof ZAppealInput>;

export const APPEAL_OUTCOMES = ['upheld', 'rejected'] as const;
export const ZAppealDecisionInput = z
  .object({ outcome: z.enum(APPEAL_OUTCOMES), reason: ZReason })
  .register(z.globalRegistry, { id: 'AppealDecisionInput' });
export type AppealDecisionInput = z.infer<typeof ZAppealDecisionInput>;

export const ZAppeal = z
  .object({
    periodId: ZId,
    appealId: ZId,
    unitId: ZId,
    ballotRef: ZBallotRef,
    reason: z.string(),
    filedBy: z.string(),
    filedAt: z.iso.datetime(),
    status: z.enum(['open', ...APPEAL_OUTCOMES]),
    decision: z.optional(z.object({ outcome: z.enum(APPEAL_OUTCOMES), reason: z.string(), by: z.string(), at: z.iso.datetime() })),
  })
  .register(z.globalRegistry, { id: 'Appeal', description: 'An appeal (申诉复核) and its decision.' });
export type Appeal = z.infer<typeof ZAppeal>;
export const ZAppealList = z.object({ appeals: z.array(ZAppeal) }).register(z.globalRegistry, { id: 'AppealList' });

/** The appeal of a unit against one ballot: at most one, so its id is a digest of both. */
export const appealIdOf = (unitId: string, ballotRef: string) => digestId('appeal', unitId, ballotRef);

// ---- a unit's ballots ------------------------------------------------------------------------------------

/** A ballot as the unit it rates sees it: its ratings of that unit and what the respondent wrote. */
export const ZUnitBallot = z
  .object({
    ballotRef: ZBallotRef,
    submittedAt: z.iso.datetime(),
    formId: ZId,
    version: z.int(),
    group: ZId,
    ratings: z.array(z.object({ dimensionId: z.string(), label: ZLocalizedText, rating: ZRating, badReview: z.boolean() })),
    /** The free-text answers of the response and about this unit. */
    texts: z.array(z.string()),
    /** At least one rating in a bottom level (差评). */
    badReview: z.boolean(),
    appeal: z.optional(z.object({ appealId: ZId, status: z.enum(['open', ...APPEAL_OUTCOMES]) })),
  })
  .register(z.globalRegistry, { id: 'UnitBallot' });
export type UnitBallot = z.infer<typeof ZUnitBallot>;
export const ZUnitBallotPage = z
  .object({ ballots: z.array(ZUnitBallot), cursor: z.optional(z.string()) })
  .register(z.globalRegistry, { id: 'UnitBallotPage', description: 'A page of the ballots rating one unit; pass `cursor` for the next.' });
export type UnitBallotPage = z.infer<typeof ZUnitBallotPage>;

// ---- events ---------------------------------------------------------------------------------------------

export const REVIEW_EVENT_TYPES = ['appealFiled', 'appealUpheld', 'appealRejected', 'batchReleased', 'batchExcluded'] as const;
export const ZReviewEvent = z
  .object({
    periodId: ZId,
    eventId: z.string(),
    type: z.enum(REVIEW_EVENT_TYPES),
    /** The appeal or batch. */
    subjectId: ZId,
    unitId: ZId,
    reason: z.string(),
    by: z.string(),
    at: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'ReviewEvent', description: 'One step of a review, never changed afterwards.' });
export type ReviewEvent = z.infer<typeof ZReviewEvent>;
export const ZReviewEventList = z.object({ events: z.array(ZReviewEvent) }).register(z.globalRegistry, { id: 'ReviewEventList' });

/** The state of a period's reviews, as the tally applies it. */
export interface ReviewState {
  appeals: readonly Appeal[];
  batchReviews: readonly BatchReview[];
}

// ---- use cases -------------------------------------------------------------------------------------------

/** The staff member acting: their subject, and the units they act for when they are a unit handler. */
export interface Reviewer {
  sub: string;
  /** Undefined for supervisors and admins, who see every unit. */
  unitIds?: readonly string[];
}

/** What the review use cases need from storage. */
export interface ReviewDeps {
  getPeriod(periodId: string): Promise<Period | undefined>;
  /** A stored ballot of the period by its reference. */
  getBallot(periodId: string, ballotRef: string): Promise<Response | undefined>;
  getAppeal(periodId: string, appealId: string): Promise<Appeal | undefined>;
  listAppeals(periodId: string): Promise<Appeal[]>;
  /** Stores a new appeal and its event together; false when the appeal exists. */
  createAppeal(appeal: Appeal, event: ReviewEvent): Promise<boolean>;
  /** Stores the decision and its event together, if the appeal is still open; false otherwise. */
  decideAppeal(appeal: Appeal, event: ReviewEvent): Promise<boolean>;
  /** The flagged batches of the tally's last run. */
  listFlaggedBatches(periodId: string): Promise<FlaggedBatch[]>;
  getBatchReview(periodId: string, batchId: string): Promise<BatchReview | undefined>;
  listBatchReviews(periodId: string): Promise<BatchReview[]>;
  /** Stores the review and its event together if the batch's review is still at `expectedRev` (0: none). */
  saveBatchReview(review: BatchReview, event: ReviewEvent, expectedRev: number): Promise<boolean>;
  listEvents(periodId: string): Promise<ReviewEvent[]>;
  /** A page of the ballots of a period that rate a unit. */
  unitBallots(periodId: string, unitId: string, cursor: string | undefined, limit: number): Promise<{ ballots: Response[]; cursor?: string }>;
  getFormVersion(formId: string, version: number): Promise<FormVersion | undefined>;
  newId(): string;
  now(): Date;
}

const seesUnit = (who: Reviewer, unitId: string) => who.unitIds === undefined || who.unitIds.includes(unitId);

async function periodOf(deps: Pick<ReviewDeps, 'getPeriod'>, periodId: string): Promise<Period> {
  const period = await deps.getPeriod(periodId);
  if (!period) throw new NotFoundError('period', periodId);
  return period;
}

const eventOf = (deps: Pick<ReviewDeps, 'newId'>, fields: Omit<ReviewEvent, 'eventId'>): ReviewEvent => ({
  ...fields,
  eventId: `${fields.at}#${deps.newId()}`,
});

/**
 * A unit handler appeals a rating of one of their units. The ballot must exist and rate that unit, and a
 * unit appeals a ballot once (409 otherwise). Throws NotFoundError for an unknown period or ballot.
 */
export async function fileAppeal(deps: ReviewDeps, who: Reviewer, periodId: string, input: AppealInput): Promise<Appeal> {
  await periodOf(deps, periodId);
  if (!seesUnit(who, input.unitId)) throw new ValidationError([{ path: 'unitId', message: M.notYourUnit }]);
  const ballot = await deps.getBallot(periodId, input.ballotRef);
  if (!ballot) throw new NotFoundError('ballot', input.ballotRef);
  if (!Object.hasOwn(ballot.units, input.unitId)) throw new ValidationError([{ path: 'ballotRef', message: M.ballotNotOfUnit }]);
  const at = deps.now().toISOString();
  const appeal: Appeal = {
    periodId,
    appealId: appealIdOf(input.unitId, input.ballotRef),
    unitId: input.unitId,
    ballotRef: input.ballotRef,
    reason: input.reason,
    filedBy: who.sub,
    filedAt: at,
    status: 'open',
  };
  const event = eventOf(deps, { periodId, type: 'appealFiled', subjectId: appeal.appealId, unitId: input.unitId, reason: input.reason, by: who.sub, at });
  if (!(await deps.createAppeal(appeal, event))) throw new ConflictError('alreadyAppealed', { ballotRef: input.ballotRef });
  return appeal;
}

/**
 * A supervisor upholds an appeal (the rating is excluded, and stays visible as excluded with the reason)
 * or rejects it. An appeal is decided once: 409 when it already was.
 */
export async function decideAppeal(deps: ReviewDeps, who: Reviewer, periodId: string, appealId: string, input: AppealDecisionInput): Promise<Appeal> {
  await periodOf(deps, periodId);
  const appeal = await deps.getAppeal(periodId, appealId);
  if (!appeal) throw new NotFoundError('appeal', appealId);
  if (appeal.status !== 'open') throw new ConflictError('alreadyDecided', { appealId });
  const at = deps.now().toISOString();
  const decided: Appeal = { ...appeal, status: input.outcome, decision: { outcome: input.outcome, reason: input.reason, by: who.sub, at } };
  const type = input.outcome === 'upheld' ? 'appealUpheld' : 'appealRejected';
  const event = eventOf(deps, { periodId, type, subjectId: appealId, unitId: appeal.unitId, reason: input.reason, by: who.sub, at });
  if (!(await deps.decideAppeal(decided, event))) throw new ConflictError('alreadyDecided', { appealId });
  return decided;
}

/** A period's appeals that `who` may see: a unit handler's own units', or all of them; newest first. */
export async function listAppeals(deps: ReviewDeps, who: Reviewer, periodId: string): Promise<Appeal[]> {
  await periodOf(deps, periodId);
  const appeals = await deps.listAppeals(periodId);
  return appeals.filter((a) => seesUnit(who, a.unitId)).sort((a, b) => b.filedAt.localeCompare(a.filedAt) || a.appealId.localeCompare(b.appealId));
}

/** The review events of a period that `who` may see, oldest first. */
export async function listReviewEvents(deps: ReviewDeps, who: Reviewer, periodId: string): Promise<ReviewEvent[]> {
  await periodOf(deps, periodId);
  return (await deps.listEvents(periodId)).filter((e) => seesUnit(who, e.unitId)).sort((a, b) => a.eventId.localeCompare(b.eventId));
}

/**
 * A batch with the review decided since the tally ran: its counts are the tally's until the next run,
 * which is said by `recountPending`.
 */
function withReview(batch: FlaggedBatch, review: BatchReview | undefined): FlaggedBatch {
  if (!review || batch.review?.rev === review.rev) return batch;
  return { ...batch, review, recountPending: true };
}

/** The flagged batches of a period with their current reviews: pending first, then newest. */
export async function listFlaggedBatches(deps: ReviewDeps, periodId: string): Promise<FlaggedBatch[]> {
  await periodOf(deps, periodId);
  const [batches, reviews] = await Promise.all([deps.listFlaggedBatches(periodId), deps.listBatchReviews(periodId)]);
  const byBatch = new Map(reviews.map((r) => [r.batchId, r]));
  return batches
    .map((b) => withReview(b, byBatch.get(b.batchId)))
    .sort((a, b) => Number(b.pending > 0) - Number(a.pending > 0) || b.lastAt.localeCompare(a.lastAt) || a.batchId.localeCompare(b.batchId));
}

/**
 * A supervisor releases a flagged batch into the figures or excludes it, with a reason, up to the newest
 * ballot they saw: the decision covers the ballots that arrived since the last decision. 409 when someone
 * reviewed it in between (the revision given is not the current one).
 */
export async function reviewBatch(deps: ReviewDeps, who: Reviewer, periodId: string, batchId: string, input: BatchReviewInput): Promise<BatchReview> {
  await periodOf(deps, periodId);
  const batch = (await deps.listFlaggedBatches(periodId)).find((b) => b.batchId === batchId);
  if (!batch) throw new NotFoundError('flaggedBatch', batchId);
  const current = await deps.getBatchReview(periodId, batchId);
  if ((current?.rev ?? 0) !== input.rev) throw new ConflictError('staleRevision');
  const last = current?.decisions.at(-1);
  if (last && Date.parse(input.upTo) <= Date.parse(last.upTo)) throw new ValidationError([{ path: 'upTo', message: M.alreadyReviewed }]);
  const at = deps.now().toISOString();
  const decision: BatchDecision = { action: input.action, reason: input.reason, upTo: input.upTo, by: who.sub, at };
  const review: BatchReview = { periodId, batchId, unitId: batch.unitId, decisions: [...(current?.decisions ?? []), decision], rev: input.rev + 1 };
  const type = input.action === 'release' ? 'batchReleased' : 'batchExcluded';
  const event = eventOf(deps, { periodId, type, subjectId: batchId, unitId: batch.unitId, reason: input.reason, by: who.sub, at });
  if (!(await deps.saveBatchReview(review, event, input.rev))) throw new ConflictError('staleRevision');
  return review;
}

/** How many ballots a page of a unit's ballots holds at most. */
export const UNIT_BALLOT_PAGE = 100;

/** A ballot's part about one unit, read on its own form version. */
function unitBallotOf(r: Response, unitId: string, version: FormVersion | undefined, appeal: Appeal | undefined): UnitBallot {
  const question = version ? scoredQuestion(version.content) : undefined;
  const answers = r.units[unitId] ?? {};
  const ratings: UnitBallot['ratings'] = [];
  if (question) {
    const answer = answers[question.id];
    const values: Record<string, string> = typeof answer === 'string' ? { [question.id]: answer } : ((answer as Record<string, string> | undefined) ?? {});
    for (const d of dimensionsOf(question)) {
      const rating = ZRating.safeParse(values[d.id]);
      if (!rating.success) continue;
      const badReview = SCALES[question.scale].some((l) => l.key === rating.data && l.badReview);
      ratings.push({ dimensionId: d.id, label: d.label, rating: rating.data, badReview });
    }
  }
  const textIds = new Set((version?.content.questions ?? []).filter((q) => q.type === 'shortText' || q.type === 'longText').map((q) => q.id));
  const texts = [...Object.entries(r.answers), ...Object.entries(answers)]
    .filter(([id, value]) => textIds.has(id) && typeof value === 'string' && value.trim() !== '')
    .map(([, value]) => value as string);
  return {
    ballotRef: r.ballotRef,
    submittedAt: r.submittedAt,
    formId: r.formId,
    version: r.version,
    group: r.group,
    ratings,
    texts,
    badReview: ratings.some((x) => x.badReview),
    ...(appeal ? { appeal: { appealId: appeal.appealId, status: appeal.status } } : {}),
  };
}

/**
 * A page of the ballots that rate a unit, as the unit sees them, with any appeal of each: for a unit
 * handler of that unit (to appeal one), or a supervisor. Newest first within the page.
 */
export async function listUnitBallots(deps: ReviewDeps, who: Reviewer, periodId: string, unitId: string, cursor: string | undefined): Promise<UnitBallotPage> {
  await periodOf(deps, periodId);
  if (!seesUnit(who, unitId)) throw new ValidationError([{ path: 'unitId', message: M.notYourUnit }]);
  const [page, appeals] = await Promise.all([deps.unitBallots(periodId, unitId, cursor, UNIT_BALLOT_PAGE), deps.listAppeals(periodId)]);
  const appealOf = new Map(appeals.filter((a) => a.unitId === unitId).map((a) => [a.ballotRef, a]));
  const versions = new Map<string, Promise<FormVersion | undefined>>();
  const ballots = await Promise.all(
    page.ballots.map(async (r) => {
      const key = `${r.formId}@${r.version}`;
      if (!versions.has(key)) versions.set(key, deps.getFormVersion(r.formId, r.version));
      return unitBallotOf(r, unitId, await versions.get(key), appealOf.get(r.ballotRef));
    }),
  );
  ballots.sort((a, b) => b.submittedAt.localeCompare(a.submittedAt) || a.ballotRef.localeCompare(b.ballotRef));
  return { ballots, ...(page.cursor ? { cursor: page.cursor } : {}) };
}
