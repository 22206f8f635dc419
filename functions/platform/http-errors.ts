import type { MessageKey } from './i18n';

/**
 * Errors of the HTTP layer itself (not of the domain): a request the platform refuses before any
 * domain code runs.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: MessageKey,
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'HttpError';
  }
}

export const unauthorized = () => new HttpError(401, 'UNAUTHORIZED', { 'www-authenticate': 'Bearer' });
export const forbidden = () => new HttpError(403, 'FORBIDDEN');
export const invalidJson = () => new HttpError(400, 'INVALID_JSON');
export const unsupportedMediaType = () => new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE');
