import * as z from 'zod';
import { ZId, ZRespondentGroup, periodState, type Form, type Period } from './catalog';
import { ConflictError, NotFoundError, PeriodClosedError, ValidationError, type FieldIssue } from './errors';
import { ZRating, isRatingOnScale } from './rating-scale';

/** The longest comment any form may allow; a form sets its own, lower limit. */
export const COMMENT_MAX_LENGTH = 2000;

/** What a respondent submits for one unit. */
export const ZResponseInput = z
  .object({
    formId: ZId,
    periodId: ZId,
    unitId: ZId,
    rating: ZRating,
    group: ZRespondentGroup,
    comment: z.string().trim().max(COMMENT_MAX_LENGTH).optional(),
    /**
     * Chosen by the client once per submission and sent again on every retry: a retry of a stored
     * submission gets the same receipt instead of a second ballot.
     */
    submissionId: z.uuid().optional(),
  })
  .meta({ id: 'ResponseInput', description: 'A rating of one unit on a published form.' });
export type ResponseInput = z.infer<typeof ZResponseInput>;

/** A stored rating. Holds no IP address, device or contact data. */
export const ZResponse = z.object({
  receiptId: z.uuid(),
  formId: ZId,
  periodId: ZId,
  unitId: ZId,
  rating: ZRating,
  group: ZRespondentGroup,
  comment: z.string().optional(),
  submittedAt: z.iso.datetime(),
});
export type Response = z.infer<typeof ZResponse>;

export const ZReceipt = z
  .object({
    receiptId: z.uuid(),
    submittedAt: z.iso.datetime(),
  })
  .meta({ id: 'Receipt', description: 'Proof that a rating was stored; the same for every retry of one submission.' });
export type Receipt = z.infer<typeof ZReceipt>;

/**
 * Checks a submission against its form and period and returns the response to store.
 * Throws NotFoundError (form or unit), PeriodClosedError, or ValidationError naming every failing field.
 */
export function acceptResponse(
  input: ResponseInput,
  form: Form | undefined,
  period: Period | undefined,
  receiptId: string,
  now: Date,
): Response {
  if (!form) throw new NotFoundError('form', input.formId);
  if (!period || form.periodId !== input.periodId) throw new NotFoundError('period', input.periodId);
  const state = periodState(period, now);
  if (state !== 'open') throw new PeriodClosedError(period.periodId, state);
  if (!form.unitIds.includes(input.unitId)) throw new NotFoundError('unit', input.unitId);

  const issues: FieldIssue[] = [];
  if (!isRatingOnScale(form.scale, input.rating, form.allowDontKnow)) {
    issues.push({ path: 'rating', messageKey: 'ratingNotOnScale', params: { scale: form.scale } });
  }
  if (!form.groups.includes(input.group)) {
    issues.push({ path: 'group', messageKey: 'groupNotOnForm' });
  }
  const comment = input.comment || undefined;
  if (comment && comment.length > form.commentMaxLength) {
    issues.push({ path: 'comment', messageKey: 'commentTooLong', params: { max: form.commentMaxLength } });
  }
  if (issues.length > 0) throw new ValidationError(issues);

  return {
    receiptId,
    formId: input.formId,
    periodId: input.periodId,
    unitId: input.unitId,
    rating: input.rating,
    group: input.group,
    ...(comment ? { comment } : {}),
    submittedAt: now.toISOString(),
  };
}

/** Whether a stored response carries the same answers as a (retried) submission. */
export const sameAnswers = (stored: Response, fresh: Response): boolean =>
  stored.formId === fresh.formId &&
  stored.periodId === fresh.periodId &&
  stored.unitId === fresh.unitId &&
  stored.rating === fresh.rating &&
  stored.group === fresh.group &&
  (stored.comment ?? '') === (fresh.comment ?? '');

/** What submitResponse needs from storage. */
export interface SubmitResponseDeps {
  /** Reads the form and its period in one round trip. */
  loadFormAndPeriod(formId: string, periodId: string): Promise<{ form?: Form; period?: Period }>;
  /** Stores the response unless one with its receipt id exists; then returns the stored one. */
  putResponseOnce(response: Response): Promise<{ stored: true } | { stored: false; existing: Response }>;
  newId(): string;
  now(): Date;
}

/**
 * Takes one rating: validates it against its form and period and stores it with one conditional write.
 * A retry with the same submissionId and answers returns the first receipt; with other answers it is a conflict.
 */
export async function submitResponse(deps: SubmitResponseDeps, input: ResponseInput): Promise<Receipt> {
  const { form, period } = await deps.loadFormAndPeriod(input.formId, input.periodId);
  const response = acceptResponse(input, form, period, input.submissionId ?? deps.newId(), deps.now());
  const result = await deps.putResponseOnce(response);
  if (result.stored) return { receiptId: response.receiptId, submittedAt: response.submittedAt };
  if (!sameAnswers(result.existing, response)) {
    throw new ConflictError('submissionIdReused', { submissionId: response.receiptId });
  }
  return { receiptId: result.existing.receiptId, submittedAt: result.existing.submittedAt };
}
