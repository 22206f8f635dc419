import * as z from 'zod/mini';
import {
  ZOpen311Created,
  ZOpen311Errors,
  ZOpen311RequestForm,
  ZOpen311RequestList,
  ZOpen311RequestParams,
  ZOpen311RequestQuery,
  ZOpen311ServiceList,
} from '../domain/cases/open311';
import type { Route } from './route';

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) over cases (domain/cases/open311.ts has the
 * mapping): the service list, filing a request, and reading requests by tracking number. Public, as the
 * intake is; errors come in the spec's shape (`[{ code, description }]`). A request's status, dates and unit
 * are public to whoever knows its number; what the citizen wrote and the reply are not (the access code
 * opens them: POST /cases/status).
 */

const errors = (status: number, description: string) => ({ status, description, schema: ZOpen311Errors }) as const;
const invalid = errors(400, 'Invalid input: one error per failing field, `field: message`.');

export const open311Services = {
  operationId: 'open311Services',
  method: 'GET',
  path: '/open311/v2/services.json',
  entry: 'api/open311/services.ts',
  access: 'public',
  tables: {},
  summary: 'GeoReport v2 service list: one service per case kind (service_code consultation, request, complaint), metadata false.',
  query: z.object({ jurisdiction_id: z.optional(z.string()) }),
  responses: [{ status: 200, description: 'The services.', schema: ZOpen311ServiceList }],
} as const satisfies Route;

export const open311CreateRequest = {
  operationId: 'open311CreateRequest',
  method: 'POST',
  path: '/open311/v2/requests.json',
  entry: 'api/open311/create-request.ts',
  access: 'public',
  tables: { catalog: 'read', cases: 'append', contacts: 'append' },
  summary:
    'GeoReport v2 POST requests.json (application/x-www-form-urlencoded): files a case of the kind `service_code`; ' +
    'service_request_id is its tracking number, service_notice holds its access code, shown only this once.',
  body: ZOpen311RequestForm,
  bodyType: 'form',
  responses: [{ status: 201, description: 'The request id (tracking number) and the notice with the access code.', schema: ZOpen311Created }, invalid],
} as const satisfies Route;

export const open311ListRequests = {
  operationId: 'open311ListRequests',
  method: 'GET',
  path: '/open311/v2/requests.json',
  entry: 'api/open311/list-requests.ts',
  access: 'public',
  tables: { cases: 'read', catalog: 'read' },
  summary:
    'GeoReport v2 GET requests.json: the requests named by service_request_id (comma-separated), or those received from start_date to end_date ' +
    '(the last 90 days by default), by service_code and status; status, dates and unit only.',
  query: ZOpen311RequestQuery,
  responses: [{ status: 200, description: 'The requests, newest first (at most 1,000).', schema: ZOpen311RequestList }, invalid],
} as const satisfies Route;

export const open311GetRequest = {
  operationId: 'open311GetRequest',
  method: 'GET',
  // API Gateway takes a path variable as a whole segment: `{requestFile}` is `<service_request_id>.json`.
  path: '/open311/v2/requests/{requestFile}',
  entry: 'api/open311/get-request.ts',
  access: 'public',
  tables: { cases: 'read', catalog: 'read' },
  summary: 'GeoReport v2 GET requests/{service_request_id}.json: one request (a list of one), status, dates and unit only.',
  params: ZOpen311RequestParams,
  responses: [{ status: 200, description: 'The request.', schema: ZOpen311RequestList }, invalid, errors(404, 'No request with this id.')],
} as const satisfies Route;
