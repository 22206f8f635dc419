import { COMMON_MESSAGES, type Message } from '../messages';

/** The messages and labels of the public-disclosure context (公示), in both languages (API answers and pages). */
export const DISCLOSURE_MESSAGES = {
  unknownPeriod: { 'zh-CN': '没有编号为“{id}”的评议期。', en: 'There is no period "{id}".' },
  noSnapshot: { 'zh-CN': '评议期“{id}”还没有统计快照，暂不能公示得分。', en: 'Period "{id}" has no tally snapshot yet: its scores cannot be disclosed.' },
  unknownCase: { 'zh-CN': '没有此件：{id}。', en: 'There is no case {id}.' },
  caseNotClosed: { 'zh-CN': '只能公示已办结的件（此件：{state}）。', en: 'Only closed cases can be disclosed (this one is {state}).' },
  caseWithoutReply: { 'zh-CN': '此件没有答复，无可公示。', en: 'This case has no reply to disclose.' },
  notALedgerItem: { 'zh-CN': '此件不是整改台账事项。', en: 'This case is not a rectification ledger item.' },
  ledgerItemIsNotACase: { 'zh-CN': '整改台账事项请按“台账事项”公示。', en: 'Disclose a rectification ledger item as a ledger item.' },
  ledgerItemNotDisclosed: { 'zh-CN': '此台账事项未标记为“公示”。', en: 'This ledger item is not marked for disclosure.' },
  duplicateItem: { 'zh-CN': '同一内容只能列一次。', en: 'The same content is listed twice.' },
  badRange: { 'zh-CN': '开始日期不能晚于结束日期。', en: 'The start date cannot be after the end date.' },
  unknownItem: { 'zh-CN': '此公示稿中没有事项“{id}”。', en: 'This draft has no item "{id}".' },
  tooLarge: {
    'zh-CN': '公示内容过多（约 {kb} KB，上限 {max} KB），请分成几次公示。',
    en: 'The disclosure is too large (about {kb} KB, at most {max} KB): split it into several.',
  },
  unknownField: { 'zh-CN': '事项“{id}”中没有可编辑的文字“{path}”。', en: 'Item "{id}" has no editable text "{path}".' },
  ...COMMON_MESSAGES,
} as const satisfies Record<string, Message>;

/** The name of each state of a disclosure as people read it. */
export const DISCLOSURE_STATE_LABELS = {
  DRAFT: { 'zh-CN': '待审核', en: 'Awaiting approval' },
  PUBLISHED: { 'zh-CN': '已公示', en: 'Published' },
  WITHDRAWN: { 'zh-CN': '已撤回', en: 'Withdrawn' },
} as const satisfies Record<string, Message>;

/** The name of each kind of content a disclosure holds. */
export const DISCLOSURE_KIND_LABELS = {
  scores: { 'zh-CN': '单位评议得分', en: 'Unit scores' },
  kpis: { 'zh-CN': '办件指标', en: 'Case KPIs' },
  ledgerItem: { 'zh-CN': '整改事项', en: 'Rectification item' },
  case: { 'zh-CN': '办结件', en: 'Closed case' },
} as const satisfies Record<string, Message>;

/** How each kind of personal data redaction masks is named to the approver. */
export const REDACTION_KIND_LABELS = {
  name: { 'zh-CN': '姓名', en: 'name' },
  mobile: { 'zh-CN': '手机号', en: 'mobile number' },
  landline: { 'zh-CN': '固定电话', en: 'landline' },
  idNumber: { 'zh-CN': '身份证号', en: 'ID number' },
  address: { 'zh-CN': '地址', en: 'address' },
  plate: { 'zh-CN': '车牌号', en: 'licence plate' },
  email: { 'zh-CN': '电子邮箱', en: 'e-mail' },
} as const satisfies Record<string, Message>;
