import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { badlyRatedUnits } from '../../../functions/domain/cases/bad-review';
import type { Answers } from '../../../functions/domain/evaluation/answers';
import type { FormContent } from '../../../functions/domain/evaluation/form';
import { DONT_KNOW, RATING_LEVELS, SCALES } from '../../../functions/domain/evaluation/rating-scale';
import { STANDARD_DIMENSIONS } from '../../../functions/domain/evaluation/starter';
import { FOLLOW_UP_KEY, badUnitsOf, forgetFollowUp, handOverFollowUp, readFollowUp, type FollowUpHandoff } from '../../../web/src/pages/cases/follow-up-handoff';
import { aCommentQuestion, aFormContent, aFormVersion, aGroupQuestion, aRatingQuestion, anAllUnitsContent } from '../../fixtures/catalog';

/**
 * The rate page's offer of a bad review's follow-up: which units a submission rated badly (the scale's own
 * flag, exactly as the bad review's case reads the stored ballot), and the handoff to follow-up.html
 * through the tab's storage.
 */

const UNITS = ['tax-bureau', 'service-centre', 'water-bureau'];
const allUnits = anAllUnitsContent({ unitIds: UNITS });
const threeLevels = aFormContent({ questions: [aRatingQuestion({ scale: 'three' }), aGroupQuestion()] });
const DIMENSION_IDS = STANDARD_DIMENSIONS.map((d) => d.id);

/** Every dimension of the annual appraisal at `level`, with `overrides`. */
const dims = (level: string, overrides: Record<string, string> = {}) => ({ evaluation: { ...Object.fromEntries(DIMENSION_IDS.map((id) => [id, level])), ...overrides } });

describe('badUnitsOf', () => {
  it('finds a one-unit rating in either bottom level of the five-level scale, and nothing above or 不了解', () => {
    const one = aFormContent();
    const of = (overall: string) => badUnitsOf(one, { 'tax-bureau': { overall } });

    expect(of('veryDissatisfied')).toEqual(['tax-bureau']);
    expect(of('dissatisfied')).toEqual(['tax-bureau']);
    expect(of('basicallySatisfied')).toEqual([]);
    expect(of('verySatisfied')).toEqual([]);
    expect(of(DONT_KNOW)).toEqual([]);
  });

  it('marks a unit rated badly on a single dimension, in the submission’s order', () => {
    const units: Record<string, Answers> = {
      'water-bureau': dims('satisfied', { attitude: 'veryDissatisfied' }),
      'tax-bureau': dims('verySatisfied'),
      'service-centre': dims(DONT_KNOW, { [DIMENSION_IDS[1]!]: 'dissatisfied' }),
    };

    expect(badUnitsOf(allUnits, units)).toEqual(['water-bureau', 'service-centre']);
  });

  it('reads the bottom of the three-level scale from the scale itself', () => {
    expect(SCALES.three.filter((l) => l.badReview).map((l) => l.key)).toEqual(['dissatisfied']);
    expect(badUnitsOf(threeLevels, { 'tax-bureau': { overall: 'dissatisfied' } })).toEqual(['tax-bureau']);
    expect(badUnitsOf(threeLevels, { 'tax-bureau': { overall: 'basicallySatisfied' } })).toEqual([]);
  });

  it('finds nothing on a form without a rating question', () => {
    const unscored = aFormContent({ questions: [aGroupQuestion(), aCommentQuestion()] });

    expect(badUnitsOf(unscored, { 'tax-bureau': { comment: '非常不满意' } })).toEqual([]);
  });

  it('agrees with the bad review’s case (badlyRatedUnits) on any submission', () => {
    const level = fc.constantFrom<string>(...RATING_LEVELS, DONT_KNOW);
    const allUnitsAnswers = fc.dictionary(fc.constantFrom(...UNITS), fc.record(Object.fromEntries(DIMENSION_IDS.map((id) => [id, level]))).map((evaluation) => ({ evaluation })));
    const oneUnitAnswers = fc.record({ 'tax-bureau': level.map((overall) => ({ overall, comment: overall })) });
    const cases: [FormContent, fc.Arbitrary<Record<string, Answers>>][] = [
      [allUnits, allUnitsAnswers],
      [aFormContent(), oneUnitAnswers],
      [threeLevels, oneUnitAnswers],
    ];

    for (const [content, answers] of cases) {
      fc.assert(
        fc.property(answers, (units) => {
          const expected = badlyRatedUnits({ units }, aFormVersion({ content })).map((u) => u.unitId);
          expect(badUnitsOf(content, units)).toEqual(expected);
        }),
      );
    }
  });
});

/** A tab's storage, in memory. */
function aStorage(): Storage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (k) => items.get(k) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (k) => void items.delete(k),
    setItem: (k, v) => void items.set(k, v),
  };
}

/** A browser's storage where the user blocked it: every call throws. */
const refuse = (): never => {
  throw new DOMException('The operation is insecure.', 'SecurityError');
};
const blocked = { getItem: refuse, setItem: refuse, removeItem: refuse };

const aHandoff = (overrides: Partial<FollowUpHandoff> = {}): FollowUpHandoff => ({
  periodId: '2026-annual',
  ballotRef: 'o.AbCdEfGhIjKlMnOpQrStUv',
  receiptCode: '7KQ2-M9XD-4HRT',
  units: [{ unitId: 'tax-bureau', name: { 'zh-CN': '区税务局', en: 'District Tax Bureau' } }],
  ...overrides,
});

describe('the follow-up handoff', () => {
  it('hands the ballot and the units to the follow-up page of the same tab, and forgets it after', () => {
    const storage = aStorage();

    expect(handOverFollowUp(aHandoff(), storage)).toBe(true);
    expect(readFollowUp(storage)).toEqual(aHandoff());
    forgetFollowUp(storage);
    expect(readFollowUp(storage)).toBeUndefined();
    expect(storage.items.size).toBe(0);
  });

  it('reads nothing from a missing, malformed or incomplete handoff', () => {
    const storage = aStorage();
    const stored = (value: unknown) => {
      storage.setItem(FOLLOW_UP_KEY, typeof value === 'string' ? value : JSON.stringify(value));
      return readFollowUp(storage);
    };

    expect(readFollowUp(storage)).toBeUndefined();
    expect(stored('{not json')).toBeUndefined();
    expect(stored({ ...aHandoff(), receiptCode: '' })).toBeUndefined();
    expect(stored({ ...aHandoff(), ballotRef: undefined })).toBeUndefined();
    expect(stored({ ...aHandoff(), units: [] })).toBeUndefined();
    expect(stored({ ...aHandoff(), units: [{ unitId: 'tax-bureau', name: { 'zh-CN': '区税务局' } }] })).toBeUndefined();
    expect(stored(aHandoff())).toEqual(aHandoff());
  });

  it('survives a browser that blocks storage: nothing handed over, nothing read, nothing thrown', () => {
    expect(handOverFollowUp(aHandoff(), blocked)).toBe(false);
    expect(readFollowUp(blocked)).toBeUndefined();
    expect(() => forgetFollowUp(blocked)).not.toThrow();
  });
});
