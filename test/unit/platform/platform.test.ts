import { describe, expect, it } from 'vitest';
import { authorize, rolesFromClaims } from '../../../functions/platform/auth';
import { toCsv } from '../../../functions/platform/csv';
import { isDependencyFault, mapError } from '../../../functions/platform/errors';
import { openApiDocument } from '../../../functions/platform/openapi';
import { routes } from '../../../functions/routes';

describe('rolesFromClaims', () => {
  it('reads groups as API Gateway passes them and as a decoded token holds them', () => {
    expect(rolesFromClaims({ 'cognito:groups': '[supervisor admin]' })).toEqual(['supervisor', 'admin']);
    expect(rolesFromClaims({ 'cognito:groups': ['unitHandler', 'strangers'] })).toEqual(['unitHandler']);
    expect(rolesFromClaims({})).toEqual([]);
  });
});

describe('authorize', () => {
  it('lets anyone call a public route', () => {
    expect(authorize('public', undefined)).toBeUndefined();
  });

  it('refuses a missing subject with 401 and a wrong group with 403', () => {
    expect(() => authorize(['supervisor'], {})).toThrow(expect.objectContaining({ statusCode: 401 }) as unknown as Error);
    expect(() => authorize(['supervisor'], { sub: 'u1', 'cognito:groups': '[unitHandler]' })).toThrow(
      expect.objectContaining({ statusCode: 403 }) as unknown as Error,
    );
    expect(authorize(['supervisor'], { sub: 'u1', 'cognito:groups': '[supervisor]' })).toEqual({
      sub: 'u1',
      roles: ['supervisor'],
    });
  });
});

describe('toCsv', () => {
  it('quotes separators, quotes and line breaks, and defuses formulas', () => {
    const csv = toCsv([
      ['a,b', 'say "hi"', 'two\nlines'],
      ['=HYPERLINK("x")', '-5', '@SUM(A1)'],
    ]);

    expect(csv).toBe('\uFEFF"a,b","say ""hi""","two\nlines"\r\n"\'=HYPERLINK(""x"")",-5,\'@SUM(A1)\r\n');
  });
});

describe('mapError', () => {
  it('treats throttling, 5xx and network failures as dependency faults', () => {
    expect(isDependencyFault({ name: 'ThrottlingException' })).toBe(true);
    expect(isDependencyFault({ name: 'Whatever', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isDependencyFault(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDependencyFault({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } })).toBe(false);
  });

  it('never shows a 5xx detail', () => {
    const { result, serverFault } = mapError(new TypeError('Cannot read properties of undefined (reading "pk")'), 'en', 'r-1');

    expect(serverFault).toBe(true);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('pk');
    expect(JSON.parse(String(result.body)).message).toContain('r-1');
  });
});

describe('openApiDocument', () => {
  const doc = openApiDocument('test') as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown> };
  };
  const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));

  it('is OpenAPI 3.1 with one operation per route', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(operations.map((o) => o.operationId).sort()).toEqual(routes.map((r) => r.operationId).sort());
    expect(operations.map((o) => o.operationId)).toEqual(
      expect.arrayContaining(['health', 'getForm', 'submitResponse', 'listTallies', 'downloadTallies']),
    );
  });

  it('declares staff security, 401 and 403 on every non-public operation', () => {
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      if (r.access === 'public') expect(op?.security).toEqual([]);
      else expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('resolves every $ref to a component it defines', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);

    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref!);
  });

  it('describes the response input from its zod schema', () => {
    const input = doc.components.schemas.ResponseInput as { required: string[]; properties: Record<string, unknown> };

    expect(input.required.sort()).toEqual(['formId', 'group', 'periodId', 'rating', 'unitId']);
    expect(input.properties.submissionId).toMatchObject({ format: 'uuid' });
  });
});

describe('UnprocessedError', () => {
  it('is a dependency fault, answered with 503', async () => {
    const { UnprocessedError } = await import('../../../functions/store/retry');

    expect(mapError(new UnprocessedError('BatchWriteItem'), 'zh-CN', 'r-2').result.statusCode).toBe(503);
  });
});
