import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../../functions/domain/errors';
import { ERROR } from '../../../functions/platform/error-codes';
import { ZErrorBody } from '../../../functions/platform/error-body';
import { httpHandler, type HttpContext } from '../../../functions/platform/http';
import { ok } from '../../../functions/platform/results';
import { getFormVersion } from '../../../functions/routes/evaluation';
import { health } from '../../../functions/routes/platform';
import { updateUnit } from '../../../functions/routes/units';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';

/** httpHandler with a route of the route table and a function that records what it is given. */
function handlerFor<R extends typeof updateUnit | typeof getFormVersion | typeof health>(route: R) {
  const fn = vi.fn(async (_input: unknown, _ctx: HttpContext) => ok({ done: true }));
  return { fn, handler: httpHandler(route, fn) };
}

const validUpdate = { name: { 'zh-CN': '区税务局', en: 'District Tax Bureau' }, kind: 'bureau', parentId: null, rev: 3 };
const admin = staffClaims('admin');

async function call(handler: ReturnType<typeof handlerFor>['handler'], event: ReturnType<typeof httpEvent>) {
  const result = await handler(event, lambdaContext());
  return { ...result, json: JSON.parse(String(result.body)) as unknown };
}

afterEach(() => vi.unstubAllEnvs());

describe('httpHandler', () => {
  describe('validation', () => {
    it('names every failing field of params and body at once, in Chinese by default, without calling the function', async () => {
      // prepare
      const { fn, handler } = handlerFor(updateUnit);
      const event = httpEvent('updateUnit', {
        params: { unitId: 'tax-bureau' },
        body: { name: { 'zh-CN': '', en: 'x' }, kind: 'castle', rev: 0 },
        claims: admin,
      });

      // act
      const res = await call(handler, event);

      // assert
      expect(res.statusCode).toBe(400);
      const body = ZErrorBody.parse(res.json);
      expect(body.code).toBe(ERROR.validationFailed);
      expect(body.fields?.map((f) => f.path).sort()).toEqual(['kind', 'name.zh-CN', 'rev']);
      for (const field of body.fields ?? []) expect(field.message).toMatch(/[\u4e00-\u9fff]/);
      expect(fn).not.toHaveBeenCalled();
    });

    it("writes zod's own messages in English for an English request", async () => {
      // prepare
      const { handler } = handlerFor(updateUnit);
      const event = httpEvent('updateUnit', {
        params: { unitId: 'tax-bureau' },
        body: { ...validUpdate, kind: 'castle', rev: 0 },
        claims: admin,
        headers: { 'accept-language': 'en-GB,en;q=0.8,zh;q=0.5' },
      });

      // act
      const body = ZErrorBody.parse((await call(handler, event)).json);

      // assert
      expect(body.message).toBe('Some fields are invalid; please check them.');
      for (const field of body.fields ?? []) {
        expect(field.message).not.toMatch(/[\u4e00-\u9fff]/);
        expect(field.message).toMatch(/[A-Za-z]{3,}/);
      }
    });

    it('gives a domain rule inside a schema (the id format) its own text in the request language', async () => {
      // prepare
      const { handler } = handlerFor(updateUnit);
      const event = (lang: string) =>
        httpEvent('updateUnit', { params: { unitId: 'Tax Bureau!' }, body: validUpdate, claims: admin, headers: { 'accept-language': lang } });

      // act
      const zh = ZErrorBody.parse((await call(handler, event('zh-CN'))).json);
      const en = ZErrorBody.parse((await call(handler, event('en'))).json);

      // assert
      expect(zh.fields).toEqual([{ path: 'unitId', message: '编号只能用小写字母、数字和“-”，以字母或数字开头，最长 63 个字符。' }]);
      expect(en.fields).toEqual([
        { path: 'unitId', message: 'Use lowercase letters, digits and "-", starting with a letter or digit; at most 63 characters.' },
      ]);
    });

    it('reports a missing body as its missing fields', async () => {
      // prepare
      const { handler } = handlerFor(updateUnit);

      // act
      const res = await call(handler, httpEvent('updateUnit', { params: { unitId: 'tax-bureau' }, claims: admin }));

      // assert
      expect(res.statusCode).toBe(400);
      expect(ZErrorBody.parse(res.json).fields?.map((f) => f.path).sort()).toEqual(['kind', 'name', 'rev']);
    });

    it('answers 400 INVALID_JSON for broken JSON and 415 for a body not declared as JSON', async () => {
      // prepare
      const { fn, handler } = handlerFor(updateUnit);
      const params = { unitId: 'tax-bureau' };

      // act
      const broken = await call(handler, httpEvent('updateUnit', { params, claims: admin, rawBody: '{"rev":' }));
      const form = await call(
        handler,
        httpEvent('updateUnit', { params, claims: admin, rawBody: 'rev=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      );

      // assert
      expect(broken.statusCode).toBe(400);
      expect(broken.json).toMatchObject({ code: ERROR.invalidJson });
      expect(form.statusCode).toBe(415);
      expect(form.json).toMatchObject({ code: ERROR.unsupportedMediaType });
      expect(fn).not.toHaveBeenCalled();
    });
  });

  describe('input', () => {
    it('hands the function the parsed params and body, a base64 body decoded, with the caller and language', async () => {
      // prepare
      const { fn, handler } = handlerFor(updateUnit);
      const event = {
        ...httpEvent('updateUnit', { params: { unitId: 'tax-bureau' }, claims: staffClaims('admin', 'supervisor'), headers: { 'accept-language': 'en' } }),
        body: Buffer.from(JSON.stringify(validUpdate)).toString('base64'),
        isBase64Encoded: true,
      };
      event.headers['content-type'] = 'application/json; charset=utf-8';

      // act
      const res = await call(handler, event);

      // assert
      expect(res.statusCode).toBe(200);
      expect(fn).toHaveBeenCalledTimes(1);
      const [input, ctx] = fn.mock.calls[0]!;
      expect(input).toEqual({ params: { unitId: 'tax-bureau' }, query: undefined, body: validUpdate });
      expect(ctx).toEqual({
        lang: 'en',
        caller: { sub: 'staff-1', roles: ['supervisor', 'admin'], unitIds: [] },
        requestId: 'test-request-id',
        client: { address: '192.0.2.1', userAgent: 'vitest' },
      });
    });

    it("gives the function the client's address and browser: the source address and the User-Agent header", async () => {
      // prepare
      const { fn, handler } = handlerFor(health);
      const event = httpEvent('health', { headers: { 'user-agent': 'Mozilla/5.0 (iPhone)' } });
      event.requestContext.http.sourceIp = '2001:db8:1:2:3:4:5:6';

      // act
      await call(handler, event);

      // assert
      expect(fn.mock.calls[0]![1].client).toEqual({ address: '2001:db8:1:2:3:4:5:6', userAgent: 'Mozilla/5.0 (iPhone)' });
    });

    it("behind CloudFront, takes the viewer's address from the header the deployment names, without its port", async () => {
      // prepare
      vi.stubEnv('CLIENT_ADDRESS_HEADER', 'CloudFront-Viewer-Address');
      const { fn, handler } = handlerFor(health);
      const v4 = httpEvent('health', { headers: { 'cloudfront-viewer-address': '198.51.100.7:46532' } });
      const v6 = httpEvent('health', { headers: { 'cloudfront-viewer-address': '2001:db8::8a2e:370:7334:443' } });
      const none = httpEvent('health');

      // act
      await call(handler, v4);
      await call(handler, v6);
      await call(handler, none);

      // assert
      expect(fn.mock.calls.map(([, ctx]) => ctx.client.address)).toEqual(['198.51.100.7', '2001:db8::8a2e:370:7334', '192.0.2.1']);
    });

    it('ignores a viewer-address header the deployment does not name (a client could forge it)', async () => {
      // prepare
      const { fn, handler } = handlerFor(health);

      // act
      await call(handler, httpEvent('health', { headers: { 'cloudfront-viewer-address': '198.51.100.7:46532', 'x-forwarded-for': '203.0.113.9' } }));

      // assert
      expect(fn.mock.calls[0]![1].client.address).toBe('192.0.2.1');
    });

    it('coerces a numeric path parameter as its schema says', async () => {
      // prepare
      const { fn, handler } = handlerFor(getFormVersion);

      // act
      await call(handler, httpEvent('getFormVersion', { params: { formId: 'district-2026', version: '3' }, claims: admin }));

      // assert
      expect(fn.mock.calls[0]![0]).toMatchObject({ params: { formId: 'district-2026', version: 3 } });
    });

    it('gives a public route no caller', async () => {
      // prepare
      const { fn, handler } = handlerFor(health);

      // act
      await call(handler, httpEvent('health'));

      // assert
      expect(fn.mock.calls[0]![1].caller).toBeUndefined();
    });
  });

  describe('access', () => {
    it('answers 401 without a verified subject and 403 to a role the route does not admit, before validating', async () => {
      // prepare
      const { fn, handler } = handlerFor(updateUnit);
      const params = { unitId: 'Not An Id' };

      // act
      const anonymous = await call(handler, httpEvent('updateUnit', { params, body: {} }));
      const supervisor = await call(handler, httpEvent('updateUnit', { params, body: {}, claims: staffClaims('supervisor') }));

      // assert
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json).toMatchObject({ code: ERROR.unauthorized });
      expect(supervisor.statusCode).toBe(403);
      expect(supervisor.json).toMatchObject({ code: ERROR.forbidden });
      expect(fn).not.toHaveBeenCalled();
    });
  });

  describe('errors of the function', () => {
    it("maps a domain error to its answer in the request's language", async () => {
      // prepare
      const handler = httpHandler(updateUnit, async () => {
        throw new NotFoundError('unit', 'tax-bureau');
      });

      // act
      const res = await handler(
        httpEvent('updateUnit', { params: { unitId: 'tax-bureau' }, body: validUpdate, claims: admin, headers: { 'accept-language': 'en' } }),
        lambdaContext(),
      );

      // assert
      expect(res.statusCode).toBe(404);
      expect(JSON.parse(String(res.body))).toEqual({ code: ERROR.notFound, message: 'No unit with id tax-bureau.' });
    });

    it('answers a generic 500 with the Lambda request id for an unexpected error', async () => {
      // prepare
      const handler = httpHandler(health, async () => {
        throw new Error('secret detail');
      });

      // act
      const res = await handler(httpEvent('health'), lambdaContext());

      // assert
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('secret detail');
      expect(JSON.parse(String(res.body))).toMatchObject({ code: ERROR.internal, requestId: 'test-request-id' });
    });
  });
});
