import { COMMON_MESSAGES, type Message } from '../messages';

/**
 * The messages of the evaluation context's rules, in both languages: the API answers with them and the
 * citizen and admin pages show the same text. One catalogue, in three parts, so that whatever checks only
 * answers (the submit function, the citizen page) does not carry the admin's form rules.
 */

/** The rules of a respondent's answers. */
export const ANSWER_MESSAGES = {
  required: COMMON_MESSAGES.required,
  tooLong: COMMON_MESSAGES.tooLong,
  notAnOption: { 'zh-CN': '该选项不在本题的选项中。', en: 'This is not one of the options.' },
  ratingNotOnScale: { 'zh-CN': '该评价等级不在本题的选项中。', en: 'This rating is not an option of this question.' },
  tooManyChoices: { 'zh-CN': '最多选择 {max} 项。', en: 'Choose at most {max}.' },
  wrongAnswerType: { 'zh-CN': '答案的格式不对。', en: 'This answer has the wrong form.' },
  notAsked: {
    'zh-CN': '本题未显示（其显示条件不满足），不应作答。',
    en: 'This question is not shown (its condition is not met), so it takes no answer.',
  },
  unknownQuestion: { 'zh-CN': '本评议表没有这道题。', en: 'This form has no such question.' },
  askedPerUnit: {
    'zh-CN': '这道题针对每个单位作答，应放在 units 下。',
    en: 'This question is answered per unit, under units.',
  },
  askedOnce: {
    'zh-CN': '这道题每份答卷只答一次，应放在 answers 下。',
    en: 'This question is answered once per response, under answers.',
  },
  unitNotOnForm: { 'zh-CN': '本评议表不评议这个单位。', en: 'This form does not rate this unit.' },
  oneUnitOnly: { 'zh-CN': '请选择一个被评议单位。', en: 'Choose exactly one unit to rate.' },
  unitMissing: { 'zh-CN': '请对这个单位作出评价（不了解可选“不了解”）。', en: 'Please rate this unit (or answer "Don\'t know").' },
} as const satisfies Record<string, Message>;

/** The rules of a form's content. */
export const FORM_MESSAGES = {
  duplicateId: { 'zh-CN': '编号“{id}”重复。', en: 'The id "{id}" is used twice.' },
  oneScoredQuestion: {
    'zh-CN': '每张评议表须有且只有一道评价题（等级评价或多维度评价）。',
    en: 'A form needs exactly one rating question (a rating or a dimension matrix).',
  },
  scoredAlwaysShown: {
    'zh-CN': '评价题必须为必答题，且不能设置显示条件。',
    en: 'The rating question must be required and always shown.',
  },
  allUnitsNeedsDontKnow: {
    'zh-CN': '“全部单位一页评”须允许“不了解”，评议人只评自己了解的单位。',
    en: 'An all-units form must allow "Don\'t know": respondents rate only the units they know.',
  },
  conditionOnEarlier: {
    'zh-CN': '显示条件只能引用前面的选择题、等级评价题或身份题。',
    en: 'A condition may only refer to an earlier choice, rating or group question.',
  },
  conditionAcrossScopes: {
    'zh-CN': '每份答卷只答一次的题不能依赖针对单位的题。',
    en: 'A question answered once per response cannot depend on a question answered per unit.',
  },
  // Without the value: it is free text as sent, and the field's path already names it.
  conditionValue: { 'zh-CN': '这不是被引用题目的选项。', en: 'This is not an answer of the question referred to.' },
  oneGroupQuestion: { 'zh-CN': '身份题最多一道。', en: 'A form may ask for the respondent group once at most.' },
  groupQuestionOnce: {
    'zh-CN': '身份题每份答卷只答一次，不能设为针对单位。',
    en: 'The respondent group is asked once per response, not per unit.',
  },
  unknownUnit: { 'zh-CN': '没有编号为“{id}”的单位。', en: 'There is no unit "{id}".' },
  retiredUnit: { 'zh-CN': '单位“{id}”已撤销，不能再列入评议表。', en: 'Unit "{id}" is retired and cannot be put on a form.' },
  formTooLarge: {
    'zh-CN': '评议表内容过大（{kb} KB），最多 {max} KB：请减少题目、选项或文字。',
    en: 'The form is too large ({kb} KB; at most {max} KB): use fewer questions, options or words.',
  },
  unknownPeriod: { 'zh-CN': '没有编号为“{id}”的评议期。', en: 'There is no period "{id}".' },
  unknownGroup: { 'zh-CN': '没有编号为“{id}”的评议人类别。', en: 'There is no respondent group "{id}".' },
} as const satisfies Record<string, Message>;

/** The rules of a period, and of weights anywhere (group weights, dimension weights). */
export const PERIOD_MESSAGES = {
  weightsSumToOne: { 'zh-CN': '权重之和须等于 1（现为 {sum}）。', en: 'The weights must sum to 1 (they sum to {sum}).' },
  closesAfterOpens: { 'zh-CN': '结束时间须晚于开始时间。', en: 'The end must be after the start.' },
  // Said of group weights and of dimension weights alike.
  needsAWeight: { 'zh-CN': '权重不能全为 0，至少设置一项权重。', en: 'Give at least one of these a weight above 0.' },
  countAsVerifiedGroup: {
    'zh-CN': '未经邀请核实的评价不能计入只凭邀请计分的类别，请选择“群众”等公开类别。',
    en: 'Unverified ratings cannot be counted in a group that counts only through invitations; choose a public group such as citizens.',
  },
} as const satisfies Record<string, Message>;

/** The rules of appeals, reviews, invitations and service records. */
export const REVIEW_MESSAGES = {
  notYourUnit: { 'zh-CN': '您不负责这个单位，不能为它申诉。', en: 'You do not act for this unit, so you cannot appeal for it.' },
  ballotNotOfUnit: { 'zh-CN': '这份评价没有评价这个单位。', en: 'This rating does not rate this unit.' },
  formNotOfPeriod: { 'zh-CN': '评议表“{id}”不属于这个评议期。', en: 'Form "{id}" belongs to another period.' },
  formNotPublished: { 'zh-CN': '评议表“{id}”尚未发布或已关闭。', en: 'Form "{id}" is not published, or is closed.' },
  unitNeededForOneUnitForm: {
    'zh-CN': '单个单位的评议表须指定被评议单位。',
    en: 'A one-unit form needs the unit the links rate.',
  },
  noUnitOnAllUnitsForm: {
    'zh-CN': '“全部单位一页评”的邀请不指定单位。',
    en: 'Invitations to an all-units form name no unit.',
  },
  expiresInPast: { 'zh-CN': '失效时间须晚于现在。', en: 'The expiry must be in the future.' },
  periodEnded: { 'zh-CN': '评议期已结束。', en: 'The evaluation period has ended.' },
  alreadyReviewed: {
    'zh-CN': '这个时间之前的评价已经复核过，请刷新后复核新到的评价。',
    en: 'The ratings up to this time were reviewed already; reload to review the ones that came since.',
  },
} as const satisfies Record<string, Message>;
