import type { Message } from '../messages';

/** The messages of the notifications context: the escalation steps' names and the emails they send. */

/** Each escalation step as its recipients read it. */
export const STEP_LABELS = {
  reminder: { 'zh-CN': '提醒', en: 'Reminder' },
  chase: { 'zh-CN': '催办', en: 'Chase' },
  supervision: { 'zh-CN': '督办', en: 'Supervision' },
  publicNotice: { 'zh-CN': '通报', en: 'Public notice' },
} as const satisfies Record<string, Message>;

/** The subject of each step's email; `{trackingNumber}`, `{dueDate}` are filled in. */
export const STEP_SUBJECTS = {
  reminder: { 'zh-CN': '【提醒】受理编号 {trackingNumber} 将于 {dueDate} 到期', en: '[Reminder] Case {trackingNumber} is due on {dueDate}' },
  chase: { 'zh-CN': '【催办】受理编号 {trackingNumber} 已超过办理期限（{dueDate}）', en: '[Chase] Case {trackingNumber} is past its deadline ({dueDate})' },
  supervision: {
    'zh-CN': '【督办】受理编号 {trackingNumber} 逾期 {late} 个工作日',
    en: '[Supervision] Case {trackingNumber} is {late} working days late',
  },
  publicNotice: {
    'zh-CN': '【通报】受理编号 {trackingNumber} 逾期 {late} 个工作日，将予通报',
    en: '[Public notice] Case {trackingNumber} is {late} working days late and will be named publicly',
  },
} as const satisfies Record<string, Message>;

/** What each step asks of whoever reads it. */
export const STEP_REQUESTS = {
  reminder: { 'zh-CN': '请在办理期限内办结并答复。', en: 'Please finish and reply by the deadline.' },
  chase: { 'zh-CN': '此件已逾期，请立即办理并答复。', en: 'This case is overdue: please handle it and reply now.' },
  supervision: { 'zh-CN': '此件已列入督办，请单位负责人督促办理，并说明逾期原因。', en: 'This case is under supervision: the unit head is asked to see it done and to explain the delay.' },
  publicNotice: { 'zh-CN': '此件逾期未办，将在简报中通报。', en: 'This case is still not handled and will be named in the briefing.' },
} as const satisfies Record<string, Message>;

export const NOTIFICATION_MESSAGES = {
  caseLine: { 'zh-CN': '受理编号：{trackingNumber}', en: 'Tracking number: {trackingNumber}' },
  unitLine: { 'zh-CN': '承办单位：{unit}', en: 'Unit: {unit}' },
  officeHolds: { 'zh-CN': '作风办（待交办）', en: 'The supervising office (to be assigned)' },
  dueLine: { 'zh-CN': '办理期限：{dueDate}', en: 'Deadline: {dueDate}' },
  stateLine: { 'zh-CN': '当前状态：{state}', en: 'State: {state}' },
  missedLine: {
    'zh-CN': '此前应发出的{steps}未能按时发出，已一并记录，本通知不再另行发送。',
    en: 'The {steps} that fell due earlier could not be sent on time; they are recorded, and this message replaces them.',
  },
  footer: {
    'zh-CN': '此邮件由评议平台自动发出，请勿回复。请登录平台查看并办理。',
    en: 'Sent automatically by the evaluation platform; do not reply. Sign in to the platform to act on the case.',
  },
} as const satisfies Record<string, Message>;
