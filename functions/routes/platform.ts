import * as z from 'zod/mini';
import type { Route } from './route';

/** Routes of the platform itself. */

export const ZHealth = z
  .object({ status: z.literal('ok'), version: z.string() })
  .register(z.globalRegistry, { id: 'Health' });

export const health = {
  operationId: 'health',
  method: 'GET',
  path: '/health',
  entry: 'api/health.ts',
  access: 'public',
  tables: {},
  summary: 'Liveness check.',
  responses: [{ status: 200, description: 'The API is up.', schema: ZHealth }],
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
