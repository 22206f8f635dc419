import * as z from 'zod/mini';
import type { Lang } from '../lang';

/**
 * The rating scales of domain.md. A level is named by a stable key (used in storage, the API and CSV);
 * its default points, its place in the satisfaction rate and its "bad review" (差评) flag live here and
 * nowhere else. A rating question may override the points; the rest is fixed by the scale.
 */
export const RATING_LEVELS = [
  'verySatisfied', // 非常满意
  'satisfied', // 满意
  'basicallySatisfied', // 基本满意
  'dissatisfied', // 不满意
  'veryDissatisfied', // 非常不满意
] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

/** 不了解: the respondent does not know the unit. Allowed where the question says so, kept out of every denominator. */
export const DONT_KNOW = 'dontKnow' as const;

export const ZRatingLevel = z.enum(RATING_LEVELS);
export const ZRating = z.enum([...RATING_LEVELS, DONT_KNOW]).register(z.globalRegistry, {
  id: 'Rating',
  description: 'A level of the question\'s scale, or "dontKnow" (不了解), which is kept out of every denominator.',
});
export type Rating = z.infer<typeof ZRating>;

export interface ScaleLevel {
  key: RatingLevel;
  /** Default points (level points of domain.md). */
  points: number;
  /** Counts towards 满意率 (非常满意 + 满意 + 基本满意). */
  satisfied: boolean;
  /** A bad review (差评): the bottom levels. */
  badReview: boolean;
  label: Readonly<Record<Lang, string>>;
}

const level = (
  key: RatingLevel,
  points: number,
  satisfied: boolean,
  badReview: boolean,
  zh: string,
  en: string,
): ScaleLevel => ({ key, points, satisfied, badReview, label: { 'zh-CN': zh, en } });

/** The scales a question may use, best level first. */
export const SCALES = {
  five: [
    level('verySatisfied', 100, true, false, '非常满意', 'Very satisfied'),
    level('satisfied', 80, true, false, '满意', 'Satisfied'),
    level('basicallySatisfied', 60, true, false, '基本满意', 'Basically satisfied'),
    level('dissatisfied', 0, false, true, '不满意', 'Dissatisfied'),
    level('veryDissatisfied', 0, false, true, '非常不满意', 'Very dissatisfied'),
  ],
  three: [
    level('satisfied', 100, true, false, '满意', 'Satisfied'),
    level('basicallySatisfied', 60, true, false, '基本满意', 'Basically satisfied'),
    level('dissatisfied', 0, false, true, '不满意', 'Dissatisfied'),
  ],
} as const satisfies Record<string, readonly ScaleLevel[]>;

export type ScaleId = keyof typeof SCALES;
export const SCALE_IDS = Object.keys(SCALES) as [ScaleId, ...ScaleId[]];
export const ZScaleId = z.enum(SCALE_IDS).register(z.globalRegistry, {
  id: 'ScaleId',
  description: 'five: 非常满意 … 非常不满意 (100/80/60/0/0); three: 满意 / 基本满意 / 不满意 (100/60/0).',
});

export const SCALE_LABELS: Record<ScaleId, Readonly<Record<Lang, string>>> = {
  five: { 'zh-CN': '五级（非常满意至非常不满意）', en: 'Five levels (very satisfied to very dissatisfied)' },
  three: { 'zh-CN': '三级（满意、基本满意、不满意）', en: 'Three levels (satisfied, basically satisfied, dissatisfied)' },
};

export const DONT_KNOW_LABEL = { 'zh-CN': '不了解', en: "Don't know" } as const;

/** The levels of a scale, best first. */
export const scaleLevels = (scale: ScaleId): readonly ScaleLevel[] => SCALES[scale];

/** Whether `rating` is an answer the scale accepts (`dontKnow` only where allowed). */
export const isRatingOnScale = (scale: ScaleId, rating: string, allowDontKnow: boolean): boolean =>
  rating === DONT_KNOW ? allowDontKnow : SCALES[scale].some((l) => l.key === rating);

/** The name of a rating (非常满意 … 不了解) in a language; the five-level scale names every level. */
export function ratingLabel(rating: Rating, lang: Lang): string {
  if (rating === DONT_KNOW) return DONT_KNOW_LABEL[lang];
  return SCALES.five.find((l) => l.key === rating)?.label[lang] ?? rating;
}
