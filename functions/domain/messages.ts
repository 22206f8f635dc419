import type { Lang } from './lang';

/**
 * Messages of domain rules, in both languages, defined next to the rule that raises them (each bounded
 * context keeps its own catalogue: evaluation/messages.ts, units/messages.ts). The API and the pages pick
 * the request's language from the same text, so a rule's message exists once.
 */
export type Message = Readonly<Record<Lang, string>>;

/** Messages every context uses. */
export const COMMON_MESSAGES = {
  required: { 'zh-CN': '此项必填。', en: 'This is required.' },
  tooLong: { 'zh-CN': '不能超过 {max} 个字。', en: 'At most {max} characters.' },
  unknownKey: { 'zh-CN': '此处不能有这一项。', en: 'This key is not allowed here.' },
  tooFine: { 'zh-CN': '应为 0 或不小于 {step}。', en: 'Must be 0 or at least {step}.' },
} as const satisfies Record<string, Message>;

/** A message with `{name}` placeholders filled from `params`, in both languages. */
export function fill(message: Message, params: Record<string, string | number> = {}): Message {
  const apply = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
  return { 'zh-CN': apply(message['zh-CN']), en: apply(message.en) };
}

// zod carries a schema's own message as a string; a domain message travels as a reference to its text.
const REF_PREFIX = '\u2063pingyi:';
const byRef = new Map<string, Message>();

/**
 * The `{ error }` parameter that makes a zod check report a domain message (both languages) instead of
 * zod's generic one: `z.regex(re, schemaMessage(ID_FORMAT))`.
 */
export function schemaMessage(message: Message): { error: string } {
  const ref = `${REF_PREFIX}${message.en}`;
  byRef.set(ref, message);
  return { error: ref };
}

/** The domain message behind a zod issue's message, or undefined when zod wrote the message itself. */
export function messageOfSchemaIssue(text: string): Message | undefined {
  return text.startsWith(REF_PREFIX) ? byRef.get(text) : undefined;
}
