import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, PeriodClosedError, ValidationError } from '../../../../functions/domain/errors';
import type { SubmissionInput } from '../../../../functions/domain/evaluation/response';
import {
  acceptResponse,
  sameAnswers,
  submitResponse,
  type Response,
  type SubmissionContext,
  type SubmitResponseDeps,
} from '../../../../functions/domain/evaluation/response';
import {
  aForm,
  aFormContent,
  aFormVersion,
  aPeriod,
  aRatingQuestion,
  aResponse,
  aSubmission,
  DURING_PERIOD,
} from '../../../fixtures/catalog';

const SUBMISSION_ID = '6f1c1f0e-6a43-4c8e-9d7e-2f7a1f4b9c01';

const aContext = (overrides: Partial<SubmissionContext> = {}): SubmissionContext => ({
  form: aForm(),
  version: aFormVersion(),
  period: aPeriod(),
  ...overrides,
});

/** What acceptResponse throws, for asserting on its fields. */
function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('acceptResponse', () => {
  it('returns the response to store: its version, period, group, the accepted answers and the time, nothing else', () => {
    const input = aSubmission({
      answers: { group: 'enterprise' },
      units: { 'tax-bureau': { overall: 'satisfied', comment: '  办事很快  ' } },
    });

    const response = acceptResponse(input, aContext(), SUBMISSION_ID, DURING_PERIOD);

    expect(response).toEqual({
      submissionId: SUBMISSION_ID,
      formId: 'district-2026',
      version: 1,
      periodId: '2026-annual',
      group: 'enterprise',
      answers: { group: 'enterprise' },
      units: { 'tax-bureau': { overall: 'satisfied', comment: '办事很快' } },
      submittedAt: DURING_PERIOD.toISOString(),
    });
  });

  it("counts a response to a form without a group question in the form's default group", () => {
    const version = aFormVersion({ content: aFormContent({ questions: [aRatingQuestion()], defaultGroup: 'enterprise' }) });
    const input = aSubmission({ answers: {}, units: { 'tax-bureau': { overall: 'satisfied' } } });

    const response = acceptResponse(input, aContext({ version }), SUBMISSION_ID, DURING_PERIOD);

    expect(response.group).toBe('enterprise');
  });

  it('takes the lowest rating like any other: low ratings are never filtered', () => {
    const input = aSubmission({ units: { 'tax-bureau': { overall: 'veryDissatisfied' } } });

    const response = acceptResponse(input, aContext(), SUBMISSION_ID, DURING_PERIOD);

    expect(response.units).toEqual({ 'tax-bureau': { overall: 'veryDissatisfied' } });
  });

  it('does not know a form that was never published, nor a form that does not exist', () => {
    const draft = aContext({ form: aForm({ status: 'draft', latestVersion: 0 }) });
    const missing = aContext({ form: undefined });

    const errors = [draft, missing].map((ctx) => thrownBy(() => acceptResponse(aSubmission(), ctx, SUBMISSION_ID, DURING_PERIOD)));

    for (const error of errors) {
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ entity: 'form', id: 'district-2026' });
    }
  });

  it('does not know a version that does not exist, or that belongs to another form', () => {
    const missing = aContext({ version: undefined });
    const otherForm = aContext({ version: aFormVersion({ formId: 'another-form', version: 7 }) });
    const input = aSubmission({ version: 7 });

    const errors = [missing, otherForm].map((ctx) => thrownBy(() => acceptResponse(input, ctx, SUBMISSION_ID, DURING_PERIOD)));

    for (const error of errors) {
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ entity: 'formVersion', id: 'district-2026@7' });
    }
  });

  it('refuses a response to a closed form as a conflict', () => {
    const ctx = aContext({ form: aForm({ status: 'closed' }) });

    const error = thrownBy(() => acceptResponse(aSubmission(), ctx, SUBMISSION_ID, DURING_PERIOD));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ reason: 'formClosed' });
  });

  it("does not know a form whose period is missing", () => {
    const ctx = aContext({ period: undefined });

    const error = thrownBy(() => acceptResponse(aSubmission(), ctx, SUBMISSION_ID, DURING_PERIOD));

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'period', id: '2026-annual' });
  });

  it('refuses a response before the period opens and from the moment it closes, saying which', () => {
    const period = aPeriod();
    const before = new Date('2025-12-31T23:59:59+08:00');
    const atClose = new Date(period.closesAt);

    const early = thrownBy(() => acceptResponse(aSubmission(), aContext(), SUBMISSION_ID, before));
    const late = thrownBy(() => acceptResponse(aSubmission(), aContext(), SUBMISSION_ID, atClose));

    expect(early).toBeInstanceOf(PeriodClosedError);
    expect(early).toMatchObject({ periodId: '2026-annual', state: 'notYetOpen' });
    expect(late).toBeInstanceOf(PeriodClosedError);
    expect(late).toMatchObject({ periodId: '2026-annual', state: 'ended' });
  });

  it('takes a response at the very moment the period opens', () => {
    const atOpen = new Date(aPeriod().opensAt);

    const response = acceptResponse(aSubmission(), aContext(), SUBMISSION_ID, atOpen);

    expect(response.submittedAt).toBe(atOpen.toISOString());
  });

  it('refuses answers that break the form rules, naming every failing field', () => {
    const input = aSubmission({ answers: { group: 'tourist' }, units: { 'tax-bureau': { overall: 'great' } } });

    const error = thrownBy(() => acceptResponse(input, aContext(), SUBMISSION_ID, DURING_PERIOD));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => f.path)).toEqual(['answers.group', 'units.tax-bureau.overall']);
  });
});

describe('sameAnswers', () => {
  it('ignores the time and the order of keys', () => {
    const first = aResponse({ answers: { group: 'citizen', channel: 'window' }, submittedAt: '2026-06-15T02:00:00.000Z' });
    const retry = aResponse({ answers: { channel: 'window', group: 'citizen' }, submittedAt: '2026-06-15T02:05:00.000Z' });

    const same = sameAnswers(first, retry);

    expect(same).toBe(true);
  });

  it('tells apart responses that rate another unit, or the same unit otherwise', () => {
    const first = aResponse();
    const otherUnit = aResponse({ units: { 'service-centre': { overall: 'satisfied' } } });
    const otherRating = aResponse({ units: { 'tax-bureau': { overall: 'dissatisfied' } } });

    const verdicts = [sameAnswers(first, otherUnit), sameAnswers(first, otherRating)];

    expect(verdicts).toEqual([false, false]);
  });
});

/** A store that keeps one response per submission id, as the conditional write does. */
function fakeDeps(ctx: SubmissionContext = aContext(), clock: Date[] = [DURING_PERIOD]) {
  const stored = new Map<string, Response>();
  let tick = 0;
  const deps: SubmitResponseDeps = {
    loadSubmissionContext: async () => ctx,
    putResponseOnce: async (response) => {
      const existing = stored.get(response.submissionId);
      if (existing) return { stored: false, existing };
      stored.set(response.submissionId, response);
      return { stored: true };
    },
    newId: () => '0b9a4c3e-7d21-4f6a-8e5b-1c2d3e4f5a6b',
    now: () => clock[Math.min(tick++, clock.length - 1)]!,
  };
  return { deps, stored };
}

describe('submitResponse', () => {
  it('stores the response once and returns its receipt', async () => {
    const { deps, stored } = fakeDeps();

    const receipt = await submitResponse(deps, aSubmission());

    expect(receipt).toEqual({ receiptId: SUBMISSION_ID, formId: 'district-2026', version: 1, submittedAt: DURING_PERIOD.toISOString() });
    expect([...stored.keys()]).toEqual([SUBMISSION_ID]);
  });

  it('gives a submission without an id a new one', async () => {
    const { deps, stored } = fakeDeps();
    const input: SubmissionInput = { ...aSubmission(), submissionId: undefined };

    const receipt = await submitResponse(deps, input);

    expect(receipt.receiptId).toBe('0b9a4c3e-7d21-4f6a-8e5b-1c2d3e4f5a6b');
    expect([...stored.keys()]).toEqual(['0b9a4c3e-7d21-4f6a-8e5b-1c2d3e4f5a6b']);
  });

  it('answers a retry of a stored submission with the first receipt, storing nothing more', async () => {
    const later = new Date(DURING_PERIOD.getTime() + 60_000);
    const { deps, stored } = fakeDeps(aContext(), [DURING_PERIOD, later]);
    const first = await submitResponse(deps, aSubmission());

    const retry = await submitResponse(deps, aSubmission());

    expect(retry).toEqual(first);
    expect(retry.submittedAt).toBe(DURING_PERIOD.toISOString());
    expect(stored.size).toBe(1);
  });

  it('never stores a second ballot for one submission id, whichever unit the reuse rates', async () => {
    // The double-count this guards against: one submission id sent for three different units.
    const content = aFormContent({ unitIds: ['tax-bureau', 'service-centre', 'land-office'] });
    const { deps, stored } = fakeDeps(aContext({ version: aFormVersion({ content }) }));
    const inputs = ['tax-bureau', 'service-centre', 'land-office'].map((unitId) => aSubmission({ units: { [unitId]: { overall: 'satisfied' } } }));

    const outcomes = [];
    for (const input of inputs) outcomes.push(await submitResponse(deps, input).then(() => 'stored', (e: unknown) => e));

    expect(outcomes[0]).toBe('stored');
    for (const outcome of outcomes.slice(1)) {
      expect(outcome).toBeInstanceOf(ConflictError);
      expect(outcome).toMatchObject({ reason: 'submissionIdReused', params: { submissionId: SUBMISSION_ID } });
    }
    expect(stored.size).toBe(1);
    expect(Object.keys(stored.get(SUBMISSION_ID)!.units)).toEqual(['tax-bureau']);
  });

  it('refuses the same submission id with other answers for the same unit', async () => {
    const { deps } = fakeDeps();
    await submitResponse(deps, aSubmission({ units: { 'tax-bureau': { overall: 'satisfied' } } }));

    const reuse = submitResponse(deps, aSubmission({ units: { 'tax-bureau': { overall: 'veryDissatisfied' } } }));

    await expect(reuse).rejects.toMatchObject({ reason: 'submissionIdReused' });
  });

  it('stores nothing when the answers break the form rules', async () => {
    const { deps, stored } = fakeDeps();

    const submission = submitResponse(deps, aSubmission({ units: { nowhere: { overall: 'satisfied' } } }));

    await expect(submission).rejects.toBeInstanceOf(ValidationError);
    expect(stored.size).toBe(0);
  });
});
