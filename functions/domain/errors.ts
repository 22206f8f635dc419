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

export type Entity = 'unit' | 'form' | 'formVersion' | 'period' | 'group' | 'receipt' | 'ballot' | 'appeal' | 'flaggedBatch' | 'invitationBatch' | 'case' | 'calendarAdjustment' | 'calendarYear' | 'ledgerItem' | 'briefing' | 'disclosure' | 'responseExport';

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
  /** A ballot token (invitation, service record) was used before; the error carries when (`usedAt`). */
  tokenUsed: 'tokenUsed',
  /** The unit has appealed this ballot already. */
  alreadyAppealed: 'alreadyAppealed',
  /** The appeal was decided already. */
  alreadyDecided: 'alreadyDecided',
  /** The case's state does not allow the action; the error carries the state (`from`) and the `action`. */
  illegalTransition: 'illegalTransition',
  /** An extension approved after the case's deadline passed; the error carries the `dueDate`. */
  deadlinePassed: 'deadlinePassed',
  /** A briefing (简报, 月报告) was published already: it never changes. */
  alreadyPublished: 'alreadyPublished',
  /** A disclosure's state does not allow the action (approving one approved already); the error carries the state (`from`) and the `action`. */
  disclosureState: 'disclosureState',
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

/**
 * The caller's role may not take this action on a thing they may see (a unit handler approving their own
 * extension): 403, with what was refused in both languages.
 */
export class NotPermittedError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(readonly reasonText: Message) {
    super(`not permitted: ${reasonText.en}`);
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

/** Why a ballot is not admitted (403): the period's policy or the token it came with. */
export const ADMISSION_REFUSALS = [
  /** The period takes ballots with an invitation or service-record token only (or not this kind). */
  'tokenRequired',
  /** Malformed, forged, or signed with a retired key. */
  'invalidToken',
  'expiredToken',
  /** The token is for another evaluation period. */
  'otherPeriod',
  /** The token is for another unit than the ballot rates. */
  'otherUnit',
] as const;
export type AdmissionRefusal = (typeof ADMISSION_REFUSALS)[number];

/** The ballot is not admitted: nothing was stored. */
export class AdmissionRefusedError extends DomainError {
  readonly code = 'ADMISSION_REFUSED';
  constructor(readonly reason: AdmissionRefusal) {
    super(`ballot not admitted: ${reason}`, { reason });
  }
}
