import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, PeriodClosedError, ValidationError } from '../../../functions/domain/errors';
import {
  ZResponseInput,
  acceptResponse,
  submitResponse,
  type Response,
  type SubmitResponseDeps,
} from '../../../functions/domain/response';
import { aForm, aPeriod, aResponseInput, DURING_PERIOD } from '../../fixtures/catalog';

const RECEIPT = '6f1c1f0e-6a43-4c8e-9d7e-2f7a1f4b9c01';

describe('acceptResponse', () => {
  it('returns the response to store, with the time of receipt and no other data', () => {
    const response = acceptResponse(aResponseInput({ comment: '  办事很快  ' }), aForm(), aPeriod(), RECEIPT, DURING_PERIOD);

    expect(response).toEqual({
      receiptId: RECEIPT,
      formId: 'district-2026',
      periodId: '2026-annual',
      unitId: 'tax-bureau',
      rating: 'satisfied',
      group: 'citizen',
      comment: '  办事很快  ',
      submittedAt: DURING_PERIOD.toISOString(),
    });
  });

  it('accepts the lowest rating like any other (low ratings are never filtered)', () => {
    const response = acceptResponse(aResponseInput({ rating: 'veryDissatisfied' }), aForm(), aPeriod(), RECEIPT, DURING_PERIOD);

    expect(response.rating).toBe('veryDissatisfied');
  });

  it('rejects a unit the form does not list', () => {
    const act = () => acceptResponse(aResponseInput({ unitId: 'nowhere' }), aForm(), aPeriod(), RECEIPT, DURING_PERIOD);

    expect(act).toThrow(NotFoundError);
    expect(act).toThrow(/unit not found: nowhere/);
  });

  it('rejects a missing form, and a period the form is not published for', () => {
    expect(() => acceptResponse(aResponseInput(), undefined, aPeriod(), RECEIPT, DURING_PERIOD)).toThrow(/form not found/);
    expect(() =>
      acceptResponse(aResponseInput({ periodId: 'other' }), aForm(), aPeriod({ periodId: 'other' }), RECEIPT, DURING_PERIOD),
    ).toThrow(/period not found: other/);
  });

  it('rejects a rating outside the period, saying whether it has not opened or has ended', () => {
    const before = new Date('2025-12-31T23:59:59+08:00');
    const after = new Date('2027-01-01T00:00:00+08:00');

    expect(() => acceptResponse(aResponseInput(), aForm(), aPeriod(), RECEIPT, before)).toThrow(
      expect.objectContaining({ state: 'notYetOpen' }) as unknown as Error,
    );
    expect(() => acceptResponse(aResponseInput(), aForm(), aPeriod(), RECEIPT, after)).toThrow(PeriodClosedError);
  });

  it('names every field that breaks the form rules at once', () => {
    const form = aForm({ scale: 'three', allowDontKnow: false, groups: ['citizen'], commentMaxLength: 5 });
    const input = aResponseInput({ rating: 'verySatisfied', group: 'enterprise', comment: '太长的意见建议' });

    let error: unknown;
    try {
      acceptResponse(input, form, aPeriod(), RECEIPT, DURING_PERIOD);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => f.path)).toEqual(['rating', 'group', 'comment']);
  });

  it('rejects 不了解 where the form does not allow it', () => {
    const act = () =>
      acceptResponse(aResponseInput({ rating: 'dontKnow' }), aForm({ allowDontKnow: false }), aPeriod(), RECEIPT, DURING_PERIOD);

    expect(act).toThrow(ValidationError);
  });
});

describe('ZResponseInput', () => {
  it('names every missing or malformed field', () => {
    const parsed = ZResponseInput.safeParse({ formId: 'Bad Id!', rating: 'great', submissionId: 'x' });

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(
      ['formId', 'group', 'periodId', 'rating', 'submissionId', 'unitId'].sort(),
    );
  });
});

describe('submitResponse', () => {
  const depsWith = (existing?: Response): SubmitResponseDeps & { stored: Response[] } => {
    const stored: Response[] = [];
    return {
      stored,
      loadFormAndPeriod: async () => ({ form: aForm(), period: aPeriod() }),
      putResponseOnce: async (response) => {
        if (existing) return { stored: false, existing };
        stored.push(response);
        return { stored: true };
      },
      newId: () => 'a3b0c1d2-0000-4000-8000-000000000000',
      now: () => DURING_PERIOD,
    };
  };

  it('stores the response once and returns its receipt', async () => {
    const deps = depsWith();

    const receipt = await submitResponse(deps, aResponseInput());

    expect(receipt).toEqual({ receiptId: RECEIPT, submittedAt: DURING_PERIOD.toISOString() });
    expect(deps.stored).toHaveLength(1);
  });

  it('makes a receipt id when the client sent no submission id', async () => {
    const deps = depsWith();

    const receipt = await submitResponse(deps, aResponseInput({ submissionId: undefined }));

    expect(receipt.receiptId).toBe('a3b0c1d2-0000-4000-8000-000000000000');
  });

  it('answers a retry of a stored submission with the first receipt', async () => {
    const first = acceptResponse(aResponseInput(), aForm(), aPeriod(), RECEIPT, new Date('2026-06-15T09:59:00+08:00'));
    const deps = depsWith(first);

    const receipt = await submitResponse(deps, aResponseInput());

    expect(receipt).toEqual({ receiptId: RECEIPT, submittedAt: first.submittedAt });
  });

  it('refuses a submission id reused for other answers', async () => {
    const first = acceptResponse(aResponseInput({ rating: 'verySatisfied' }), aForm(), aPeriod(), RECEIPT, DURING_PERIOD);
    const deps = depsWith(first);

    await expect(submitResponse(deps, aResponseInput({ rating: 'dissatisfied' }))).rejects.toThrow(ConflictError);
  });
});
