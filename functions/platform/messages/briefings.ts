import type { Message } from '../../domain/messages';

/** The API's messages for the briefings context's refusals. */
export const BRIEFINGS_API_MESSAGES = {
  CONFLICT_alreadyPublished: {
    'zh-CN': '该期已发布（第{number}期），已发布的简报不能再修改。',
    en: 'This issue was published already (No. {number}); a published briefing never changes.',
  },
} as const satisfies Record<string, Message>;
