import type { Route } from '../routes/route';

/**
 * How long anything may take, chosen together and written down once: CDK sets the function timeouts and
 * API Gateway's integration timeouts from it, the DynamoDB client its per-attempt deadlines and retries, the
 * middy stack its early answer, and the local runtime imitates the same limits.
 *
 *   DynamoDB attempt ≤ connect + attempt deadline (0.5 s + 2 s), at most 2 attempts: one call ≤ about 5.2 s
 *   the handler answers 503 + Retry-After at the latest `answerMarginMs` before the function's timeout
 *   the function's timeout (10 s, or its route's own) < API Gateway's integration timeout (+1 s, ≤ 30 s)
 *
 * So a stalled or failing DynamoDB answers 503 with Retry-After within `answerWithinMs(route)`, never a
 * gateway timeout without one; and a retried submission meets its own first write, so a call that did
 * reach DynamoDB before its deadline never becomes a second ballot.
 */
export const TIME_BUDGET = {
  /** An API function's timeout unless its route sets `runtime.timeoutSeconds`. */
  apiFunctionSeconds: 10,
  /** API Gateway waits this much longer than the function, so the function's own answer always arrives. */
  gatewayMarginSeconds: 1,
  /** HTTP APIs give up after 30 s whatever the setting. */
  gatewayMaxSeconds: 30,
  /** The handler stops waiting and answers 503 this long before the function would be killed. */
  answerMarginMs: 1_500,
  dynamo: {
    /** To open a connection. */
    connectMs: 500,
    /** For one attempt's answer once connected (enforced: the SDK throws, it does not only warn). */
    attemptMs: 2_000,
    /** Attempts per call, the first included. */
    maxAttempts: 2,
    /** `GET /health?deep=true`'s one read, all told: a health check must answer fast, not wait out the retries. */
    probeMs: 1_000,
  },
  /** What a 503 tells the client to wait before retrying. */
  retryAfterSeconds: 5,
} as const;

/** The timeout of a route's function, in seconds. */
export const functionSeconds = (route: Pick<Route, 'runtime'>): number => route.runtime?.timeoutSeconds ?? TIME_BUDGET.apiFunctionSeconds;

/** API Gateway's integration timeout for a route, in seconds. */
export const gatewaySeconds = (route: Pick<Route, 'runtime'>): number =>
  Math.min(TIME_BUDGET.gatewayMaxSeconds, functionSeconds(route) + TIME_BUDGET.gatewayMarginSeconds);

/** The latest a route answers when a dependency stalls: its function's timeout less the answer margin. */
export const answerWithinMs = (route: Pick<Route, 'runtime'>): number => functionSeconds(route) * 1000 - TIME_BUDGET.answerMarginMs;
