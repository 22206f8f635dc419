import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { ZId } from '../ids';
import { COMMON_MESSAGES, fill, schemaMessage } from '../messages';
import { ZBallotRef } from '../evaluation/ballot-ids';
import type { FormVersion } from '../evaluation/form';
import { dimensionsOf, scoredQuestion } from '../evaluation/questions';
import { SCALES, ratingLabel, type Rating } from '../evaluation/rating-scale';
import type { Response } from '../evaluation/response';
import { cstDate } from '../working-days';
import { DESCRIPTION_MAX, ZCaseContact } from './case';
import { fileCase } from './intake';
import type { IntakeDeps } from './ports';

/**
 * A bad review (差评) becomes a case (domain.md "Anti-manipulation", 一事一评: "a bad review is rectified and
 * answered like a complaint"). The ballot never carries contact details — personal data stays apart from
 * ratings, and the submit function stays lean — so the citizen, holding the receipt of their ballot, asks
 * for the follow-up afterwards: with contact details and consent to a callback, each unit the ballot rated
 * in a bottom level of its scale (the scale's own `badReview` flag) gets one case, through the one intake
 * (intake.ts `fileCase`, source `badReview`, the bad-review rectification deadline).
 */

const REMARK_MAX = 500;

/** The follow-up a citizen asks for after a bad rating: the ballot, its receipt code, how to reach them. */
export const ZBadReviewInput = z
  .object({
    periodId: ZId,
    /** The stored ballot's reference. */
    ballotRef: ZBallotRef,
    /** The receipt code the ballot's respondent was given: proof of holding the ballot (a wrong one answers as an unknown ballot). */
    receiptCode: z.string().check(z.trim(), z.toUpperCase(), z.regex(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/, schemaMessage({ 'zh-CN': '回执编号格式不对。', en: 'This is not a receipt code.' }))),
    contact: ZCaseContact,
    /** A callback (回访) is the point of the follow-up: it must be agreed to. */
    callbackConsent: z.literal(true, schemaMessage({ 'zh-CN': '请同意回访。', en: 'Agree to be called back.' })),
    /** What went wrong, in the citizen's words (optional): added to each case's description. */
    remark: z.optional(
      z.string().check(z.trim(), z.maxLength(REMARK_MAX, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max: REMARK_MAX })))),
    ),
  })
  .register(z.globalRegistry, { id: 'BadReviewInput', description: 'A follow-up on a bad rating: the ballot, its receipt code, contact details and callback consent.' });
export type BadReviewInput = z.infer<typeof ZBadReviewInput>;

/**
 * One unit's case of a bad review: opened by this request, with its tracking number and access code (shown
 * this once); or opened by an earlier one (same ballot and unit), whose numbers that one showed.
 */
export const ZBadReviewCase = z.discriminatedUnion('opened', [
  z.object({ unitId: ZId, opened: z.literal(true), trackingNumber: z.string(), accessCode: z.string(), dueDate: z.iso.date(), beyondCalendar: z.boolean() }),
  z.object({ unitId: ZId, opened: z.literal(false) }),
]);
export type BadReviewCase = z.infer<typeof ZBadReviewCase>;

export const ZBadReviewCases = z
  .object({ cases: z.array(ZBadReviewCase) })
  .register(z.globalRegistry, { id: 'BadReviewCases', description: 'The cases of the units a ballot rated badly, one per unit.' });
export type BadReviewCases = z.infer<typeof ZBadReviewCases>;

/** A unit a ballot rated badly, with what it rated in the bottom levels (dimension, rating). */
export interface BadlyRatedUnit {
  unitId: string;
  ratings: { label: string; rating: Rating }[];
}

/**
 * The units a ballot rated in a bottom level of the scale on any dimension (差评), read on the ballot's own
 * form version, in the ballot's order. The bottom levels are the scale's (`ScaleLevel.badReview`), as the
 * tally counts them; 不了解 is never one.
 */
export function badlyRatedUnits(response: Pick<Response, 'units'>, version: FormVersion): BadlyRatedUnit[] {
  const question = scoredQuestion(version.content);
  if (!question) return [];
  const bad = new Set<string>(SCALES[question.scale].filter((l) => l.badReview).map((l) => l.key));
  const found: BadlyRatedUnit[] = [];
  for (const [unitId, answers] of Object.entries(response.units)) {
    const answer = answers[question.id];
    const values: Record<string, unknown> = typeof answer === 'string' ? { [question.id]: answer } : answer && typeof answer === 'object' && !Array.isArray(answer) ? answer : {};
    const ratings = dimensionsOf(question)
      .filter((d) => typeof values[d.id] === 'string' && bad.has(values[d.id] as string))
      .map((d) => ({ label: d.label['zh-CN'], rating: values[d.id] as Rating }));
    if (ratings.length > 0) found.push({ unitId, ratings });
  }
  return found;
}

/**
 * The case id of a ballot's bad review of a unit: a digest of period, ballot and unit shaped as a UUID
 * (version 8), so that the case's own conditional write (`attribute_not_exists`) is the one-case-per-ballot-
 * and-unit rule — a repeated or concurrent follow-up can never open a second case.
 */
export function badReviewCaseId(periodId: string, ballotRef: string, unitId: string): string {
  const h = createHash('sha256').update(`badReview\u0000${periodId}\u0000${ballotRef}\u0000${unitId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The description a bad review's case starts with: the ballot's day and bad ratings, then the citizen's remark. */
export function badReviewDescription(unit: BadlyRatedUnit, submittedAt: string, remark: string | undefined): string {
  const ratings = unit.ratings.map((r) => `${r.label}：${ratingLabel(r.rating, 'zh-CN')}`).join('；');
  const text = `评议差评（${cstDate(new Date(submittedAt))}）：${ratings}。${remark ? `\n评议人补充：${remark}` : ''}`;
  return text.slice(0, DESCRIPTION_MAX);
}

/** What the bad-review follow-up needs: the intake's ports (it reads no case), and read access to ballots and form versions. */
export interface BadReviewDeps extends IntakeDeps {
  /** A stored ballot of a period by its reference. */
  getBallot(periodId: string, ballotRef: string): Promise<Response | undefined>;
  getFormVersion(formId: string, version: number): Promise<FormVersion | undefined>;
}

const NOT_BAD = { 'zh-CN': '这张评议票没有“不满意”或“非常不满意”的评价，无需整改回访。', en: 'This ballot rated no unit in a bottom level (dissatisfied); there is nothing to rectify.' };

const RETIRED = { 'zh-CN': '这张评议票评价不满意的单位均已撤销，不再受理。', en: 'The units this ballot rated badly are retired and take no cases.' };

/** Whether the receipt code is the ballot's (constant time). */
function receiptMatches(given: string, stored: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Opens one case per unit the ballot rated badly (source `badReview`, deadline: bad-review rectification),
 * through the one intake, the contact details stored apart in the contacts table and never with the rating.
 * Idempotent: a unit already opened for this ballot keeps its one case (`opened: false`).
 * A unit retired since is left out. Throws NotFoundError when the ballot is unknown or the receipt code is
 * not its (alike), and ValidationError (`ballotRef`) when it rated no unit that takes cases badly, or for
 * contact details the intake refuses — before anything is written.
 */
export async function fileBadReview(deps: BadReviewDeps, input: BadReviewInput): Promise<BadReviewCases> {
  const ballot = await deps.getBallot(input.periodId, input.ballotRef);
  // Named by the receipt code the citizen holds (the reference is not theirs to read back).
  if (!ballot || !receiptMatches(input.receiptCode, ballot.receiptCode)) throw new NotFoundError('ballot', input.receiptCode);
  const version = await deps.getFormVersion(ballot.formId, ballot.version);
  const rated = version ? badlyRatedUnits(ballot, version) : [];
  if (rated.length === 0) throw new ValidationError([{ path: 'ballotRef', message: NOT_BAD }]);
  // A unit retired since takes no cases; checked for all first, so that a refusal writes nothing.
  const active = await Promise.all(rated.map(async (u) => (await deps.getUnit(u.unitId))?.status === 'active'));
  const units = rated.filter((_, i) => active[i]);
  if (units.length === 0) throw new ValidationError([{ path: 'ballotRef', message: RETIRED }]);

  const cases: BadReviewCase[] = [];
  for (const unit of units) {
    const caseId = badReviewCaseId(input.periodId, input.ballotRef, unit.unitId);
    try {
      const receipt = await fileCase(
        deps,
        {
          kind: 'complaint',
          unitId: unit.unitId,
          description: badReviewDescription(unit, ballot.submittedAt, input.remark),
          contact: input.contact,
          callbackConsent: true,
        },
        { source: 'badReview', caseId, assignTo: unit.unitId },
      );
      cases.push({ unitId: unit.unitId, opened: true, ...receipt });
    } catch (error) {
      // Its case id is taken: an earlier (or concurrent) follow-up opened it. Nothing is read back, so the
      // public function may only put, as the intake does.
      if (!(error instanceof ConflictError)) throw error;
      cases.push({ unitId: unit.unitId, opened: false });
    }
  }
  return { cases };
}
