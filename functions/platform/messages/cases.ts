import type { Message } from '../../domain/messages';

/** The API's messages for the cases context's refusals. */
export const CASES_API_MESSAGES = {
  CONFLICT_illegalTransition: {
    'zh-CN': '此件当前状态（{from}）不允许执行该操作（{action}），未作任何更改。请刷新后查看。',
    en: 'The case is {from}, which does not allow "{action}"; nothing was changed. Reload to see where it stands.',
  },
  CONFLICT_deadlinePassed: {
    'zh-CN': '办理期限（{dueDate}）已过，不能再批准延期。',
    en: 'The deadline ({dueDate}) has passed; the extension can no longer be approved.',
  },
} as const satisfies Record<string, Message>;
