import { describe, expect, it } from 'vitest';
import type { Question } from '../../../functions/domain/evaluation/form';
import {
  checkDraft,
  emptyDraft,
  fieldOrder,
  ratedUnits,
  shownErrors,
  toSubmission,
  type Draft,
} from '../../../web/src/pages/evaluation/form-model';
import { aFormContent, aMultipleChoiceQuestion, aRatingQuestion, anAllUnitsContent } from '../../fixtures/catalog';

/** The rate page's model: what it sends, and where it shows what the domain's checkAnswers finds. */

/** A one-unit form whose follow-up question is shown only for a bad rating. */
const withFollowUp = aFormContent({
  questions: [
    aRatingQuestion({ allowDontKnow: false }),
    aMultipleChoiceQuestion({ required: true, showIf: { questionId: 'overall', anyOf: ['dissatisfied', 'veryDissatisfied'] } }) as Question,
  ],
});
const draftOf = (overrides: Partial<Draft>): Draft => ({ ...emptyDraft(), ...overrides });

describe('toSubmission', () => {
  it('sends the answer of a shown follow-up question', () => {
    const draft = draftOf({ unitId: 'tax-bureau', units: { unit: { overall: 'dissatisfied', problems: ['slow'] } } });

    expect(toSubmission(withFollowUp, draft)).toEqual({ answers: {}, units: { 'tax-bureau': { overall: 'dissatisfied', problems: ['slow'] } } });
  });

  it('drops the answer of a question hidden again, and empty answers', () => {
    const draft = draftOf({ unitId: 'tax-bureau', units: { unit: { overall: 'satisfied', problems: ['slow'] } } });

    expect(toSubmission(withFollowUp, draft).units).toEqual({ 'tax-bureau': { overall: 'satisfied' } });
    expect(toSubmission(aFormContent(), draftOf({ unitId: 'tax-bureau', units: { unit: { overall: 'satisfied', comment: '  ' } } })).units).toEqual({
      'tax-bureau': { overall: 'satisfied' },
    });
  });

  it('lists every unit of an all-units form, answered or not', () => {
    expect(Object.keys(toSubmission(anAllUnitsContent(), emptyDraft()).units)).toEqual(['tax-bureau', 'service-centre']);
  });
});

describe('checkDraft', () => {
  it('names the unit and every missing answer of a one-unit form at once, before a unit is chosen', () => {
    const { errors } = checkDraft(aFormContent(), emptyDraft());

    expect(Object.keys(errors).sort()).toEqual(['answers.group', 'unit', 'unit.overall']);
    expect(errors['unit.overall']).toEqual([{ 'zh-CN': '此项必填。', en: 'This is required.' }]);
  });

  it('shows a missing dimension at that dimension, and an unanswered matrix at the question', () => {
    const draft = draftOf({
      respondent: { group: 'citizen' },
      units: { 'tax-bureau': { evaluation: { attitude: 'satisfied', efficiency: 'dontKnow', integrity: 'satisfied' } } },
    });

    const { errors } = checkDraft(anAllUnitsContent(), draft);

    expect(Object.keys(errors).sort()).toEqual(['units.service-centre.evaluation', 'units.tax-bureau.evaluation.policy']);
  });

  it('returns the accepted answers: texts trimmed, hidden answers left out', () => {
    const draft = draftOf({ unitId: 'tax-bureau', respondent: { group: 'citizen' }, units: { unit: { overall: 'verySatisfied', comment: ' 很好 ' } } });

    const { errors, accepted } = checkDraft(aFormContent(), draft);

    expect(errors).toEqual({});
    expect(accepted).toEqual({ answers: { group: 'citizen' }, units: { 'tax-bureau': { overall: 'verySatisfied', comment: '很好' } } });
  });
});

describe('shownErrors', () => {
  it('hides the issue of a follow-up question that is no longer asked, and keeps paths the form does not know', () => {
    const { errors } = checkDraft(withFollowUp, draftOf({ unitId: 'tax-bureau', units: { unit: { overall: 'dissatisfied' } } }));
    expect(Object.keys(errors)).toEqual(['unit.problems']);

    const later = draftOf({ unitId: 'tax-bureau', units: { unit: { overall: 'satisfied' } } });

    expect(shownErrors(withFollowUp, later, { ...errors, 'unit.nonsense': ['?'] })).toEqual({ 'unit.nonsense': ['?'] });
  });
});

describe('fieldOrder and ratedUnits', () => {
  it('orders the controls as the page shows them', () => {
    expect(fieldOrder(anAllUnitsContent())).toEqual([
      'answers.group',
      'units.tax-bureau',
      'units.tax-bureau.evaluation',
      'units.tax-bureau.evaluation.attitude',
      'units.tax-bureau.evaluation.efficiency',
      'units.tax-bureau.evaluation.integrity',
      'units.tax-bureau.evaluation.policy',
      'units.service-centre',
      'units.service-centre.evaluation',
      'units.service-centre.evaluation.attitude',
      'units.service-centre.evaluation.efficiency',
      'units.service-centre.evaluation.integrity',
      'units.service-centre.evaluation.policy',
    ]);
  });

  it('counts a unit as rated unless it is 不了解 throughout', () => {
    const dontKnow = { attitude: 'dontKnow', efficiency: 'dontKnow', integrity: 'dontKnow', policy: 'dontKnow' };
    const submission = {
      answers: {},
      units: { 'tax-bureau': { evaluation: { ...dontKnow, policy: 'satisfied' } }, 'service-centre': { evaluation: dontKnow } },
    };

    expect(ratedUnits(anAllUnitsContent(), submission)).toEqual(['tax-bureau']);
  });
});
