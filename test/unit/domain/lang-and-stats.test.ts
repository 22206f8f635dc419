import { describe, expect, it } from 'vitest';
import { periodState } from '../../../functions/domain/catalog';
import { negotiateLang } from '../../../functions/domain/lang';
import { SCALES, isRatingOnScale } from '../../../functions/domain/rating-scale';
import { wilsonInterval } from '../../../functions/domain/stats';
import { aPeriod } from '../../fixtures/catalog';

describe('negotiateLang', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en', 'en'],
    ['en-GB,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['fr-FR, en;q=0.5', 'en'],
    ['en;q=0.3, zh-Hans;q=0.7', 'zh-CN'],
    ['de, fr', 'zh-CN'],
    ['en;q=0', 'zh-CN'],
  ])('maps %j to %s', (header, lang) => {
    expect(negotiateLang(header)).toBe(lang);
  });
});

describe('wilsonInterval', () => {
  // Reference values: Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('gives %i of %i the 95%% interval %f to %f', (successes, n, low, high) => {
    const interval = wilsonInterval(successes, n);

    expect(interval?.low).toBeCloseTo(low, 4);
    expect(interval?.high).toBeCloseTo(high, 4);
  });

  it('stays inside [0, 1] at the extremes and is undefined without a sample', () => {
    expect(wilsonInterval(5, 5)?.high).toBe(1);
    expect(wilsonInterval(0, 5)?.low).toBe(0);
    expect(wilsonInterval(0, 0)).toBeUndefined();
  });
});

describe('rating scales', () => {
  it('give the default level points 100/80/60/0/0 and 100/60/0', () => {
    expect(SCALES.five.map((l) => l.points)).toEqual([100, 80, 60, 0, 0]);
    expect(SCALES.three.map((l) => l.points)).toEqual([100, 60, 0]);
  });

  it('count the bottom levels as bad reviews (差评)', () => {
    expect(SCALES.five.filter((l) => l.badReview).map((l) => l.label['zh-CN'])).toEqual(['不满意', '非常不满意']);
  });

  it('accept only their own levels, and 不了解 only where allowed', () => {
    expect(isRatingOnScale('three', 'verySatisfied', true)).toBe(false);
    expect(isRatingOnScale('five', 'verySatisfied', false)).toBe(true);
    expect(isRatingOnScale('five', 'dontKnow', false)).toBe(false);
    expect(isRatingOnScale('three', 'dontKnow', true)).toBe(true);
  });
});

describe('periodState', () => {
  it('is open from opensAt inclusive to closesAt exclusive', () => {
    const period = aPeriod();

    expect(periodState(period, new Date('2025-12-31T15:59:59.999Z'))).toBe('notYetOpen');
    expect(periodState(period, new Date('2025-12-31T16:00:00Z'))).toBe('open');
    expect(periodState(period, new Date('2026-12-31T16:00:00Z'))).toBe('ended');
  });
});
