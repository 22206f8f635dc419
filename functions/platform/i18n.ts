import type { Lang } from '../domain/lang';

/**
 * Every message the API shows a client, in each language, in one place. Keys are stable; `{name}` is
 * filled from the error's params.
 */
const MESSAGES = {
  VALIDATION_FAILED: { 'zh-CN': '提交内容有误，请检查以下字段。', en: 'Some fields are invalid; please check them.' },
  INVALID_JSON: { 'zh-CN': '请求体不是有效的 JSON。', en: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: {
    'zh-CN': '请求体须为 application/json。',
    en: 'The request body must be application/json.',
  },
  NOT_FOUND: { 'zh-CN': '未找到{entity}：{id}。', en: 'No {entity} with id {id}.' },
  ROUTE_NOT_FOUND: { 'zh-CN': '没有这个接口。', en: 'There is no such endpoint.' },
  PERIOD_CLOSED_notYetOpen: {
    'zh-CN': '评议期 {periodId} 尚未开始，暂不接受评价。',
    en: 'Evaluation period {periodId} has not opened yet.',
  },
  PERIOD_CLOSED_ended: {
    'zh-CN': '评议期 {periodId} 已结束，不再接受评价。',
    en: 'Evaluation period {periodId} has ended.',
  },
  CONFLICT_submissionIdReused: {
    'zh-CN': '该提交编号已用于另一份评价，请刷新页面后重新提交。',
    en: 'This submission id was already used for different answers; reload the page and submit again.',
  },
  UNAUTHORIZED: { 'zh-CN': '请先登录。', en: 'Please sign in.' },
  FORBIDDEN: { 'zh-CN': '您的账号无权访问此功能。', en: 'Your account may not use this function.' },
  SERVICE_UNAVAILABLE: {
    'zh-CN': '服务暂时繁忙，您的请求未被处理，请稍后重试。',
    en: 'The service is busy and your request was not processed; please try again shortly.',
  },
  INTERNAL: {
    'zh-CN': '服务器内部错误，请稍后重试。如问题持续，请提供请求编号 {requestId}。',
    en: 'Internal error; please try again later. If it persists, quote request id {requestId}.',
  },
  // field messages of domain rules (FieldIssue.messageKey)
  ratingNotOnScale: { 'zh-CN': '该评价等级不在本评议表的选项中。', en: 'This rating is not an option on this form.' },
  groupNotOnForm: { 'zh-CN': '本评议表不接受该评议人类别。', en: 'This respondent group is not on this form.' },
  commentTooLong: { 'zh-CN': '意见建议不能超过 {max} 个字。', en: 'The comment may be at most {max} characters.' },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof MESSAGES;

const ENTITY_NAMES: Record<string, Record<Lang, string>> = {
  unit: { 'zh-CN': '单位', en: 'unit' },
  form: { 'zh-CN': '评议表', en: 'form' },
  period: { 'zh-CN': '评议期', en: 'period' },
  receipt: { 'zh-CN': '回执', en: 'receipt' },
};

export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(MESSAGES, key);

/** The message for `key` in `lang`, with `{param}` placeholders filled. */
export function message(key: MessageKey, lang: Lang, params: Record<string, string | number> = {}): string {
  return MESSAGES[key][lang].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return '';
    return name === 'entity' ? (ENTITY_NAMES[String(value)]?.[lang] ?? String(value)) : String(value);
  });
}
