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
  CONFLICT_tokenUsed: {
    'zh-CN': '此评价链接已于 {usedAt} 使用过，每个链接只能评价一次。',
    en: 'This evaluation link was already used at {usedAt} (China Standard Time); each link rates once.',
  },
  CONFLICT_alreadyAppealed: { 'zh-CN': '本单位已对这份评价提出过申诉。', en: 'Your unit has already appealed this rating.' },
  CONFLICT_alreadyDecided: { 'zh-CN': '这项申诉已经作出决定。', en: 'This appeal has already been decided.' },
  ADMISSION_REFUSED_tokenRequired: {
    'zh-CN': '本次评议只接受通过邀请链接或办件评价链接提交的评价。',
    en: 'This evaluation takes ratings only through an invitation or service-record link.',
  },
  ADMISSION_REFUSED_invalidToken: {
    'zh-CN': '评价链接无效，请使用收到的完整链接或扫描二维码。',
    en: 'This evaluation link is not valid; use the whole link you received, or scan the QR code.',
  },
  ADMISSION_REFUSED_expiredToken: { 'zh-CN': '评价链接已过期。', en: 'This evaluation link has expired.' },
  ADMISSION_REFUSED_otherPeriod: { 'zh-CN': '评价链接不属于本次评议。', en: 'This evaluation link belongs to another evaluation period.' },
  ADMISSION_REFUSED_otherUnit: { 'zh-CN': '评价链接只能用于评价指定的单位。', en: 'This evaluation link rates another unit.' },
  CONFLICT_formClosed: { 'zh-CN': '评议表 {formId} 已关闭，不再接受评价或修改。', en: 'Form {formId} is closed: no more responses or changes.' },
  CONFLICT_nothingToPublish: {
    'zh-CN': '草稿与第 {version} 版相同，没有可发布的修改。',
    en: 'The draft is the same as version {version}; there is nothing to publish.',
  },
} as const satisfies Record<string, Message>;
