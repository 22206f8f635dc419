import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj } from '@middy/core';

/**
 * Whether this function traces: only on Lambda, and only when told to — CDK turns X-Ray active tracing on
 * and sets POWERTOOLS_TRACE_ENABLED=true on every function.
 *
 * Powertools Tracer is loaded only then, because loading it has a price wherever it is loaded: the X-Ray
 * SDK under it switches on an async hook (cls-hooked) at import, which makes every `await` of the process
 * several times slower, and it adds about 14 ms to a cold import. So `npm start` and the tests never load
 * it, and a deployment that turns tracing off pays nothing for it: it lives in ./xray.ts, which a function's
 * bundle keeps in a file of its own, read only where tracing is on.
 */
export const tracingOn = process.env.POWERTOOLS_TRACE_ENABLED === 'true' && Boolean(process.env.AWS_EXECUTION_ENV);

const xray = tracingOn ? await import('./xray') : undefined;

/**
 * The one Powertools Tracer (AWS X-Ray) where tracing is on, else undefined. A trace holds the handler,
 * each DynamoDB call (`traced`) and the operation as an annotation: timings and names, never a payload —
 * CDK sets POWERTOOLS_TRACER_CAPTURE_RESPONSE and POWERTOOLS_TRACER_CAPTURE_ERROR to false, because an
 * answer or an error message can repeat what a citizen wrote; the request id leads from a trace to the log
 * line with the error. Outgoing HTTP is not patched: DynamoDB, the only dependency, is traced through its
 * client.
 */
export const tracer: Tracer | undefined = xray?.tracer;

/** An AWS SDK v3 client whose calls become X-Ray subsegments where tracing is on; the client itself otherwise. */
export function traced<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/**
 * Middy middleware tracing one invocation: Powertools' handler subsegment (without the answer), with the
 * operation — a route's operationId or a job's id — as an annotation to filter traces by. Nothing where
 * tracing is off.
 */
export function traceInvocation(operation: string): MiddlewareObj {
  if (!xray || !tracer) return { before: () => undefined };
  const capture = xray.captureLambdaHandler(tracer, { captureResponse: false });
  return {
    before: (request) => {
      capture.before?.(request);
      tracer.putAnnotation('operation', operation);
    },
    after: capture.after,
    onError: capture.onError,
  };
}
