import * as z from 'zod/mini';
import { ERROR, type ErrorCode } from './error-codes';

/**
 * The JSON body of every error answer (its codes are in error-codes.ts): written by platform/errors.ts,
 * described by the OpenAPI document.
 */

export const ZErrorBody = z
  .object({
    code: z.enum(Object.values(ERROR) as [ErrorCode, ...ErrorCode[]]),
    /**
     * For CONFLICT: which conflict (CONFLICT in domain/errors.ts); for PERIOD_CLOSED: notYetOpen or ended;
     * for ADMISSION_REFUSED: why (ADMISSION_REFUSALS in domain/errors.ts).
     */
    reason: z.optional(z.string()),
    /** For CONFLICT tokenUsed: when the token was used. */
    usedAt: z.optional(z.iso.datetime()),
    message: z.string(),
    /** For VALIDATION_FAILED: every failing field, by its path in the request, with what is wrong. */
    fields: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
    /** For server faults: the id to quote when reporting it. */
    requestId: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'Error' });
export type ErrorBody = z.infer<typeof ZErrorBody>;

/**
 * What API Gateway itself answers when it refuses a request before any function runs — a token its JWT
 * authorizer rejects (401), an integration that timed out (503), a body too large (413) — and what the
 * local adapter answers in its place.
 */
export const ZGatewayErrorBody = z
  .object({ message: z.string() })
  .register(z.globalRegistry, { id: 'GatewayError', description: "API Gateway's own refusal, before any function ran." });
