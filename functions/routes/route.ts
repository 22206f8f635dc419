import type * as z from 'zod/mini';
import type { SecretKey } from '../store/secrets';
import type { TableAccess, TableKey } from '../store/tables';

/** The shape of a route-table entry (see functions/routes.ts). */

/** Staff roles: each is a Cognito group (and a `cognito:groups` value in local tokens). */
export const ROLES = ['supervisor', 'admin', 'unitHandler'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A unit handler's units travel as Cognito groups named `unit:<unitId>` beside the `unitHandler` role
 * group: groups are in every access token without a token-customisation trigger, and `npm run staff`
 * creates them.
 */
export const UNIT_GROUP_PREFIX = 'unit:';
export const unitGroupName = (unitId: string) => `${UNIT_GROUP_PREFIX}${unitId}`;

/** The units in a list of staff groups (a unit handler's `unit:<unitId>` groups). */
export const unitsOfGroups = (groups: readonly string[]): string[] =>
  groups.filter((g) => g.startsWith(UNIT_GROUP_PREFIX)).map((g) => g.slice(UNIT_GROUP_PREFIX.length));

/**
 * The scopes another system's client may be granted (OAuth client-credentials flow): a token for this
 * app's resource server carrying `<resource server>/<scope>`. Never a staff member's token.
 */
export const MACHINE_SCOPES = {
  /** Posts completed services (办件) and gets the link that rates each once (一事一评). */
  serviceRecords: 'service-records',
} as const;
export type MachineScope = (typeof MACHINE_SCOPES)[keyof typeof MACHINE_SCOPES];

/** A route another system calls with a client-credentials token holding this scope. */
export interface MachineAccess {
  readonly scope: MachineScope;
}

/** `public`, the roles whose members may call the route, or the scope a machine client needs. */
export type Access = 'public' | readonly Role[] | MachineAccess;

/** Whether a route is called by staff (with one of its roles). */
export const isStaffAccess = (access: Access): access is readonly Role[] => Array.isArray(access);

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteResponse {
  status: number;
  description: string;
  schema?: z.ZodMiniType;
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
  /** The secrets the function reads (store/secrets.ts). */
  secrets?: readonly SecretKey[];
  summary: string;
  params?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  /** The first response is the success answer. */
  responses: readonly [RouteResponse, ...RouteResponse[]];
  /** Where the function needs more than the defaults of infra/constructs/api-function.ts (10 s, 512 MB). */
  runtime?: RouteRuntime;
}

/** A function's limits. The timeout stays under API Gateway's 30-second integration timeout. */
export interface RouteRuntime {
  timeoutSeconds?: number;
  /** More memory is also more CPU: 1769 MB is one full vCPU. */
  memoryMb?: number;
}

export interface ScheduledJob {
  id: string;
  entry: string;
  summary: string;
  /** How often it runs on AWS (EventBridge Scheduler `rate(...)`) and under `npm start`. */
  everyMinutes: { aws: number; local: number };
  tables: Partial<Record<TableKey, TableAccess>>;
  /**
   * The only partitions the job may touch in a table (IAM `dynamodb:LeadingKeys`): a job that forgets
   * salts in the responses table can never touch a ballot.
   */
  partitions?: Partial<Record<TableKey, readonly string[]>>;
}

/** Supervisors read figures; admins may read whatever supervisors read. */
export const SUPERVISORS = ['supervisor', 'admin'] as const satisfies readonly Role[];
/** Admins define units, groups, periods and forms. */
export const ADMINS = ['admin'] as const satisfies readonly Role[];
/** Every staff role: what a unit handler may read too (periods, appeals of their own units). */
export const STAFF = ['supervisor', 'admin', 'unitHandler'] as const satisfies readonly Role[];
/** Unit handlers act for their own units (appeals). */
export const UNIT_HANDLERS = ['unitHandler'] as const satisfies readonly Role[];
