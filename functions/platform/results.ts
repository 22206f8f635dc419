import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What a route's function returns; httpHandler turns it into the Lambda result. */
export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

const API_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** A JSON answer with the API's standard headers. */
export const jsonResult = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...API_HEADERS, ...headers },
  body: JSON.stringify(body),
});

export const ok = (body: unknown): HttpResult => jsonResult(200, body);
export const created = (body: unknown): HttpResult => jsonResult(201, body);
/** Taken on, to be done by another function: the body says how to follow it. */
export const accepted = (body: unknown): HttpResult => jsonResult(202, body);

/**
 * A file download. `filename` may hold any Unicode; it is sent both as an ASCII fallback and as the
 * RFC 5987 `filename*` that browsers use. Bytes (a binary file) go base64-encoded with `isBase64Encoded`,
 * which API Gateway decodes before answering.
 */
export function fileResult(contentType: string, filename: string, body: string | Uint8Array): HttpResult {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return {
    statusCode: 200,
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      ...API_HEADERS,
    },
    ...(typeof body === 'string' ? { body } : { body: Buffer.from(body).toString('base64'), isBase64Encoded: true }),
  };
}
