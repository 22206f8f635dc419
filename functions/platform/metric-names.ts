/**
 * The metrics Pingyi's functions write and its alarms and dashboard read, named once. The functions write
 * them as CloudWatch embedded metric format (EMF) lines through Powertools Metrics (platform/metrics.ts);
 * CDK reads this file for the alarms, the dashboard and the functions' environment
 * (infra/constructs/observability.ts). No import here, so CDK reads it without loading Powertools.
 */

/** The CloudWatch namespace: CDK hands it to every function as POWERTOOLS_METRICS_NAMESPACE. */
export const METRICS_NAMESPACE = 'Pingyi';

/** Powertools' service name: the `service` dimension of every metric, and `service` in every log line. */
export const SERVICE_NAME = 'pingyi';

/**
 * The dimension naming what was done: a route's operationId (`submitResponse`) or a job's id (`tally`).
 * Every metric below carries `service` and this dimension, except where its entry says otherwise.
 */
export const OPERATION_DIMENSION = 'operation';

export const METRIC = {
  // ---- every route, from the middy stack (platform/http.ts) ---------------------------------------------
  /** Requests a route's function answered (1 per request). */
  requests: 'Requests',
  /**
   * The answer's status class: each request adds 1 to its class and 0 to the other two, so a class's
   * Average over a period is its share of the requests.
   */
  status2xx: 'Status2xx',
  status4xx: 'Status4xx',
  status5xx: 'Status5xx',
  /** A 503: DynamoDB failed, throttled or stalled past the time budget (0 or 1 per request). */
  dependencyFaults: 'DependencyFaults',
  /** Milliseconds from the middy stack's first step to its answer. */
  latency: 'Latency',
  /** A 400 that names failing fields (schema or domain rule), written only when it happens. */
  validationRefusals: 'ValidationRefusals',

  // ---- the submit path (submitResponse) ------------------------------------------------------------------
  /** A response stored by its one conditional write. */
  responsesStored: 'ResponsesStored',
  /** A submission whose id was already stored: a retry (same receipt) or a reuse with other answers (409). */
  duplicateSubmissions: 'DuplicateSubmissions',
  /** A ballot refused admission (403): no token where the period needs one, or a forged, expired or misdirected token. */
  ballotsRefused: 'BallotsRefused',
  /** A token used again by another submission (409 with the time of its first use). */
  tokensReused: 'TokensReused',

  // ---- jobs ------------------------------------------------------------------------------------------------
  /** Periods a tally run recomputed. */
  tallyPeriods: 'TallyPeriods',
  /** Stored responses a tally run counted, over every period it recomputed. */
  tallyResponsesCounted: 'TallyResponsesCounted',
  /** Stored responses a tally run excluded as a whole (unreadable, unknown version, outside the period ...). */
  tallyResponsesExcluded: 'TallyResponsesExcluded',
  /** Open ballots (per unit) a tally run left flagged and not yet reviewed. */
  tallyFlaggedPending: 'TallyFlaggedPending',
  /** Ballots the counting function added to their period's counters. */
  ballotsCounted: 'BallotsCounted',
  /** Ballots the stream delivered again, already counted: added nothing. */
  ballotsCountedBefore: 'BallotsCountedBefore',
  /** Periods a recount compared, and those it could not (counting went on while it read). */
  recountPeriods: 'RecountPeriods',
  recountBusy: 'RecountBusy',
  /**
   * Counters a recount found different from the raw ballots (and repaired): written with the `service`
   * dimension only (`countForService` in metrics.ts), so the alarm on it sees every recount, nightly or on
   * demand.
   */
  recountMismatches: 'RecountMismatches',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
