import type { Lang } from '../../domain/lang';
import type { Message } from '../../domain/messages';
import { BRIEFINGS_API_MESSAGES } from './briefings';
import { CASES_API_MESSAGES } from './cases';
import { COMMON_API_MESSAGES, ENTITY_NAMES } from './common';
import { DISCLOSURE_API_MESSAGES } from './disclosure';
import { EVALUATION_API_MESSAGES } from './evaluation';

/**
 * The API layer's message catalogue, split by feature: every message the API writes itself, in each
 * language. Field messages of domain rules come with the rule (domain/<context>/messages.ts).
 */
const MESSAGES = { ...COMMON_API_MESSAGES, ...EVALUATION_API_MESSAGES, ...CASES_API_MESSAGES, ...BRIEFINGS_API_MESSAGES, ...DISCLOSURE_API_MESSAGES } satisfies Record<string, Message>;

export type MessageKey = keyof typeof MESSAGES;

export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(MESSAGES, key);

/** The message for `key` in `lang`, with `{param}` placeholders filled (an `entity` param is named in `lang`). */
export function message(key: MessageKey, lang: Lang, params: Record<string, string | number> = {}): string {
  return MESSAGES[key][lang].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return '';
    return name === 'entity' ? (ENTITY_NAMES[String(value)]?.[lang] ?? String(value)) : String(value);
  });
}
