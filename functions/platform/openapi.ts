import * as z from 'zod/mini';
import { isStaffAccess, routes, type Route } from '../routes';
import { machineScope } from './auth';
import { ZErrorBody, ZGatewayErrorBody } from './error-body';

type JsonSchema = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of the route table, its schemas generated from the zod schemas (zod's own
 * JSON Schema output is draft 2020-12, the dialect OpenAPI 3.1 uses). Schemas with a `meta({ id })`
 * become shared components.
 */
export function openApiDocument(version: string): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const schema = (s: z.ZodMiniType, io: 'input' | 'output'): JsonSchema => {
    const generated = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });
    // zod names shared schemas in $defs; OpenAPI keeps them in components.
    const { $schema: _dialect, $defs, ...rest } = JSON.parse(
      JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/'),
    ) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    Object.assign(components, $defs ?? {});
    // A schema with an id comes back as a $ref to its own $defs entry, already moved to components.
    const id = z.globalRegistry.get(s)?.id;
    if (id && !components[id]) components[id] = rest;
    return id ? { $ref: `#/components/schemas/${id}` } : rest;
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes as readonly Route[]) {
    const parameters = [
      ...objectParameters(route.params, 'path', schema),
      ...objectParameters(route.query, 'query', schema),
      {
        name: 'Accept-Language',
        in: 'header',
        required: false,
        description: 'zh-CN (default) or en: the language of error messages and downloads.',
        schema: { type: 'string' },
      },
    ];
    const responses: Record<string, unknown> = {};
    for (const r of route.responses) {
      const type = r.contentType ?? 'application/json';
      const body = r.schema ? schema(r.schema, 'output') : r.status >= 400 ? { $ref: '#/components/schemas/Error' } : {};
      responses[String(r.status)] = { description: r.description, content: { [type]: { schema: body } } };
    }
    if (isStaffAccess(route.access)) {
      responses['401'] = errorResponse('No valid staff token (refused by the gateway, or by the function).', true);
      responses['403'] = errorResponse(`The caller is not in a group that may call this (${route.access.join(', ')}).`);
    } else if (route.access !== 'public') {
      responses['401'] = errorResponse("No valid client-credentials token of this app's issuer.", true);
      responses['403'] = errorResponse(`The token does not carry the ${machineScope(route.access.scope)} scope.`, true);
    }
    // Any route may answer 503 for a dependency fault or a gateway timeout; a route that declares its own
    // 503 body (the deep health check) answers with that one too.
    const own503 = route.responses.find((r) => r.status === 503 && r.schema);
    // A route that declares its own error body (Open311's `[{ code, description }]`) answers its faults in it too.
    const ownError = route.responses.find((r) => r.status >= 400 && r.status !== 503 && r.schema)?.schema;
    const fault = errorResponse(
      'A dependency is unavailable or did not answer in time, or the gateway timed out. Retry after the Retry-After ' +
        'seconds: a write may or may not have been made, and a retried submission (same submissionId) never counts twice.',
      true,
    );
    responses['503'] = {
      ...(own503?.schema
        ? {
            description: own503.description,
            content: { 'application/json': { schema: { anyOf: [schema(own503.schema, 'output'), ...ERROR_OR_GATEWAY] } } },
          }
        : ownError
          ? { ...fault, content: { 'application/json': { schema: { anyOf: [schema(ownError, 'output'), ERROR_OR_GATEWAY[1]] } } } }
          : fault),
      headers: { 'Retry-After': { schema: { type: 'integer' } } },
    };
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: {
        operationId: route.operationId,
        summary: route.summary,
        security: securityOf(route.access),
        parameters,
        ...(route.body
          ? { requestBody: { required: true, content: { [route.bodyType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json']: { schema: schema(route.body, 'input') } } } }
          : {}),
        responses,
      },
    };
  }
  // Registers the error components (the answers above only point at them).
  schema(ZErrorBody, 'output');
  schema(ZGatewayErrorBody, 'output');

  return {
    openapi: '3.1.0',
    info: {
      title: 'Pingyi (评议) API',
      version,
      description: 'Public appraisal of public-service units: forms, ratings and tallies, and their administration.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        staffJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A Cognito access token (locally: `npm run token -- supervisor`); its cognito:groups decide access.',
        },
        machineJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "Another system's access token from the OAuth client-credentials flow of the staff issuer (locally: " +
            '`npm run token -- service-records`), carrying the scope the operation names.',
        },
      },
    },
  };
}

/** Who may call a route, as OpenAPI says it. */
function securityOf(access: Route['access']) {
  if (access === 'public') return [];
  if (isStaffAccess(access)) return [{ staffJwt: [...access] }];
  return [{ machineJwt: [machineScope(access.scope)] }];
}

/** An error answer: the API's Error body, or — where API Gateway may answer before the function — either. */
const ERROR_OR_GATEWAY = [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/GatewayError' }];

function errorResponse(description: string, orGateway = false) {
  const schema = orGateway ? { anyOf: ERROR_OR_GATEWAY } : ERROR_OR_GATEWAY[0];
  return { description, content: { 'application/json': { schema } } };
}

function objectParameters(
  object: z.ZodMiniObject | undefined,
  where: 'path' | 'query',
  schema: (s: z.ZodMiniType, io: 'input' | 'output') => JsonSchema,
) {
  if (!object) return [];
  return Object.entries(object.shape).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || !(s as z.ZodMiniType).safeParse(undefined).success,
    schema: schema(s as z.ZodMiniType, 'input'),
  }));
}
