import { describe, expect, it } from 'vitest';
import { badReviewCaseId, badReviewDescription, badlyRatedUnits } from '../../../../functions/domain/cases/bad-review';
import { ZCase } from '../../../../functions/domain/cases/case';
import { aDimensionsQuestion, aFormContent, aFormVersion, aRatingQuestion } from '../../../fixtures/catalog';

describe('badlyRatedUnits', () => {
  it('finds the units rated in the bottom two levels of the five-level scale, on any dimension, never 不了解', () => {
    // prepare
    const version = aFormVersion({ content: aFormContent({ questions: [aDimensionsQuestion()] }) });
    const units = {
      'tax-bureau': { evaluation: { attitude: 'veryDissatisfied', efficiency: 'satisfied', integrity: 'dontKnow', policy: 'dissatisfied' } },
      'service-centre': { evaluation: { attitude: 'basicallySatisfied', efficiency: 'dontKnow', integrity: 'verySatisfied', policy: 'satisfied' } },
    };

    // act
    const found = badlyRatedUnits({ units }, version);

    // assert
    expect(found).toEqual([
      {
        unitId: 'tax-bureau',
        ratings: [
          { label: '服务态度', rating: 'veryDissatisfied' },
          { label: '政策落实', rating: 'dissatisfied' },
        ],
      },
    ]);
  });

  it("reads the three-level scale's bottom level (不满意) as bad and 基本满意 as not", () => {
    // prepare
    const version = aFormVersion({ content: aFormContent({ questions: [aRatingQuestion({ scale: 'three' })] }) });

    // act
    const bad = badlyRatedUnits({ units: { 'tax-bureau': { overall: 'dissatisfied' } } }, version);
    const fair = badlyRatedUnits({ units: { 'tax-bureau': { overall: 'basicallySatisfied' } } }, version);

    // assert
    expect(bad.map((u) => u.unitId)).toEqual(['tax-bureau']);
    expect(fair).toEqual([]);
  });
});

describe('badReviewCaseId', () => {
  it('is one valid case id per period, ballot and unit, and another for any other', () => {
    // act
    const id = badReviewCaseId('2026-annual', 'o.abcdefghijklmnopqrstuv', 'tax-bureau');

    // assert
    expect(ZCase.shape.caseId.safeParse(id).success).toBe(true);
    expect(badReviewCaseId('2026-annual', 'o.abcdefghijklmnopqrstuv', 'tax-bureau')).toBe(id);
    expect(badReviewCaseId('2026-annual', 'o.abcdefghijklmnopqrstuv', 'service-centre')).not.toBe(id);
    expect(badReviewCaseId('2026-annual', 'o.abcdefghijklmnopqrstuw', 'tax-bureau')).not.toBe(id);
    expect(badReviewCaseId('2027-annual', 'o.abcdefghijklmnopqrstuv', 'tax-bureau')).not.toBe(id);
  });
});

describe('badReviewDescription', () => {
  it("names the ballot's CST day and bad ratings, then the citizen's remark", () => {
    // act
    const text = badReviewDescription({ unitId: 'tax-bureau', ratings: [{ label: '服务态度', rating: 'veryDissatisfied' }] }, '2026-06-14T17:30:00.000Z', '态度生硬');

    // assert
    expect(text).toBe('评议差评（2026-06-15）：服务态度：非常不满意。\n评议人补充：态度生硬');
  });
});
