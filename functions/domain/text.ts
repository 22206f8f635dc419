import * as z from 'zod/mini';
import { COMMON_MESSAGES, fill, schemaMessage } from './messages';

/** The shared kernel of texts: the two-language names and texts people read. */

/** The longest name or label anyone types into a form. */
export const NAME_MAX_LENGTH = 200;

const ZName = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, schemaMessage(COMMON_MESSAGES.required)),
    z.maxLength(NAME_MAX_LENGTH, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max: NAME_MAX_LENGTH }))),
  );

/** Both languages of a text shown to users (a name, a title, a question). */
export const ZLocalizedText = z
  .object({ 'zh-CN': ZName, en: ZName })
  .register(z.globalRegistry, { id: 'LocalizedText', description: 'The same text in Chinese (zh-CN) and English (en).' });
export type LocalizedText = z.infer<typeof ZLocalizedText>;

/** A longer two-language text (an introduction, a help note); empty strings are allowed in neither language. */
const ZLongText = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, schemaMessage(COMMON_MESSAGES.required)),
    z.maxLength(2000, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max: 2000 }))),
  );
export const ZLocalizedLongText = z.object({ 'zh-CN': ZLongText, en: ZLongText });

/** An ISO 8601 instant with an offset (`2026-01-01T00:00:00+08:00`). */
export const ZInstant = z.iso.datetime({ offset: true });
