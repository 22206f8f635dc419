/**
 * Domain errors: what went wrong in the users' terms, knowing nothing about HTTP.
 * platform/errors.ts maps each `code` to a status and a message in the request's language.
 */

/** One failing input field: its path (`rating`, `answers.0.value`) and the message key that explains it. */
export interface FieldIssue {
  path: string;
  /** A message already in the request's language (from zod), or a key of platform/i18n.ts messages. */
  message?: string;
  messageKey?: string;
  params?: Record<string, string | number>;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that is well-formed JSON but breaks a rule: every failing field is listed. */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly fields: FieldIssue[]) {
    super(`validation failed: ${fields.map((f) => f.path).join(', ')}`);
  }
}

/** A thing the request names does not exist (unit, form, period, receipt). */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly entity: 'unit' | 'form' | 'period' | 'receipt',
    readonly id: string,
  ) {
    super(`${entity} not found: ${id}`, { entity, id });
  }
}

/** The request clashes with what is already stored (e.g. a reused submission id with other answers). */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  constructor(
    readonly reason: 'submissionIdReused',
    params: Record<string, string | number> = {},
  ) {
    super(`conflict: ${reason}`, params);
  }
}

/** The evaluation period is not open: not yet started, or already ended. */
export class PeriodClosedError extends DomainError {
  readonly code = 'PERIOD_CLOSED';
  constructor(
    readonly periodId: string,
    readonly state: 'notYetOpen' | 'ended',
  ) {
    super(`period ${periodId} is ${state}`, { periodId, state });
  }
}
