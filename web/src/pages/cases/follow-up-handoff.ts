import type { Answers } from '../../../../functions/domain/evaluation/answers';
import type { FormContent } from '../../../../functions/domain/evaluation/form';
import { dimensionsOf, scoredQuestion } from '../../../../functions/domain/evaluation/questions';
import { SCALES } from '../../../../functions/domain/evaluation/rating-scale';
import type { LocalizedText } from '../../../../functions/domain/text';

/**
 * What the rate page hands the bad-review follow-up page (follow-up.html) after a bad rating: the ballot
 * (period, reference, receipt code) and the names of the units it rated badly. It travels through the
 * tab's sessionStorage, never the address: the receipt code is the proof of holding the ballot and must not
 * land in the history, a bookmark or a server log. Kept small, for the rate page's size budget.
 */

/** The ballot and the units a follow-up is about. */
export interface FollowUpHandoff {
  periodId: string;
  ballotRef: string;
  receiptCode: string;
  units: { unitId: string; name: LocalizedText }[];
}

/** Where the tab keeps the handoff between the two pages. */
export const FOLLOW_UP_KEY = 'pingyi.follow-up';

/**
 * The units a submission rated in a bottom level of the scale on any dimension (差评), in its order: the
 * scale's own `badReview` flag, as the bad review's case (functions/domain/cases/bad-review.ts) and the
 * tally read it; 不了解 is never one.
 */
export function badUnitsOf(content: FormContent, units: Record<string, Answers>): string[] {
  const question = scoredQuestion(content);
  if (!question) return [];
  const bad: readonly string[] = SCALES[question.scale].filter((l) => l.badReview).map((l) => l.key);
  return Object.keys(units).filter((unitId) => {
    const answer = units[unitId]?.[question.id];
    const values = answer && typeof answer === 'object' && !Array.isArray(answer) ? (answer as Record<string, unknown>) : { [question.id]: answer };
    return dimensionsOf(question).some((d) => bad.includes(values[d.id] as string));
  });
}

/** Keeps the handoff for the follow-up page of this tab; false when the browser blocks storage. */
export function handOverFollowUp(handoff: FollowUpHandoff, storage: Pick<Storage, 'setItem'> = sessionStorage): boolean {
  try {
    storage.setItem(FOLLOW_UP_KEY, JSON.stringify(handoff));
    return true;
  } catch {
    return false;
  }
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The handoff the rate page left in this tab, if any and well formed. */
export function readFollowUp(storage: Pick<Storage, 'getItem'> = sessionStorage): FollowUpHandoff | undefined {
  try {
    const h = JSON.parse(storage.getItem(FOLLOW_UP_KEY) ?? 'null') as Partial<FollowUpHandoff> | null;
    if (!h || !isText(h.periodId) || !isText(h.ballotRef) || !isText(h.receiptCode) || !Array.isArray(h.units) || h.units.length === 0) return undefined;
    if (!h.units.every((u) => isText(u?.unitId) && isText(u?.name?.['zh-CN']) && isText(u?.name?.en))) return undefined;
    return h as FollowUpHandoff;
  } catch {
    return undefined;
  }
}

/** Forgets the handoff once its cases are open: the receipt code is not kept longer than needed. */
export function forgetFollowUp(storage: Pick<Storage, 'removeItem'> = sessionStorage): void {
  try {
    storage.removeItem(FOLLOW_UP_KEY);
  } catch {
    // Nothing kept.
  }
}
