import * as z from 'zod';
import { ZFormSummary, ZId, ZPublishedForm } from './domain/catalog';
import { ZReceipt, ZResponseInput } from './domain/response';
import { ZTallyReport } from './domain/tally-report';
import type { TableAccess, TableKey } from './store/tables';

/**
 * THE route table: every HTTP operation and scheduled job of Pingyi, with who may call it and which tables
 * it touches. CDK makes one function, one API route and the grants from each entry; the local runtime
 * serves the same entries; the OpenAPI document is generated from them.
 */

/** Staff roles: each is a Cognito group (and a `cognito:groups` value in local tokens). */
export const ROLES = ['supervisor', 'admin', 'unitHandler'] as const;
export type Role = (typeof ROLES)[number];

/** `public`, or the roles whose members may call the route. */
export type Access = 'public' | readonly Role[];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteResponse {
  status: number;
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface Route {
  operationId: string;
  method: HttpMethod;
  /** API Gateway syntax: `/forms/{formId}`. */
  path: string;
  /** The handler module, relative to functions/; it exports `handler`. */
  entry: string;
  access: Access;
  tables: Partial<Record<TableKey, TableAccess>>;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: RouteResponse[];
}

export interface ScheduledJob {
  id: string;
  entry: string;
  summary: string;
  /** How often it runs on AWS (EventBridge Scheduler `rate(...)`) and under `npm start`. */
  everyMinutes: { aws: number; local: number };
  tables: Partial<Record<TableKey, TableAccess>>;
}

const supervisors = ['supervisor', 'admin'] as const satisfies readonly Role[];

export const ZHealth = z.object({ status: z.literal('ok'), version: z.string() }).meta({ id: 'Health' });

export const routes = [
  {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    entry: 'api/health.ts',
    access: 'public',
    tables: {},
    summary: 'Liveness check.',
    responses: [{ status: 200, description: 'The API is up.', schema: ZHealth }],
  },
  {
    operationId: 'openApi',
    method: 'GET',
    path: '/openapi.json',
    entry: 'api/openapi.ts',
    access: 'public',
    tables: {},
    summary: 'This OpenAPI 3.1 document.',
    responses: [{ status: 200, description: 'The OpenAPI document.' }],
  },
  {
    operationId: 'listForms',
    method: 'GET',
    path: '/forms',
    entry: 'api/list-forms.ts',
    access: 'public',
    tables: { catalog: 'read' },
    summary: 'The published evaluation forms and whether their periods are open.',
    responses: [{ status: 200, description: 'Published forms.', schema: z.object({ forms: z.array(ZFormSummary) }) }],
  },
  {
    operationId: 'getForm',
    method: 'GET',
    path: '/forms/{formId}',
    entry: 'api/get-form.ts',
    access: 'public',
    tables: { catalog: 'read' },
    summary: 'An evaluation form with its period and the names of its units.',
    params: z.object({ formId: ZId }),
    responses: [
      { status: 200, description: 'The form.', schema: ZPublishedForm },
      { status: 404, description: 'No such form.' },
    ],
  },
  {
    operationId: 'submitResponse',
    method: 'POST',
    path: '/responses',
    entry: 'api/submit-response.ts',
    access: 'public',
    tables: { catalog: 'read', responses: 'append' },
    summary: 'Rate one unit. Retrying with the same submissionId returns the same receipt.',
    body: ZResponseInput,
    responses: [
      { status: 201, description: 'Stored (or already stored by an earlier try).', schema: ZReceipt },
      { status: 400, description: 'Invalid input; every failing field is named.' },
      { status: 404, description: 'Unknown form, period or unit.' },
      { status: 409, description: 'The period is not open, or the submissionId was used with other answers.' },
    ],
  },
  {
    operationId: 'listTallies',
    method: 'GET',
    path: '/periods/{periodId}/tallies',
    entry: 'api/list-tallies.ts',
    access: supervisors,
    tables: { catalog: 'read', tallies: 'read' },
    summary: "Every unit's tally for a period, with counts, N, 满意率 and its interval, and the composite score.",
    params: z.object({ periodId: ZId }),
    responses: [
      { status: 200, description: 'The tally report.', schema: ZTallyReport },
      { status: 404, description: 'No such period.' },
    ],
  },
  {
    operationId: 'downloadTallies',
    method: 'GET',
    path: '/periods/{periodId}/tallies.csv',
    entry: 'api/download-tallies.ts',
    access: supervisors,
    tables: { catalog: 'read', tallies: 'read' },
    summary: 'The tally report as CSV (UTF-8 with BOM, so Excel shows Chinese), in the request\'s language.',
    params: z.object({ periodId: ZId }),
    responses: [
      { status: 200, description: 'The CSV file.', contentType: 'text/csv; charset=utf-8' },
      { status: 404, description: 'No such period.' },
    ],
  },
] as const satisfies readonly Route[];

export type OperationId = (typeof routes)[number]['operationId'];

export const jobs = [
  {
    id: 'tally',
    entry: 'jobs/tally.ts',
    summary: 'Recomputes the satisfaction tallies of every period that is open or has just ended.',
    everyMinutes: { aws: 5, local: 1 },
    tables: { catalog: 'read', responses: 'read', tallies: 'readWrite' },
  },
] as const satisfies readonly ScheduledJob[];

/** The route with this operationId. */
export function route(operationId: OperationId): Route {
  const found = routes.find((r) => r.operationId === operationId);
  if (!found) throw new Error(`no route ${operationId}`);
  return found;
}
