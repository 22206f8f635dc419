import type { Message } from '../messages';

/** Messages of the audit chain's rules. */
export const AUDIT_MESSAGES = {
  badRecordNumber: { 'zh-CN': '应为审计记录序号(不小于 0 的整数)。', en: 'An audit record number: a whole number, 0 or more.' },
} as const satisfies Record<string, Message>;
