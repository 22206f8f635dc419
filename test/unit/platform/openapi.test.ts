import { describe, expect, it } from 'vitest';
import { ERROR } from '../../../functions/platform/error-codes';
import { machineScope } from '../../../functions/platform/auth';
import { openApiDocument } from '../../../functions/platform/openapi';
import { isStaffAccess, routes, type Route } from '../../../functions/routes';

interface Operation {
  operationId: string;
  security: Record<string, string[]>[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }>;
}
interface Document {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>; securitySchemes: Record<string, unknown> };
}

const doc = openApiDocument('1.2.3') as unknown as Document;
const all = routes as readonly Route[];
const operationOf = (r: Route) => doc.paths[r.path]?.[r.method.toLowerCase()];

describe('openApiDocument', () => {
  it('is an OpenAPI 3.1 document of the given version with one operation per route', () => {
    // act
    const operationIds = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));

    // assert
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('1.2.3');
    expect(operationIds.sort()).toEqual(all.map((r) => r.operationId).sort());
  });

  it.each(all.map((r) => [r.operationId, r] as const))('declares who may call %s', (_, route) => {
    // act
    const op = operationOf(route)!;

    // assert
    if (route.access === 'public') {
      expect(op.security).toEqual([]);
      expect(op.responses).not.toHaveProperty('401');
    } else if (isStaffAccess(route.access)) {
      expect(op.security).toEqual([{ staffJwt: [...route.access] }]);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
    } else {
      // another system's client-credentials token with the route's scope; never a staff token
      expect(op.security).toEqual([{ machineJwt: [machineScope(route.access.scope)] }]);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it.each(all.map((r) => [r.operationId, r] as const))('describes the parameters, body and answers of %s', (_, route) => {
    // act
    const op = operationOf(route)!;

    // assert
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    expect(op.parameters.filter((p) => p.in === 'path').map((p) => [p.name, p.required])).toEqual(pathParams.map((name) => [name, true]));
    expect(op.parameters.some((p) => p.in === 'header' && p.name === 'Accept-Language')).toBe(true);
    expect(op.requestBody !== undefined).toBe(route.body !== undefined);
    for (const r of route.responses) expect(op.responses).toHaveProperty(String(r.status));
    expect(op.responses['503']?.headers).toHaveProperty('Retry-After');
  });

  it("points every error answer at the one Error schema (401 and 503 may be the gateway's), whose codes are those the platform writes", () => {
    // prepare
    const errorAnswers = Object.values(doc.paths)
      .flatMap((p) => Object.values(p))
      .flatMap((op) => Object.entries(op.responses).filter(([status]) => Number(status) >= 400));

    // act
    const schemas = errorAnswers.map(([, r]) => r.content['application/json']?.schema);

    // assert
    expect(schemas.length).toBeGreaterThan(all.length);
    // Open311's routes answer in GeoReport v2's own error shape instead.
    for (const schema of schemas) expect(JSON.stringify(schema)).toMatch(/"\$ref":"#\/components\/schemas\/(Error|Open311Errors)"/);
    const error = doc.components.schemas.Error as { properties: { code: { enum: string[] } } };
    expect(error.properties.code.enum.sort()).toEqual(Object.values(ERROR).sort());
  });

  it('resolves every $ref to a schema it defines', () => {
    // act
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);

    // assert
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) expect(doc.components.schemas).toHaveProperty(ref);
  });

  it('describes a submission from its zod schema', () => {
    // act
    const input = doc.components.schemas.SubmissionInput!;

    // assert
    expect(input.required?.sort()).toEqual(['formId', 'units', 'version']);
    expect(input.properties?.submissionId).toMatchObject({ format: 'uuid' });
    expect(operationOf(all.find((r) => r.operationId === 'submitResponse')!)!.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/SubmissionInput',
    });
  });

  it('offers the download as CSV', () => {
    // act
    const op = operationOf(all.find((r) => r.operationId === 'downloadTallies')!)!;

    // assert
    expect(Object.keys(op.responses['200']!.content)).toEqual(['text/csv; charset=utf-8']);
  });

  it('offers the download as XLSX', () => {
    // act
    const op = operationOf(all.find((r) => r.operationId === 'downloadTalliesXlsx')!)!;

    // assert
    expect(Object.keys(op.responses['200']!.content)).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
  });
});
