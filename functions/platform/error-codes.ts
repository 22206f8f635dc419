/**
 * The codes of every error answer, in one place: the API writes them (platform/errors.ts), the error body
 * schema lists them (error-body.ts), and the pages' API client and pages match them through ERROR — never
 * through string literals. No schema here, so a page can know the codes without building one.
 */
export const ERROR = {
  validationFailed: 'VALIDATION_FAILED',
  invalidJson: 'INVALID_JSON',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  notFound: 'NOT_FOUND',
  periodClosed: 'PERIOD_CLOSED',
  admissionRefused: 'ADMISSION_REFUSED',
  conflict: 'CONFLICT',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ERROR)[keyof typeof ERROR];
