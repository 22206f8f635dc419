import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { SERVICE_NAME } from './metric-names';

/**
 * Powertools Tracer and its Middy middleware, in a module of their own that tracer.ts imports only where
 * tracing is on: a function's bundle keeps it in a separate file (ApiFunction splits bundles at dynamic
 * imports), so the X-Ray SDK under it (with semver and cls-hooked) is neither read nor parsed at a cold
 * start without tracing, and `npm start` and the tests never load it.
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });

export { captureLambdaHandler };
