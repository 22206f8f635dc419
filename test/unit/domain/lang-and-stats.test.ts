import { describe, expect, it } from 'vitest';
import { SCALES, isRatingOnScale, ratingLabel } from '../../../functions/domain/evaluation/rating-scale';
import { negotiateLang } from '../../../functions/domain/lang';
import { fill, messageOfSchemaIssue } from '../../../functions/domain/messages';
import { wilsonInterval } from '../../../functions/domain/stats';
import { ZId } from '../../../functions/domain/ids';
import { formatInstantCst } from '../../../functions/domain/time-zone';

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

  it('count the top three levels towards 满意率 and the bottom levels as bad reviews (差评)', () => {
    expect(SCALES.five.filter((l) => l.satisfied).map((l) => l.label['zh-CN'])).toEqual(['非常满意', '满意', '基本满意']);
    expect(SCALES.five.filter((l) => l.badReview).map((l) => l.label['zh-CN'])).toEqual(['不满意', '非常不满意']);
    expect(SCALES.three.filter((l) => l.badReview).map((l) => l.label['zh-CN'])).toEqual(['不满意']);
  });

  it('accept only their own levels, and 不了解 only where allowed', () => {
    expect(isRatingOnScale('three', 'verySatisfied', true)).toBe(false);
    expect(isRatingOnScale('five', 'verySatisfied', false)).toBe(true);
    expect(isRatingOnScale('five', 'dontKnow', false)).toBe(false);
    expect(isRatingOnScale('three', 'dontKnow', true)).toBe(true);
  });

  it('name every rating in both languages', () => {
    expect([ratingLabel('basicallySatisfied', 'zh-CN'), ratingLabel('dontKnow', 'zh-CN'), ratingLabel('dontKnow', 'en')]).toEqual([
      '基本满意',
      '不了解',
      "Don't know",
    ]);
  });
});

describe('formatInstantCst', () => {
  it('writes an instant in China Standard Time, whatever offset it was given in', () => {
    const times = ['2026-06-15T02:00:00.000Z', '2026-06-15T10:00:00+08:00', '2026-06-14T21:00:00-05:00'].map(formatInstantCst);

    expect(times).toEqual(['2026-06-15 10:00:00', '2026-06-15 10:00:00', '2026-06-15 10:00:00']);
  });

  it('moves to the next day after 16:00 UTC and writes midnight as 00', () => {
    const time = formatInstantCst('2026-12-31T16:00:00Z');

    expect(time).toBe('2027-01-01 00:00:00');
  });
});

describe('messages', () => {
  it('fill placeholders in both languages', () => {
    const message = fill({ 'zh-CN': '最多 {max} 项（{max}）', en: 'At most {max} ({missing})' }, { max: 3 });

    expect(message).toEqual({ 'zh-CN': '最多 3 项（3）', en: 'At most 3 ()' });
  });

  it('come back in both languages from a schema check that carries them', () => {
    const result = ZId.safeParse('Tax Bureau');

    const message = messageOfSchemaIssue(result.error?.issues[0]?.message ?? '');

    expect(message?.['zh-CN']).toBe('编号只能用小写字母、数字和“-”，以字母或数字开头，最长 63 个字符。');
    expect(messageOfSchemaIssue('Invalid input')).toBeUndefined();
  });
});
