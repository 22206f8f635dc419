import type { Message } from '../../domain/messages';

/** The API's messages for the evaluation context's refusals. */
export const EVALUATION_API_MESSAGES = {
  PERIOD_CLOSED_notYetOpen: {
    'zh-CN': '评议期 {periodId} 尚未开始，暂不接受评价。',
    en: 'Evaluation period {periodId} has not opened yet.',
  },
  PERIOD_CLOSED_ended: { 'zh-CN': '评议期 {periodId} 已结束，不再接受评价。', en: 'Evaluation period {periodId} has ended.' },
  CONFLICT_submissionIdReused: {
    'zh-CN': '这次提交此前已经送达并以另一组答案记录，只计一次。如需重新评价，请开始新的评价。',
    en: 'An earlier try of this submission was already recorded with other answers; it counts once. Start a new evaluation to rate again.',
  },
  CONFLICT_formClosed: { 'zh-CN': '评议表 {formId} 已关闭，不再接受评价或修改。', en: 'Form {formId} is closed: no more responses or changes.' },
  CONFLICT_nothingToPublish: {
    'zh-CN': '草稿与第 {version} 版相同，没有可发布的修改。',
    en: 'The draft is the same as version {version}; there is nothing to publish.',
  },
} as const satisfies Record<string, Message>;
