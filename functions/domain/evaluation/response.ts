import * as z from 'zod/mini';
import { canonicalJson } from '../canonical';
import { ConflictError, NotFoundError, PeriodClosedError, ValidationError } from '../errors';
import { ZId } from '../ids';
import { ZAnswers, ZUnitAnswers, checkAnswers, groupOf } from './answers';
import type { Form, FormVersion } from './form';
import { periodState, type Period } from './period';

/** What a respondent submits: one response, rating one unit or every unit of the form. */
export const ZSubmissionInput = z
  .object({
    formId: ZId,
    /** The form version the page showed; the response is counted on it. */
    version: z.int().check(z.minimum(1)),
    /** Answers to the questions asked once per response (group, choices, comments). */
    answers: z._default(ZAnswers, {}),
    /** Answers about each rated unit: one unit on a one-unit form, every unit on an all-units form. */
    units: ZUnitAnswers,
    /**
     * Chosen by the client once per submission and sent again on every retry: a retry of a stored
     * submission gets the same receipt instead of a second ballot, whatever it rates.
     */
    submissionId: z.optional(z.uuid()),
  })
  .register(z.globalRegistry, { id: 'SubmissionInput', description: 'One response to a published form version.' });
export type SubmissionInput = z.infer<typeof ZSubmissionInput>;

/**
 * A stored response (答卷): one item per submission, however many units it rates, written once and
 * never updated. Holds no IP address, device or contact data.
 */
export const ZResponse = z.object({
  submissionId: z.uuid(),
  formId: ZId,
  version: z.int().check(z.minimum(1)),
  periodId: ZId,
  /** The respondent group it is counted in (the group answer, or the form's default). */
  group: ZId,
  answers: ZAnswers,
  units: ZUnitAnswers,
  submittedAt: z.iso.datetime(),
});
export type Response = z.infer<typeof ZResponse>;

export const ZReceipt = z
  .object({
    receiptId: z.uuid(),
    formId: ZId,
    version: z.int().check(z.minimum(1)),
    submittedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, {
    id: 'Receipt',
    description: 'Proof that a response was stored; the same for every retry of one submission.',
  });
export type Receipt = z.infer<typeof ZReceipt>;

/** What a submission needs to know about its form: read together, and cacheable (versions never change). */
export interface SubmissionContext {
  form?: Pick<Form, 'formId' | 'periodId' | 'status' | 'latestVersion'>;
  version?: FormVersion;
  period?: Period;
}

/**
 * Checks a submission against its form version and period and returns the response to store.
 * Throws NotFoundError (form, version or period), ConflictError (form closed), PeriodClosedError, or
 * ValidationError naming every failing field.
 */
export function acceptResponse(input: SubmissionInput, ctx: SubmissionContext, submissionId: string, now: Date): Response {
  const { form, version, period } = ctx;
  // A form never published does not exist for the public.
  if (!form || form.latestVersion === 0) throw new NotFoundError('form', input.formId);
  if (!version || version.formId !== form.formId) throw new NotFoundError('formVersion', `${input.formId}@${input.version}`);
  if (form.status === 'closed') throw new ConflictError('formClosed', { formId: form.formId });
  if (!period || period.periodId !== form.periodId) throw new NotFoundError('period', form.periodId);
  const state = periodState(period, now);
  if (state !== 'open') throw new PeriodClosedError(period.periodId, state);

  const { issues, accepted } = checkAnswers(version.content, input);
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    submissionId,
    formId: form.formId,
    version: version.version,
    periodId: period.periodId,
    group: groupOf(version.content, accepted.answers),
    answers: accepted.answers,
    units: accepted.units,
    submittedAt: now.toISOString(),
  };
}

/** Whether a stored response carries the same answers as a (retried) submission. */
export const sameAnswers = (stored: Response, fresh: Response): boolean =>
  stored.formId === fresh.formId &&
  stored.version === fresh.version &&
  stored.periodId === fresh.periodId &&
  stored.group === fresh.group &&
  canonicalJson(stored.answers) === canonicalJson(fresh.answers) &&
  canonicalJson(stored.units) === canonicalJson(fresh.units);

/** What submitResponse needs from storage. */
export interface SubmitResponseDeps {
  /** The form, the asked version and the form's period; published versions may come from a cache. */
  loadSubmissionContext(formId: string, version: number): Promise<SubmissionContext>;
  /** Stores the response unless its submission id is taken; then returns the stored one. */
  putResponseOnce(response: Response): Promise<{ stored: true } | { stored: false; existing: Response }>;
  newId(): string;
  now(): Date;
}

const receiptOf = (r: Response): Receipt => ({
  receiptId: r.submissionId,
  formId: r.formId,
  version: r.version,
  submittedAt: r.submittedAt,
});

/**
 * Takes one response: checks it against its form version and period and stores it with one conditional
 * write, however many units it rates. A retry with the same submissionId and answers returns the first
 * receipt; the same submissionId with other answers (another unit included) is a conflict, never a
 * second ballot.
 */
export async function submitResponse(deps: SubmitResponseDeps, input: SubmissionInput): Promise<Receipt> {
  const ctx = await deps.loadSubmissionContext(input.formId, input.version);
  const response = acceptResponse(input, ctx, input.submissionId ?? deps.newId(), deps.now());
  const result = await deps.putResponseOnce(response);
  if (result.stored) return receiptOf(response);
  if (!sameAnswers(result.existing, response)) {
    throw new ConflictError('submissionIdReused', { submissionId: response.submissionId });
  }
  return receiptOf(result.existing);
}
