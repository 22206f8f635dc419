import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { OPERATION_DIMENSION, SERVICE_NAME, type MetricName } from './metric-names';

const namespace = process.env.POWERTOOLS_METRICS_NAMESPACE;

/**
 * Whether this process writes its metrics: only where the deployment names a namespace — CDK sets
 * POWERTOOLS_METRICS_NAMESPACE on every function. `npm start` and the tests name none, so EMF lines never
 * land in their output (run `POWERTOOLS_METRICS_NAMESPACE=Pingyi npm start` to see them). Powertools' own
 * POWERTOOLS_METRICS_DISABLED and POWERTOOLS_DEV still switch writing off, as Powertools documents.
 */
export const metricsWritten = namespace !== undefined && namespace !== '';

/**
 * The one Powertools Metrics instance. Metrics are collected during an invocation and written at its end
 * as one EMF line on stdout, which CloudWatch turns into metrics (no API call, no permission). Names are in
 * metric-names.ts; count only ids' kinds and outcomes here — never a value a request carried.
 */
export const metrics = new Metrics({ serviceName: SERVICE_NAME, ...(metricsWritten ? { namespace } : {}) });

/** Adds `value` (default 1) to a count of the current invocation. */
export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * Writes a count at once with the `service` dimension only, whatever operation is running: for a metric an
 * alarm watches across operations (RecountMismatches, infra/constructs/observability.ts). Nothing where
 * metrics are not written.
 */
export function countForService(name: MetricName, value = 1): void {
  if (metricsWritten) metrics.singleMetric().addMetric(name, MetricUnit.Count, value);
}

/** Records a duration of the current invocation, in milliseconds. */
export function milliseconds(name: MetricName, value: number): void {
  metrics.addMetric(name, MetricUnit.Milliseconds, value);
}

/**
 * Middy middleware for one invocation's metrics: `operation` becomes their dimension beside `service`,
 * Powertools' ColdStart metric is added on a cold start, and everything collected is written when the
 * invocation ends, answered or failed. Use it outside the middlewares that count, so it writes after them.
 */
export function invocationMetrics(operation: string): MiddlewareObj<unknown, unknown, Error, Context> {
  const end = () => {
    if (metricsWritten) {
      metrics.publishStoredMetrics();
    } else {
      metrics.clearMetrics();
      metrics.clearDimensions();
      metrics.clearMetadata();
    }
  };
  return {
    before: (request) => {
      // Where nothing is written (npm start, the tests) many invocations share this process: no dimensions.
      if (!metricsWritten) return;
      metrics.addDimension(OPERATION_DIMENSION, operation);
      metrics.captureColdStartMetric(request.context.functionName);
    },
    after: end,
    onError: end,
  };
}
