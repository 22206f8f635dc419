import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Open311Errors } from '../../domain/cases/open311';
import { negotiateLang } from '../../domain/lang';
import type { Message } from '../../domain/messages';
import type { HttpEvent } from '../../platform/http';

const FORM_ONLY: Message = {
  'zh-CN': '请求体须为 application/x-www-form-urlencoded。',
  en: 'The request body must be application/x-www-form-urlencoded.',
};

/**
 * An Open311 route's answers: the platform's handler (validation, the one error mapper, logging) with every
 * error body rewritten to the GeoReport v2 shape, `[{ code, description }]` with the HTTP status as code —
 * one entry per failing field for a 400. Headers (Retry-After of a 503) and statuses stay.
 */
export function open311Answers(handler: (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>) {
  return async (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const result = await handler(event, context);
    const status = result.statusCode ?? 200;
    if (status < 400 || typeof result.body !== 'string') return result;
    // The platform's 415 names JSON; an Open311 POST takes a form.
    const errors = status === 415 ? [{ code: 415, description: FORM_ONLY[negotiateLang(event.headers?.['accept-language'])] }] : open311ErrorsOf(status, result.body);
    return { ...result, body: JSON.stringify(errors) };
  };
}

/** The platform's error body (`{ code, message, fields? }`) in Open311's shape. */
export function open311ErrorsOf(status: number, body: string): Open311Errors {
  try {
    const error = JSON.parse(body) as { message?: unknown; fields?: { path: string; message: string }[] };
    if (Array.isArray(error.fields) && error.fields.length > 0) return error.fields.map((f) => ({ code: status, description: `${f.path}: ${f.message}` }));
    return [{ code: status, description: typeof error.message === 'string' ? error.message : String(status) }];
  } catch {
    return [{ code: status, description: String(status) }];
  }
}
