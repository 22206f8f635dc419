import * as z from 'zod/mini';
import { COMMON_MESSAGES, fill, schemaMessage } from './messages';

/** The shared kernel of the decimal numbers people type into a form: weights and points. */

/** The finest step anyone sets a weight or a point value in; finer values are typing errors. */
export const DECIMAL_STEP = 0.000001;

/**
 * A number from `min` to `max` that is 0 or at least one step away from it. DynamoDB cannot store a
 * magnitude under 1E-130 (JavaScript parses "5e-324"), and no one means a weight of 1e-20.
 */
export const ZDecimal = (min: number, max: number) =>
  z
    .number()
    .check(
      z.minimum(min),
      z.maximum(max),
      z.refine((v) => v === 0 || Math.abs(v) >= DECIMAL_STEP, schemaMessage(fill(COMMON_MESSAGES.tooFine, { step: '0.000001' }))),
    );
