import { RESPONDENT_GROUP_LABELS, type PeriodState, type RespondentGroup } from '../../functions/domain/catalog';
import { ratingLabel as domainRatingLabel, type Rating } from '../../functions/domain/rating-scale';
import { currentLang, local, t } from './i18n';

/** A rating's name (非常满意 … 不了解) from the domain's scales, in the current language. */
export const ratingLabel = (rating: Rating): string => domainRatingLabel(rating, currentLang());

/** A respondent group's name (群众, 企业…) in the current language. */
export const groupLabel = (group: RespondentGroup): string => local(RESPONDENT_GROUP_LABELS[group]);

/** A period's state (进行中, 尚未开始, 已结束). */
export function stateLabel(state: PeriodState): string {
  const m = t();
  return { open: m.stateOpen, notYetOpen: m.stateNotYetOpen, ended: m.stateEnded }[state];
}
