import * as z from 'zod/mini';
import { schemaMessage } from './messages';

/** The shared kernel of ids: what admins name units, groups, periods and forms by. */

/** A stable, URL-safe identifier chosen by the admin (`tax-bureau`, `2026-annual`). */
export const ZId = z
  .string()
  .check(
    z.regex(
      /^[a-z0-9][a-z0-9-]{0,62}$/,
      schemaMessage({
        'zh-CN': '编号只能用小写字母、数字和“-”，以字母或数字开头，最长 63 个字符。',
        en: 'Use lowercase letters, digits and "-", starting with a letter or digit; at most 63 characters.',
      }),
    ),
  )
  .register(z.globalRegistry, {
    id: 'Id',
    description: 'Lowercase letters, digits and "-", starting with a letter or digit; at most 63.',
  });
