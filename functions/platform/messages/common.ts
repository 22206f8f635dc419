import type { Message } from '../../domain/messages';

/** The API's own messages (not a domain rule's): request handling, access and faults. */
export const COMMON_API_MESSAGES = {
  VALIDATION_FAILED: { 'zh-CN': '提交内容有误，请检查以下字段。', en: 'Some fields are invalid; please check them.' },
  INVALID_JSON: { 'zh-CN': '请求体不是有效的 JSON。', en: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { 'zh-CN': '请求体须为 application/json。', en: 'The request body must be application/json.' },
  NOT_FOUND: { 'zh-CN': '未找到{entity}：{id}。', en: 'No {entity} with id {id}.' },
  UNAUTHORIZED: { 'zh-CN': '请先登录。', en: 'Please sign in.' },
  FORBIDDEN: { 'zh-CN': '您的账号无权使用此功能。', en: 'Your account may not use this function.' },
  SERVICE_UNAVAILABLE: {
    'zh-CN': '服务暂时繁忙，您的请求可能没有完成，请稍后重试。重新提交同一份答卷不会重复计数。',
    en: 'The service is busy and your request may not have been completed; please try again shortly. Submitting the same response again never counts it twice.',
  },
  INTERNAL: {
    'zh-CN': '服务器内部错误，请稍后重试。如问题持续，请提供请求编号 {requestId}。',
    en: 'Internal error; please try again later. If it persists, quote request id {requestId}.',
  },
  CONFLICT_alreadyExists: { 'zh-CN': '编号“{id}”已被使用。', en: 'The id "{id}" is already taken.' },
  CONFLICT_staleRevision: {
    'zh-CN': '其他人刚修改过此项，您的修改未保存。请刷新后再改。',
    en: 'Someone else changed this in the meantime, so your change was not saved. Reload and make it again.',
  },
} as const satisfies Record<string, Message>;

/** How the messages name the things a request may refer to. */
export const ENTITY_NAMES: Record<string, Message> = {
  unit: { 'zh-CN': '单位', en: 'unit' },
  form: { 'zh-CN': '评议表', en: 'form' },
  formVersion: { 'zh-CN': '评议表版本', en: 'form version' },
  period: { 'zh-CN': '评议期', en: 'period' },
  group: { 'zh-CN': '评议人类别', en: 'respondent group' },
  receipt: { 'zh-CN': '回执', en: 'receipt' },
  ballot: { 'zh-CN': '评价', en: 'rating' },
  appeal: { 'zh-CN': '申诉', en: 'appeal' },
  flaggedBatch: { 'zh-CN': '待复核批次', en: 'flagged batch' },
  invitationBatch: { 'zh-CN': '邀请批次', en: 'invitation batch' },
  case: { 'zh-CN': '件', en: 'case' },
  calendarAdjustment: { 'zh-CN': '日历调整', en: 'calendar adjustment' },
  calendarYear: { 'zh-CN': '年度放假安排', en: "year's holiday schedule" },
  ledgerItem: { 'zh-CN': '台账事项', en: 'ledger item' },
  briefing: { 'zh-CN': '简报', en: 'briefing' },
  disclosure: { 'zh-CN': '公示', en: 'disclosure' },
  responseExport: { 'zh-CN': '原始答卷导出', en: 'response export' },
};
