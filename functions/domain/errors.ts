import type { Message } from './messages';

/**
 * Domain errors: what went wrong in the users' terms, knowing nothing about HTTP.
 * platform/errors.ts maps each to a status and a message in the request's language.
 */

/** One failing input field: its path (`units.tax-bureau.overall`, `rows.3.kind`) and what is wrong, in both languages. */
export interface FieldIssue {
  path: string;
  message: Message;
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

export type Entity = 'unit' | 'form' | 'formVersion' | 'period' | 'group' | 'receipt';

/** A thing the request names does not exist. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly entity: Entity,
    readonly id: string,
  ) {
    super(`${entity} not found: ${id}`, { entity, id });
  }
}

/** Why a request clashes with what is stored; the API names it in the error's `reason`. */
export const CONFLICT = {
  /** A submission id was used before with other answers. */
  submissionIdReused: 'submissionIdReused',
  /** Creating something whose id is taken. */
  alreadyExists: 'alreadyExists',
  /** The caller edited an old revision: someone else saved in between. */
  staleRevision: 'staleRevision',
  /** The form takes no more responses or changes. */
  formClosed: 'formClosed',
  /** Publishing a draft that is the same as the latest version. */
  nothingToPublish: 'nothingToPublish',
} as const;
export type ConflictReason = (typeof CONFLICT)[keyof typeof CONFLICT];

/** The request clashes with what is already stored. */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  constructor(
    readonly reason: ConflictReason,
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
