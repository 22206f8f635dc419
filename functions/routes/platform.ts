import * as z from 'zod/mini';
import type { Route } from './route';

/** Routes of the platform itself. */

export const ZHealth = z
  .object({
    status: z.literal('ok'),
    version: z.string(),
    /** Only with `?deep=true`: each dependency answered within its short deadline. */
    dependencies: z.optional(z.object({ dynamodb: z.literal('ok') })),
  })
  .register(z.globalRegistry, { id: 'Health' });

/** `GET /health?deep=true` when a dependency did not answer in time: which one, never why. */
export const ZHealthDegraded = z
  .object({
    status: z.literal('degraded'),
    version: z.string(),
    dependencies: z.object({ dynamodb: z.literal('unavailable') }),
  })
  .register(z.globalRegistry, { id: 'HealthDegraded' });

export const ZHealthQuery = z.object({
  /** `true`: also check that DynamoDB answers (one read with a short deadline); otherwise a cheap liveness check. */
  deep: z.optional(z.pipe(z.enum(['true', 'false']), z.transform((value) => value === 'true'))),
});

export const health = {
  operationId: 'health',
  method: 'GET',
  path: '/health',
  entry: 'api/health.ts',
  access: 'public',
  // Read-only, for the deep check's one GetItem.
  tables: { catalog: 'read' },
  summary: 'Liveness check; with `deep=true`, also whether DynamoDB answers.',
  query: ZHealthQuery,
  responses: [
    { status: 200, description: 'The API is up (and with deep=true, DynamoDB answered).', schema: ZHealth },
    {
      status: 503,
      description: 'With deep=true: DynamoDB did not answer within its short deadline. Retry after the Retry-After seconds.',
      schema: ZHealthDegraded,
    },
  ],
} as const satisfies Route;

export const openApi = {
  operationId: 'openApi',
  method: 'GET',
  path: '/openapi.json',
  entry: 'api/openapi.ts',
  access: 'public',
  tables: {},
  summary: 'This OpenAPI 3.1 document.',
  responses: [{ status: 200, description: 'The OpenAPI document.' }],
} as const satisfies Route;
