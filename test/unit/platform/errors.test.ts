import { ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  CONFLICT,
  ConflictError,
  DomainError,
  NotFoundError,
  PeriodClosedError,
  ValidationError,
} from '../../../functions/domain/errors';
import { fill, type Message } from '../../../functions/domain/messages';
import { LANGS, type Lang } from '../../../functions/domain/lang';
import { ERROR } from '../../../functions/platform/error-codes';
import { ZErrorBody, type ErrorBody } from '../../../functions/platform/error-body';
import { isDependencyFault, mapError } from '../../../functions/platform/errors';
import { TIME_BUDGET } from '../../../functions/platform/time-budget';
import { forbidden, invalidJson, unauthorized, unsupportedMediaType } from '../../../functions/platform/http-errors';
import { UnprocessedError } from '../../../functions/store/retry';

/** The answer mapError gives, with its body checked against the error schema every client reads. */
function answer(error: unknown, lang: Lang = 'zh-CN', requestId = 'req-42') {
  const { result, serverFault } = mapError(error, lang, requestId);
  return { status: result.statusCode, headers: result.headers ?? {}, body: ZErrorBody.parse(JSON.parse(String(result.body))), raw: String(result.body), serverFault };
}

const HAN = /[\u4e00-\u9fff]/;

describe('mapError', () => {
  describe('400 validation', () => {
    const notOnScale: Message = { 'zh-CN': '该评价等级不在本题的选项中。', en: 'This rating is not an option of this question.' };
    const weights: Message = { 'zh-CN': '权重之和须等于 1（现为 {sum}）。', en: 'The weights must sum to 1 (they sum to {sum}).' };
    const error = new ValidationError([
      { path: 'units.tax-bureau.overall', message: notOnScale },
      { path: 'groupWeights', message: fill(weights, { sum: 0.9 }) },
    ]);

    it('names every failing field with its message in Chinese by default', () => {
      // act
      const { status, body, serverFault } = answer(error, 'zh-CN');

      // assert
      expect(status).toBe(400);
      expect(serverFault).toBe(false);
      expect(body).toEqual({
        code: ERROR.validationFailed,
        message: '提交内容有误，请检查以下字段。',
        fields: [
          { path: 'units.tax-bureau.overall', message: '该评价等级不在本题的选项中。' },
          { path: 'groupWeights', message: '权重之和须等于 1（现为 0.9）。' },
        ],
      });
    });

    it('picks the English text of the same messages for an English request', () => {
      // act
      const { body } = answer(error, 'en');

      // assert
      expect(body.message).toBe('Some fields are invalid; please check them.');
      expect(body.fields).toEqual([
        { path: 'units.tax-bureau.overall', message: 'This rating is not an option of this question.' },
        { path: 'groupWeights', message: 'The weights must sum to 1 (they sum to 0.9).' },
      ]);
    });
  });

  it('answers 404 naming the missing thing in the request language', () => {
    // act
    const zh = answer(new NotFoundError('form', 'district-2026'), 'zh-CN');
    const en = answer(new NotFoundError('formVersion', 'district-2026@3'), 'en');

    // assert
    expect(zh.status).toBe(404);
    expect(zh.body).toEqual({ code: ERROR.notFound, message: '未找到评议表：district-2026。' });
    expect(en.body).toEqual({ code: ERROR.notFound, message: 'No form version with id district-2026@3.' });
  });

  describe('409 conflicts', () => {
    it('carries the reason and a message made from its parameters', () => {
      // act
      const stale = answer(new ConflictError('staleRevision', { rev: 4 }), 'en');
      const nothing = answer(new ConflictError('nothingToPublish', { version: 2 }), 'zh-CN');

      // assert
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: ERROR.conflict, reason: 'staleRevision' });
      expect(stale.body.message).toMatch(/^Someone else changed this/);
      expect(nothing.body).toEqual({ code: ERROR.conflict, reason: 'nothingToPublish', message: '草稿与第 2 版相同，没有可发布的修改。' });
    });

    it.each(Object.values(CONFLICT).flatMap((reason) => LANGS.map((lang) => [reason, lang] as const)))(
      'has a written message for reason %s in %s',
      (reason, lang) => {
        // act
        const { body } = answer(new ConflictError(reason, { id: 'x', formId: 'f', version: 1, submissionId: 's' }), lang);

        // assert
        expect(body.reason).toBe(reason);
        expect(body.message).not.toBe(reason);
        expect(HAN.test(body.message)).toBe(lang === 'zh-CN');
      },
    );
  });

  it('answers PERIOD_CLOSED with 409 and whether the period has not opened or has ended', () => {
    // act
    const early = answer(new PeriodClosedError('2026-annual', 'notYetOpen'), 'en');
    const late = answer(new PeriodClosedError('2026-annual', 'ended'), 'zh-CN');

    // assert
    expect(early.status).toBe(409);
    expect(early.body).toEqual({
      code: ERROR.periodClosed,
      reason: 'notYetOpen',
      message: 'Evaluation period 2026-annual has not opened yet.',
    });
    expect(late.body).toEqual({ code: ERROR.periodClosed, reason: 'ended', message: '评议期 2026-annual 已结束，不再接受评价。' });
  });

  it('answers 401 with a Bearer challenge and 403 without one', () => {
    // act
    const noToken = answer(unauthorized(), 'en');
    const wrongRole = answer(forbidden(), 'zh-CN');

    // assert
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toBe('Bearer');
    expect(noToken.body).toEqual({ code: ERROR.unauthorized, message: 'Please sign in.' });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.headers['www-authenticate']).toBeUndefined();
    expect(wrongRole.body).toEqual({ code: ERROR.forbidden, message: '您的账号无权使用此功能。' });
  });

  it('answers 400 for a body that is not JSON and 415 for one that is not declared as JSON', () => {
    // act & assert
    expect(answer(invalidJson(), 'en')).toMatchObject({ status: 400, body: { code: ERROR.invalidJson } });
    expect(answer(unsupportedMediaType(), 'en')).toMatchObject({ status: 415, body: { code: ERROR.unsupportedMediaType } });
  });

  describe('dependency faults', () => {
    it.each([
      ['DynamoDB throttling', new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } })],
      ['a 5xx from the service', Object.assign(new Error('boom'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } })],
      ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' })],
      ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
      ['items left unprocessed after retries', new UnprocessedError('BatchWriteItem')],
      [
        'a transaction cancelled by a concurrent one',
        new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
        }),
      ],
    ])('answers %s with 503, Retry-After and the request id, and nothing else of the fault', (_, error) => {
      // act
      const { status, headers, body, raw, serverFault } = answer(error, 'en', 'req-503');

      // assert
      expect(status).toBe(503);
      expect(serverFault).toBe(true);
      expect(headers['retry-after']).toBe(String(TIME_BUDGET.retryAfterSeconds));
      expect(body).toEqual({
        code: ERROR.serviceUnavailable,
        message: 'The service is busy and your request may not have been completed; please try again shortly. Submitting the same response again never counts it twice.',
        requestId: 'req-503',
      });
      expect(raw).not.toContain((error as Error).message);
    });

    it('does not take a client error of the service for a fault a retry cures', () => {
      // act & assert
      expect(isDependencyFault({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } })).toBe(false);
      expect(isDependencyFault('ThrottlingException')).toBe(false);
      expect(isDependencyFault(null)).toBe(false);
    });

    it('does not take a transaction cancelled by an invalid item for one a retry cures', () => {
      // prepare
      const invalid = new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: [{ Code: 'ValidationError' }, { Code: 'TransactionConflict' }],
      });

      // act & assert
      expect(isDependencyFault(invalid)).toBe(false);
      expect(answer(invalid).status).toBe(500);
    });
  });

  describe('500', () => {
    it('never shows the error message, only a generic one with the request id', () => {
      // prepare
      const error = new TypeError('AccessDeniedException: arn:aws:iam::123456789012:role/secret-role cannot read "pk"');

      // act
      const zh = answer(error, 'zh-CN', 'req-500');
      const en = answer(error, 'en', 'req-500');

      // assert
      expect(zh.status).toBe(500);
      expect(zh.serverFault).toBe(true);
      expect(zh.body).toEqual({
        code: ERROR.internal,
        message: '服务器内部错误，请稍后重试。如问题持续，请提供请求编号 req-500。',
        requestId: 'req-500',
      });
      expect(en.body.message).toBe('Internal error; please try again later. If it persists, quote request id req-500.');
      for (const raw of [zh.raw, en.raw]) expect(raw).not.toMatch(/arn:|AccessDenied|secret-role|TypeError|pk/);
    });

    it('treats a domain error without a mapping as a server fault, not as a client error', () => {
      // prepare
      class Unmapped extends DomainError {
        readonly code = 'UNMAPPED';
      }

      // act
      const { status, body, raw } = answer(new Unmapped('internal detail'), 'en');

      // assert
      expect(status).toBe(500);
      expect(body.code).toBe(ERROR.internal);
      expect(raw).not.toContain('internal detail');
    });

    it('answers anything thrown that is not an Error in the same way', () => {
      // act & assert
      expect(answer('a string', 'en').status).toBe(500);
      expect(answer(undefined, 'en').body.code).toBe(ERROR.internal);
    });
  });
});

describe('ZErrorBody', () => {
  it('lists every error code the platform writes', () => {
    // prepare
    const sample: ErrorBody = { code: ERROR.conflict, message: 'm' };

    // act
    const codes = Object.values(ERROR).map((code) => ZErrorBody.safeParse({ ...sample, code }).success);

    // assert
    expect(codes.every(Boolean)).toBe(true);
    expect(ZErrorBody.safeParse({ ...sample, code: 'SOMETHING_ELSE' }).success).toBe(false);
  });
});
