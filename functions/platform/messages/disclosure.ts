import type { Message } from '../../domain/messages';

/** The API's messages for the disclosure context's refusals. */
export const DISCLOSURE_API_MESSAGES = {
  CONFLICT_disclosureState: {
    'zh-CN': '此公示当前状态（{from}）不允许执行该操作（{action}），未作任何更改。请刷新后查看。',
    en: 'The disclosure is {from}, which does not allow "{action}"; nothing was changed. Reload to see where it stands.',
  },
} as const satisfies Record<string, Message>;
