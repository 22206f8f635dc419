import { randomInt } from 'node:crypto';
import * as z from 'zod/mini';

/** What a stored ballot is known by, and what its respondent keeps. Neither is the client's submission id. */

/**
 * A stored ballot's reference: opaque, stable, and never the client's submission id (which would let
 * whoever sees it resend as the respondent). `o.` an open ballot, `i.` an invitation's, `r.` a service
 * record's.
 */
export const ZBallotRef = z.string().check(z.regex(/^[oir]\.[A-Za-z0-9_-]{4,64}$/));

// Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand survives.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The receipt code a respondent keeps: 12 random base-32 characters (60 bits) in groups of four. */
export const ZReceiptCode = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/));

export function newReceiptCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) code += (i > 0 && i % 4 === 0 ? '-' : '') + CROCKFORD[randomInt(32)];
  return code;
}
