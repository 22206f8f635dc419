import { ERROR } from './error-codes';

/**
 * Errors of the HTTP layer itself (not of the domain): a request the platform refuses before any
 * domain code runs.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: (typeof ERROR)['unauthorized' | 'forbidden' | 'invalidJson' | 'unsupportedMediaType'],
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'HttpError';
  }
}

export const unauthorized = () => new HttpError(401, ERROR.unauthorized, { 'www-authenticate': 'Bearer' });
export const forbidden = () => new HttpError(403, ERROR.forbidden);
export const invalidJson = () => new HttpError(400, ERROR.invalidJson);
export const unsupportedMediaType = () => new HttpError(415, ERROR.unsupportedMediaType);
