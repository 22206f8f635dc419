import * as z from 'zod/mini';
import { COMMON_MESSAGES, fill, schemaMessage } from './messages';

/** The shared kernel of texts: the two-language names and texts people read. */

/**
 * A text a person types, trimmed, required and at most `max` characters: each failure named in both
 * languages. What cases, the ledger and disclosures take as descriptions, reasons and notes.
 */
export const requiredText = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, schemaMessage(COMMON_MESSAGES.required)),
      z.maxLength(max, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max }))),
    );

/** The longest name or label anyone types into a form. */
export const NAME_MAX_LENGTH = 200;

const ZName = requiredText(NAME_MAX_LENGTH);

/** Both languages of a text shown to users (a name, a title, a question). */
export const ZLocalizedText = z
  .object({ 'zh-CN': ZName, en: ZName })
  .register(z.globalRegistry, { id: 'LocalizedText', description: 'The same text in Chinese (zh-CN) and English (en).' });
export type LocalizedText = z.infer<typeof ZLocalizedText>;

/** A longer two-language text (an introduction, a help note); empty strings are allowed in neither language. */
const ZLongText = requiredText(2000);
export const ZLocalizedLongText = z.object({ 'zh-CN': ZLongText, en: ZLongText });

/** An ISO 8601 instant with an offset (`2026-01-01T00:00:00+08:00`). */
export const ZInstant = z.iso.datetime({ offset: true });
