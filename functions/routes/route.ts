import type * as z from 'zod/mini';
import type { BucketAccess, BucketKey } from '../store/buckets';
import type { SecretKey } from '../store/secrets';
import type { StreamTableKey, TableAccess, TableKey } from '../store/tables';

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
  /** The buckets the function writes to (store/buckets.ts); CDK grants exactly this access. */
  buckets?: Partial<Record<BucketKey, BucketAccess>>;
  summary: string;
  params?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  /**
   * How the body is sent: `json` (the default: application/json) or `form` (application/x-www-form-urlencoded,
   * as Open311 clients post; each field a string). Any other media type answers 415.
   */
  bodyType?: 'json' | 'form';
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
  /**
   * How often it runs on AWS (EventBridge Scheduler `rate(...)`, unless `cron` says when) and under `npm start`.
   * With a `cron`, `everyMinutes.aws` is still the time between two runs: what a retry, the timeout and the
   * not-running alarm are measured by.
   */
  everyMinutes: { aws: number; local: number };
  /**
   * When it runs on AWS, as the fields of an EventBridge Scheduler `cron(...)` expression read in China
   * Standard Time (the schedule's time zone is Asia/Shanghai): `{ minute: '0', hour: '3' }` is 03:00 CST
   * every day. The local scheduler has no clock times and runs the job every `everyMinutes.local`.
   */
  cron?: ScheduleCron;
  tables: Partial<Record<TableKey, TableAccess>>;
  /**
   * The only partitions the job may touch in a table (IAM `dynamodb:LeadingKeys`): a job that forgets
   * salts in the responses table can never touch a ballot.
   */
  partitions?: Partial<Record<TableKey, readonly string[]>>;
  /**
   * `send`: the job sends email (the escalation sweeper). CDK grants SES SendEmail from the stage's sender
   * identity only and hands it the sender address (infra/constructs/mail.ts); without a sender configured,
   * and under `npm start`, its messages stay in the outbox.
   */
  mail?: 'send';
}

/** The fields of an EventBridge Scheduler cron expression (minute hour day-of-month month day-of-week), in CST. */
export interface ScheduleCron {
  minute: string;
  hour: string;
  /** Day of the month; default every day (`*`, or `?` when `weekDay` is given). */
  day?: string;
  /** Day of the week (`MON-FRI`, `1`); default any. */
  weekDay?: string;
}

/** A change a stream record describes. */
export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

/**
 * Which stream records invoke a consumer. On AWS it is the event source mapping's filter (records it
 * drops never invoke the function and cost nothing); the local stream reader applies the very same
 * pattern (infra/constructs/stream-filter.ts).
 */
export interface StreamFilter {
  eventNames: readonly StreamEventName[];
  /** Only items whose sort key (the table's `sortKey` of store/tables.ts) begins with this. */
  sortKeyBeginsWith?: string;
}

/** How a consumer reads its table's stream: on AWS its event source mapping, locally infra/local/streams.ts. */
export interface StreamSource {
  /** The table whose stream is read; store/tables.ts gives it the stream. */
  table: StreamTableKey;
  filter: StreamFilter;
  /** Records per invocation at most (after the filter). */
  batchSize: number;
  /** How long records are gathered before a batch smaller than `batchSize` is handed over. */
  maxBatchingWindowSeconds: number;
  /**
   * How often a failed batch is tried again (a thrown error splits it in two first, which is no retry)
   * before it goes to the on-failure destination.
   */
  retryAttempts: number;
  /** Records older than this go to the on-failure destination untried. */
  maxRecordAgeSeconds: number;
  /** Batches of one shard processed at once (1–10); default 1, which keeps each shard in order. */
  parallelizationFactor?: number;
}

/**
 * A function invoked with batches of a table's stream records (a DynamoDB stream event) rather than by a
 * request or a schedule. It answers with `batchItemFailures`: the first record it could not handle, and
 * every record after it, are handed to it again.
 */
export interface StreamConsumer {
  id: string;
  /** The handler module, relative to functions/; it exports `handler`. */
  entry: string;
  summary: string;
  stream: StreamSource;
  /** The tables it uses, granted as for a route; reading `stream.table`'s stream is granted besides. */
  tables: Partial<Record<TableKey, TableAccess>>;
  /** The buckets it uses, granted as for a route. */
  buckets?: Partial<Record<BucketKey, BucketAccess>>;
  /** Where it needs more than a consumer's defaults (STREAM_CONSUMER_TIMEOUT_SECONDS, 512 MB); up to 900 s. */
  runtime?: RouteRuntime;
}

/** Supervisors read figures; admins may read whatever supervisors read. */
export const SUPERVISORS = ['supervisor', 'admin'] as const satisfies readonly Role[];
/** Admins define units, groups, periods and forms. */
export const ADMINS = ['admin'] as const satisfies readonly Role[];
/** Every staff role: what a unit handler may read too (periods, appeals of their own units). */
export const STAFF = ['supervisor', 'admin', 'unitHandler'] as const satisfies readonly Role[];
/** Unit handlers act for their own units (appeals). */
export const UNIT_HANDLERS = ['unitHandler'] as const satisfies readonly Role[];
