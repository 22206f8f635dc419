import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { canonicalJson } from '../canonical';
import { AdmissionRefusedError, ConflictError, NotFoundError, PeriodClosedError, ValidationError } from '../errors';
import { ZId } from '../ids';
import { ZAdmission, type Admission } from './admission';
import { ZAnswers, ZUnitAnswers, checkAnswers, groupOf } from './answers';
import { ZBallotRef, ZReceiptCode } from './ballot-ids';
import { TOKEN_MAX_LENGTH, batchOfSerial, readToken, tokenBallotRef, type KeyRing, type TokenClaims } from './ballot-token';
import { clientKey, cstDay } from './client-key';
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
     * The client's secret for this submission, chosen once and sent again on every retry: a retry of a
     * stored submission gets the same receipt instead of a second ballot, whatever it rates. Never shown to
     * anyone and never stored as sent (only its digest is).
     */
    submissionId: z.optional(z.uuid()),
    /** The invitation or service-record token of the link the respondent came by (`#t=` of the link). */
    token: z.optional(z.string().check(z.minLength(1), z.maxLength(TOKEN_MAX_LENGTH))),
  })
  .register(z.globalRegistry, { id: 'SubmissionInput', description: 'One response to a published form version.' });
export type SubmissionInput = z.infer<typeof ZSubmissionInput>;

/**
 * A stored response (答卷): one item per submission, however many units it rates, written once and never
 * updated. Holds no IP address, device or contact data: an open ballot keeps the salted key of its client
 * for that day, a tokenized one its token's serial (in its reference) and batch.
 */
export const ZResponse = z.object({
  /** What the stored item is known by (its key); never the client's submission id. */
  ballotRef: ZBallotRef,
  /** SHA-256 of the client's submission id (base64url): recognises a retry without storing the secret. */
  submissionHash: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
  /** What the respondent keeps as proof; it opens nothing. */
  receiptCode: ZReceiptCode,
  formId: ZId,
  version: z.int().check(z.minimum(1)),
  periodId: ZId,
  /** The respondent group it is counted in (the invitation's group, the group answer, or the form's default). */
  group: ZId,
  answers: ZAnswers,
  units: ZUnitAnswers,
  submittedAt: z.iso.datetime(),
  admission: ZAdmission,
});
export type Response = z.infer<typeof ZResponse>;

export const ZReceipt = z
  .object({
    /**
     * The number the respondent keeps. Random, and not what a retry is recognised by: knowing it lets
     * nobody resend the ballot or probe its answers.
     */
    receiptCode: ZReceiptCode,
    formId: ZId,
    version: z.int().check(z.minimum(1)),
    /** The period the ballot is counted in. */
    periodId: ZId,
    /**
     * The stored ballot's reference: what a follow-up on a bad rating (POST /cases/bad-reviews) names the
     * ballot by. Not secret from the person who cast it, and no proof on its own — the receipt code is.
     */
    ballotRef: ZBallotRef,
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

/** Where a submission came from, as the API saw it: used for an open ballot's client key, then forgotten. */
export interface SubmissionClient {
  address: string;
  userAgent: string;
}

/** The digest a retry is recognised by. */
export const submissionHashOf = (submissionId: string) => createHash('sha256').update(submissionId).digest('base64url');

/** The checked answers of a submission to its version, or ValidationError naming every failing field. */
function checkedAnswers(input: SubmissionInput, version: FormVersion) {
  const { issues, accepted } = checkAnswers(version.content, input);
  if (issues.length > 0) throw new ValidationError(issues);
  return { answers: accepted.answers, units: accepted.units, group: groupOf(version.content, accepted.answers) };
}

/** Whether a stored response carries the same answers as a (retried) submission. */
export const sameAnswers = (stored: Response, fresh: Pick<Response, 'formId' | 'version' | 'periodId' | 'group' | 'answers' | 'units'>): boolean =>
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
  /** The stage's ballot-token keys (cached). */
  ballotKeys(): Promise<KeyRing>;
  /** The salt of a CST day (cached); throws a dependency fault when there is none yet. */
  daySalt(day: string): Promise<string>;
  /** Stores the response unless its ballot is taken; then returns the stored one. */
  putResponseOnce(response: Response): Promise<{ stored: true } | { stored: false; existing: Response }>;
  /** The stored response of a ballot, if any, for a retry after the period or form closed. */
  findResponse(periodId: string, ballotRef: string): Promise<Response | undefined>;
  newId(): string;
  newReceiptCode(): string;
  now(): Date;
}

const receiptOf = (r: Response): Receipt => ({
  receiptCode: r.receiptCode,
  formId: r.formId,
  version: r.version,
  periodId: r.periodId,
  ballotRef: r.ballotRef,
  submittedAt: r.submittedAt,
});

/** The form, version and period of a submission, or NotFoundError. */
function known(ctx: SubmissionContext, input: SubmissionInput) {
  const { form, version, period } = ctx;
  // A form never published does not exist for the public.
  if (!form || form.latestVersion === 0) throw new NotFoundError('form', input.formId);
  if (!version || version.formId !== form.formId) throw new NotFoundError('formVersion', `${input.formId}@${input.version}`);
  if (!period || period.periodId !== form.periodId) throw new NotFoundError('period', form.periodId);
  return { form, version, period };
}

/**
 * Takes one response with one conditional write, however many units it rates, keyed so that the write
 * itself keeps it to one per respondent:
 * - with a token, the key is the token's serial: the write that stores the ballot uses the token up, and a
 *   second use answers 409 with the time of the first (AdmissionRefusedError, 403, for a forged, expired,
 *   other-period or other-unit token);
 * - without one (an open period only), the key is the digest of the client's submission id, and the ballot
 *   carries its client's salted key of the day, from which the tally flags what passes the period's limits.
 * A retry with the same submission id gets the first receipt — after the period or form closed too. Other
 * answers under the same submission id are a conflict, never a second ballot; and a token's second use
 * answers the same whatever the answers, so nobody can probe a ballot with it.
 */
export async function submitResponse(deps: SubmitResponseDeps, input: SubmissionInput, client: SubmissionClient): Promise<Receipt> {
  const { form, version, period } = known(await deps.loadSubmissionContext(input.formId, input.version), input);
  const now = deps.now();
  const state = periodState(period, now);
  if (state === 'notYetOpen') throw new PeriodClosedError(period.periodId, state);

  const submissionHash = submissionHashOf(input.submissionId ?? deps.newId());
  let claims: TokenClaims | undefined;
  if (input.token !== undefined) {
    claims = readToken(await deps.ballotKeys(), input.token);
    if (!claims) throw new AdmissionRefusedError('invalidToken');
    if (claims.periodId !== period.periodId) throw new AdmissionRefusedError('otherPeriod');
  } else if (period.admission.mode !== 'open') {
    throw new AdmissionRefusedError('tokenRequired');
  }
  const ballotRef = claims ? tokenBallotRef(claims) : `o.${submissionHash.slice(0, 22)}`;

  const expired = claims !== undefined && now.getTime() >= claims.expiresAt.getTime();
  if (state === 'ended' || form.status === 'closed' || expired) {
    // Too late for a new ballot, not for the receipt of one stored before.
    const stored = await deps.findResponse(period.periodId, ballotRef);
    if (stored && stored.submissionHash === submissionHash) return receiptOf(stored);
    if (state === 'ended') throw new PeriodClosedError(period.periodId, state);
    if (form.status === 'closed') throw new ConflictError('formClosed', { formId: form.formId });
    throw new AdmissionRefusedError('expiredToken');
  }

  const checked = checkedAnswers(input, version);
  let admission: Admission;
  let group = checked.group;
  if (claims) {
    if (claims.kind === 'serviceRecord' && period.admission.mode === 'invitation') throw new AdmissionRefusedError('tokenRequired');
    const rated = Object.keys(checked.units);
    if (claims.unitId !== undefined && (rated.length !== 1 || rated[0] !== claims.unitId)) throw new AdmissionRefusedError('otherUnit');
    if (claims.groupId !== undefined) group = claims.groupId;
    admission =
      claims.kind === 'invitation'
        ? { kind: 'invitation', batchId: batchOfSerial(claims.serial), ...(claims.groupId !== undefined ? { groupId: claims.groupId } : {}) }
        : { kind: 'serviceRecord' };
  } else {
    const day = cstDay(now);
    admission = { kind: 'open', day, clientKey: clientKey(await deps.daySalt(day), client.address, client.userAgent) };
  }
  if (period.admission.mode === 'serviceRecord' && admission.kind === 'invitation' && admission.groupId === undefined) {
    // Under 一事一评 an invitation is what a verified group (deputies …) rates with, never a second way in.
    throw new AdmissionRefusedError('tokenRequired');
  }

  const response: Response = {
    ballotRef,
    submissionHash,
    receiptCode: deps.newReceiptCode(),
    formId: form.formId,
    version: version.version,
    periodId: period.periodId,
    group,
    answers: checked.answers,
    units: checked.units,
    submittedAt: now.toISOString(),
    admission,
  };
  const result = await deps.putResponseOnce(response);
  if (result.stored) return receiptOf(response);
  const { existing } = result;
  if (existing.submissionHash !== submissionHash) {
    // Only a token's ballot can be met by another submission: its token was used.
    throw new ConflictError('tokenUsed', { usedAt: existing.submittedAt });
  }
  if (!sameAnswers(existing, response)) throw new ConflictError('submissionIdReused');
  return receiptOf(existing);
}
