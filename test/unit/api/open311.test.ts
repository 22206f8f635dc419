import { describe, expect, it, vi } from 'vitest';
import { open311Answers } from '../../../functions/api/open311/open311-answer';
import { ValidationError } from '../../../functions/domain/errors';
import { httpHandler, type HttpContext } from '../../../functions/platform/http';
import { created } from '../../../functions/platform/results';
import { open311CreateRequest } from '../../../functions/routes/open311';
import { httpEvent, lambdaContext } from '../../fixtures/http';

/**
 * A form route (bodyType 'form', Open311's POST requests.json) through the platform's handler and the
 * Open311 answer wrapper: form fields parsed as strings, JSON refused with 415, and every error in
 * GeoReport v2's `[{ code, description }]` shape.
 */

const FORM = 'application/x-www-form-urlencoded';

function handlerWith(fn: (input: { body: unknown }, ctx: HttpContext) => Promise<ReturnType<typeof created>>) {
  const spy = vi.fn(fn);
  return { spy, handler: open311Answers(httpHandler(open311CreateRequest, spy)) };
}

const send = async (handler: ReturnType<typeof handlerWith>['handler'], rawBody: string, contentType = FORM, headers: Record<string, string> = {}) => {
  const result = await handler(httpEvent('open311CreateRequest', { rawBody, headers: { 'content-type': contentType, ...headers } }), lambdaContext());
  return { status: result.statusCode, headers: result.headers ?? {}, json: JSON.parse(String(result.body)) as unknown };
};

describe('a form route', () => {
  it('gets its form fields as strings, unknown fields dropped, percent- and plus-encoding undone', async () => {
    // prepare
    const { spy, handler } = handlerWith(async () => created([]));

    // act
    const res = await send(handler, 'service_code=complaint&description=%E8%B7%AF%E7%81%AF+%E4%B8%8D%E4%BA%AE&attribute%5Bx%5D=1&__proto__=y');

    // assert
    expect(res.status).toBe(201);
    expect(spy.mock.calls[0]![0].body).toEqual({ service_code: 'complaint', description: '路灯 不亮' });
  });

  it('refuses JSON with 415, and a field sent twice with 400, each in the Open311 error shape', async () => {
    // prepare
    const { spy, handler } = handlerWith(async () => created([]));

    // act
    const json = await send(handler, JSON.stringify({ service_code: 'complaint', description: 'x' }), 'application/json', { 'accept-language': 'en' });
    const twice = await send(handler, 'service_code=complaint&service_code=request&description=x', FORM, { 'accept-language': 'en' });

    // assert
    expect(json).toMatchObject({ status: 415, json: [{ code: 415, description: 'The request body must be application/x-www-form-urlencoded.' }] });
    expect(twice.status).toBe(400);
    expect(twice.json).toEqual([{ code: 400, description: expect.stringMatching(/^service_code: /) }]);
    expect(spy).not.toHaveBeenCalled();
  });

  it("names each failing field of a domain refusal, and keeps a fault's status and Retry-After without its detail", async () => {
    // prepare
    const refusing = handlerWith(async () => {
      throw new ValidationError([
        { path: 'contact', message: { 'zh-CN': '请留下电话或邮箱。', en: 'Give a phone or an email.' } },
        { path: 'description', message: { 'zh-CN': '此项必填。', en: 'This is required.' } },
      ]);
    });
    const faulty = handlerWith(async () => {
      throw Object.assign(new Error('secret table detail'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    });

    // act
    const refused = await send(refusing.handler, 'service_code=complaint&description=x');
    const fault = await send(faulty.handler, 'service_code=complaint&description=x');

    // assert
    expect(refused.json).toEqual([
      { code: 400, description: 'contact: 请留下电话或邮箱。' },
      { code: 400, description: 'description: 此项必填。' },
    ]);
    expect(fault.status).toBe(503);
    expect(fault.headers['retry-after']).toBeDefined();
    expect(fault.json).toEqual([{ code: 503, description: expect.any(String) }]);
    expect(JSON.stringify(fault.json)).not.toContain('secret');
  });
});
