import { COMMON_MESSAGES, type Message } from '../messages';

/** The messages and labels of the cases context, in both languages (API answers and the case pages). */
export const CASE_MESSAGES = {
  contactNeeded: { 'zh-CN': '请至少留下电话或电子邮箱中的一项。', en: 'Give a phone number or an email address (or both).' },
  badPhone: { 'zh-CN': '请填写有效的电话号码（手机或座机）。', en: 'Enter a valid phone number (mobile or landline).' },
  badEmail: { 'zh-CN': '请填写有效的电子邮箱。', en: 'Enter a valid email address.' },
  consentWithoutContact: { 'zh-CN': '同意回访时请留下联系方式。', en: 'A callback needs contact details.' },
  unknownUnit: { 'zh-CN': '没有编号为“{id}”的单位。', en: 'There is no unit "{id}".' },
  retiredUnit: { 'zh-CN': '单位“{id}”已撤销，不再受理。', en: 'Unit "{id}" is retired and takes no cases.' },
  notYourAction: {
    'zh-CN': '您的角色不能对此件执行“{action}”。',
    en: 'Your role may not take the action "{action}" on this case.',
  },
  notYourUnit: { 'zh-CN': '您不是单位“{id}”的承办人。', en: 'You do not handle cases of unit "{id}".' },
  sameUnit: { 'zh-CN': '此件已交办给该单位。', en: 'The case is with this unit already.' },
  badRange: { 'zh-CN': '开始日期不能晚于结束日期。', en: 'The start date cannot be after the end date.' },
  rangeTooLong: { 'zh-CN': '时间范围最长 {months} 个月。', en: 'The range may span at most {months} months.' },
  ...COMMON_MESSAGES,
} as const satisfies Record<string, Message>;

/** The name of each case state as people read it (pages, exports). */
export const CASE_STATE_LABELS = {
  RECEIVED: { 'zh-CN': '已受理', en: 'Received' },
  ASSIGNED: { 'zh-CN': '已交办', en: 'Assigned' },
  RETURNED: { 'zh-CN': '已退回', en: 'Returned' },
  IN_PROGRESS: { 'zh-CN': '办理中', en: 'In progress' },
  EXTENSION_REQUESTED: { 'zh-CN': '申请延期', en: 'Extension requested' },
  REPLIED: { 'zh-CN': '已答复', en: 'Replied' },
  REOPENED: { 'zh-CN': '重办', en: 'Reopened' },
  CLOSED: { 'zh-CN': '已办结', en: 'Closed' },
  REJECTED: { 'zh-CN': '不予受理', en: 'Rejected' },
} as const satisfies Record<string, Message>;

/** The name of each action (event history, buttons). */
export const CASE_ACTION_LABELS = {
  file: { 'zh-CN': '登记', en: 'Filed' },
  assign: { 'zh-CN': '交办', en: 'Assign' },
  reject: { 'zh-CN': '不予受理', en: 'Reject' },
  return: { 'zh-CN': '退回', en: 'Return' },
  accept: { 'zh-CN': '签收', en: 'Accept' },
  requestExtension: { 'zh-CN': '申请延期', en: 'Request an extension' },
  approveExtension: { 'zh-CN': '批准延期', en: 'Approve the extension' },
  denyExtension: { 'zh-CN': '不批准延期', en: 'Deny the extension' },
  reply: { 'zh-CN': '答复', en: 'Reply' },
  callback: { 'zh-CN': '回访', en: 'Callback' },
  close: { 'zh-CN': '办结', en: 'Close' },
  escalate: { 'zh-CN': '督促', en: 'Escalate' },
} as const satisfies Record<string, Message>;

/** The name of each kind of case. */
export const CASE_KIND_LABELS = {
  consultation: { 'zh-CN': '咨询', en: 'Consultation' },
  request: { 'zh-CN': '求助或建议', en: 'Request or suggestion' },
  complaint: { 'zh-CN': '投诉或举报', en: 'Complaint or report' },
} as const satisfies Record<string, Message>;

/** Where a case comes from. */
export const CASE_SOURCE_LABELS = {
  complaint: { 'zh-CN': '群众来件', en: 'Citizen' },
  badReview: { 'zh-CN': '差评', en: 'Bad review' },
  supervisionFinding: { 'zh-CN': '监督发现', en: 'Supervision finding' },
  selfInspection: { 'zh-CN': '自查', en: 'Self-inspection' },
} as const satisfies Record<string, Message>;

/** The KPIs' names (domain.md "KPIs"). */
export const CASE_KPI_LABELS = {
  closureRate: { 'zh-CN': '办结率', en: 'Closure rate' },
  onTimeClosureRate: { 'zh-CN': '按时办结率', en: 'On-time closure rate' },
  satisfactionRate: { 'zh-CN': '满意率', en: 'Satisfaction rate' },
  callbackRate: { 'zh-CN': '回访率', en: 'Callback rate' },
  reopenRate: { 'zh-CN': '重办率', en: 'Reopen rate' },
  returnRate: { 'zh-CN': '回退率', en: 'Return rate' },
  badReviewRectificationRate: { 'zh-CN': '差评整改率', en: 'Bad-review rectification rate' },
} as const satisfies Record<string, Message>;
