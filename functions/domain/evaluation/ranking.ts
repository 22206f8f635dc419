import * as z from 'zod/mini';
import type { Lang } from '../lang';
import type { Tally } from './tally';

/**
 * The ranking (排名) of a period's units (domain.md "Scores"): units with a sufficient sample (N at least
 * the period's minimum sample, as the tally's `insufficientSample` says) and a composite score are ranked
 * by their composite score S, highest first; every other unit is listed after them, unranked, with the
 * reason.
 *
 * Ties take standard competition ranking ("1, 2, 2, 4"), the way Chinese government rankings (并列第二,
 * then 第四) count: units with equal scores share the best of their places, and the next unit's rank is
 * one more than the number of units ranked above it. Scores are compared as they are published, to two
 * decimals (the downloads' precision), so that two units whose scores differ only in floating-point
 * noise, or in a digit no reader sees, are not ranked apart.
 *
 * domain.md defines no interval for the composite score, and none is invented here: each ranked unit is
 * shown with the 95% Wilson interval of its 满意率 (the tally's `satisfactionInterval`) beside its rank, so
 * that readers can see when two neighbours are not really different.
 */

/** Why a unit has no rank: no tally yet, N below the period's minimum sample, or no composite score (no weighted group rated it). */
export const UNRANKED_REASONS = ['insufficientSample', 'noCompositeScore', 'noTally'] as const;
export const ZUnrankedReason = z.enum(UNRANKED_REASONS);
export type UnrankedReason = z.infer<typeof ZUnrankedReason>;

/** Each reason a unit is not ranked, as the downloads name it. */
export const UNRANKED_LABELS: Record<UnrankedReason, Record<Lang, string>> = {
  insufficientSample: { 'zh-CN': '样本不足', en: 'insufficient sample' },
  noCompositeScore: { 'zh-CN': '无综合得分', en: 'no composite score' },
  noTally: { 'zh-CN': '尚无统计结果', en: 'not tallied yet' },
};

/** A unit's place: a rank from 1, or no rank and why. */
export type Standing = { rank: number; unranked: null } | { rank: null; unranked: UnrankedReason };

type Ranked = Pick<Tally, 'insufficientSample' | 'compositeScore'>;

/** Why a unit with this tally is not ranked; null when it is ranked. */
export function unrankedReason(tally: Ranked | null): UnrankedReason | null {
  if (!tally) return 'noTally';
  if (tally.insufficientSample) return 'insufficientSample';
  if (tally.compositeScore === null) return 'noCompositeScore';
  return null;
}

/** A composite score as published (two decimals): the precision at which two units tie. */
export const publishedScore = (score: number): number => Number(score.toFixed(2));

/**
 * The rows of a period's units with their standing: the ranked ones first, by rank (tied units in the
 * order given), then the unranked ones in the order given.
 */
export function rankUnits<T extends { tally: Ranked | null }>(rows: readonly T[]): (T & Standing)[] {
  const ranked = rows
    .map((row, index) => ({ row, index, reason: unrankedReason(row.tally) }))
    .filter((r) => r.reason === null)
    .map(({ row, index }) => ({ row, index, score: publishedScore(row.tally!.compositeScore!) }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  let rank = 0;
  const standings = ranked.map(({ row, score }, i) => {
    if (i === 0 || score !== ranked[i - 1]!.score) rank = i + 1;
    return { ...row, rank, unranked: null };
  });
  const unranked = rows.flatMap((row) => {
    const reason = unrankedReason(row.tally);
    return reason === null ? [] : [{ ...row, rank: null, unranked: reason }];
  });
  return [...standings, ...unranked];
}
