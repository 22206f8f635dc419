import { signal } from '@preact/signals';
import { DEFAULT_LANG, LANGS, type Lang } from '../../../functions/domain/lang';
import type { LocalizedText } from '../../../functions/domain/text';

/**
 * The language of the pages: one signal every component reads, so switching language re-renders exactly
 * what shows text. Each feature keeps its strings in web/src/messages/<feature>.ts; names that belong to
 * the domain (levels, groups, units, forms) and the domain's rule messages come from functions/domain.
 */

const STORAGE_KEY = 'pingyi.lang';
const isLang = (value: unknown): value is Lang => (LANGS as readonly unknown[]).includes(value);

function storedLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    // Storage can be blocked (private mode, policies); the default language still works.
  }
  return DEFAULT_LANG;
}

/** The language the user chose last (kept across pages), or zh-CN. */
export const lang = signal<Lang>(storedLang());

/** Switches the language, remembers it and marks the document with it. */
export function setLang(next: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // See storedLang: not remembering the choice is acceptable.
  }
  document.documentElement.lang = next;
  lang.value = next;
}

/** A feature's strings in both languages; `messages(catalog)` picks the current one. */
export type Catalog<T> = { readonly 'zh-CN': T; readonly en: T };

/** Declares a feature catalogue: the English part must have exactly the Chinese part's keys and shapes. */
export const catalog = <T,>(zh: T, en: T): Catalog<T> => ({ 'zh-CN': zh, en });

/** The current language's strings of a catalogue (subscribes the calling component to language changes). */
export const messages = <T,>(c: Catalog<T>): T => c[lang.value];

/** A domain text (a unit's name, a form's title, a level's label, a rule's message) in the current language. */
export const local = (text: LocalizedText | Readonly<Record<Lang, string>>): string => text[lang.value];
