import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Lang } from '../domain/lang';
import { AdmissionRefusedError, ConflictError, DomainError, NotFoundError, NotPermittedError, PeriodClosedError, ValidationError } from '../domain/errors';
import { formatInstantCst } from '../domain/time-zone';
import { ERROR } from './error-codes';
import { type ErrorBody } from './error-body';
import { HttpError } from './http-errors';
import { isMessageKey, message } from './messages';
import { jsonResult } from './results';
import { TIME_BUDGET } from './time-budget';


const DEPENDENCY_FAULT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionConflictException',
  'LimitExceededException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // CloudFront: too many invalidations in progress at once (a withdrawal's cache invalidation); they finish in minutes.
  'TooManyInvalidationsInProgress',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
// Why DynamoDB cancels a transaction when another request or the throughput got in the way, not a condition.
const RETRYABLE_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/**
 * A fault in a dependency that a retry may cure (throttling, a 5xx from DynamoDB, a network failure):
 * answered with 503 and Retry-After, never with a false success.
 */
export function isDependencyFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
    CancellationReasons?: { Code?: string }[];
  };
  if (e.name && DEPENDENCY_FAULT_NAMES.has(e.name)) return true;
  if (e.name === 'TransactionCanceledException') {
    // A 400 the SDK does not retry; cancelled only by conflicts or throttling, a retry may well succeed.
    const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((code) => code !== 'None');
    return codes.length > 0 && codes.every((code) => RETRYABLE_CANCELLATIONS.has(code));
  }
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  return (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

export interface MappedError {
  result: APIGatewayProxyStructuredResultV2;
  /** Whether this is the server's fault: logged as an error, its detail never shown. */
  serverFault: boolean;
}

/**
 * The one mapping from errors to HTTP answers. Client errors (< 500) say what to fix, in `lang`;
 * anything else becomes a generic 500 (or 503 for a dependency fault) whose detail goes only to the log.
 */
export function mapError(error: unknown, lang: Lang, requestId: string): MappedError {
  const answer = (status: number, body: ErrorBody, headers: Record<string, string> = {}) =>
    jsonResult(status, body, headers);

  if (error instanceof ValidationError) {
    return {
      serverFault: false,
      result: answer(400, {
        code: ERROR.validationFailed,
        message: message('VALIDATION_FAILED', lang),
        fields: error.fields.map((f) => ({ path: f.path, message: f.message[lang] })),
      }),
    };
  }
  if (error instanceof NotPermittedError) {
    return { serverFault: false, result: answer(403, { code: ERROR.forbidden, message: error.reasonText[lang] }) };
  }
  if (error instanceof NotFoundError) {
    return { serverFault: false, result: answer(404, { code: ERROR.notFound, message: message('NOT_FOUND', lang, error.params) }) };
  }
  if (error instanceof PeriodClosedError) {
    const key = error.state === 'notYetOpen' ? 'PERIOD_CLOSED_notYetOpen' : 'PERIOD_CLOSED_ended';
    return {
      serverFault: false,
      result: answer(409, { code: ERROR.periodClosed, reason: error.state, message: message(key, lang, error.params) }),
    };
  }
  if (error instanceof AdmissionRefusedError) {
    return {
      serverFault: false,
      result: answer(403, { code: ERROR.admissionRefused, reason: error.reason, message: message(`ADMISSION_REFUSED_${error.reason}`, lang) }),
    };
  }
  if (error instanceof ConflictError) {
    const key = `CONFLICT_${error.reason}`;
    const usedAt = typeof error.params.usedAt === 'string' ? error.params.usedAt : undefined;
    // A time in a message is read in China Standard Time; the field keeps the instant.
    const params = usedAt ? { ...error.params, usedAt: formatInstantCst(usedAt) } : error.params;
    return {
      serverFault: false,
      result: answer(409, {
        code: ERROR.conflict,
        reason: error.reason,
        message: isMessageKey(key) ? message(key, lang, params) : error.reason,
        ...(usedAt ? { usedAt } : {}),
      }),
    };
  }
  if (error instanceof HttpError) {
    return {
      serverFault: false,
      result: answer(error.statusCode, { code: error.code, message: message(error.code, lang) }, error.headers),
    };
  }
  if (error instanceof DomainError) {
    // A domain error without a mapping is a programming fault: treat it as one.
    return internal();
  }
  if (isDependencyFault(error)) {
    return {
      serverFault: true,
      result: answer(
        503,
        { code: ERROR.serviceUnavailable, message: message('SERVICE_UNAVAILABLE', lang), requestId },
        { 'retry-after': String(TIME_BUDGET.retryAfterSeconds) },
      ),
    };
  }
  return internal();

  function internal(): MappedError {
    return {
      serverFault: true,
      result: answer(500, { code: ERROR.internal, message: message('INTERNAL', lang, { requestId }), requestId }),
    };
  }
}
