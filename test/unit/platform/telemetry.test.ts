import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { METRIC, METRICS_NAMESPACE, OPERATION_DIMENSION, SERVICE_NAME } from '../../../functions/platform/metric-names';
import { aToken, bindBallotKeys, foreignRing } from '../../fixtures/ballot-keys';
import { DURING_PERIOD, aSubmission } from '../../fixtures/catalog';
import { httpEvent, lambdaContext } from '../../fixtures/http';
import { aDistrict, storeDistrict } from '../api/district';
import { fakeTables } from '../api/fake-tables';

/**
 * Metrics and traces from the platform: one EMF line per invocation with the operation as its dimension,
 * counts per status class, dependency faults, latency and the submit path's outcomes — written only where
 * the deployment names a namespace; the tracer loaded only on Lambda with tracing switched on.
 */

const ddb = mockClient(DynamoDBDocumentClient);

/** What the functions wrote on stdout while `act` ran, as parsed JSON lines. */
async function stdoutOf(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
const emfLines = (lines: Record<string, unknown>[]) => lines.filter((line) => line._aws !== undefined);

async function submitHandler() {
  bindBallotKeys();
  vi.resetModules();
  return (await import('../../../functions/api/evaluation/submit-response')).handler;
}
const submitEvent = (body: unknown) => httpEvent('submitResponse', { body });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(DURING_PERIOD);
  ddb.reset();
  storeDistrict(fakeTables(ddb), aDistrict());
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe('metrics', () => {
  it('are not written where no namespace is named (npm start, tests)', async () => {
    // prepare
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', '');
    const handler = await submitHandler();

    // act
    const lines = await stdoutOf(() => handler(submitEvent(aSubmission()), lambdaContext()));

    // assert
    expect(emfLines(lines)).toEqual([]);
  });

  describe('where the deployment names the namespace', () => {
    beforeEach(() => vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE));

    it('writes one line per request, with the operation as dimension and a count per status class', async () => {
      // prepare
      const handler = await submitHandler();

      // act
      const lines = await stdoutOf(() => handler(submitEvent(aSubmission()), lambdaContext()));

      // assert
      const [emf, ...more] = emfLines(lines);
      expect(more).toEqual([]);
      expect(emf).toMatchObject({
        _aws: { CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['service', OPERATION_DIMENSION]] }] },
        service: SERVICE_NAME,
        [OPERATION_DIMENSION]: 'submitResponse',
        [METRIC.requests]: 1,
        [METRIC.status2xx]: 1,
        [METRIC.status4xx]: 0,
        [METRIC.status5xx]: 0,
        [METRIC.dependencyFaults]: 0,
        [METRIC.responsesStored]: 1,
      });
      expect(emf![METRIC.latency]).toEqual(expect.any(Number));
      expect(emf).not.toHaveProperty(METRIC.duplicateSubmissions);
    });

    it('counts a submission id met again, and a refusal of the input', async () => {
      // prepare
      const handler = await submitHandler();
      const body = aSubmission();
      await stdoutOf(() => handler(submitEvent(body), lambdaContext()));

      // act
      const retry = emfLines(await stdoutOf(() => handler(submitEvent(body), lambdaContext())));
      const refused = emfLines(await stdoutOf(() => handler(submitEvent({ ...body, version: 0 }), lambdaContext())));

      // assert
      expect(retry[0]).toMatchObject({ [METRIC.duplicateSubmissions]: 1, [METRIC.status2xx]: 1 });
      expect(retry[0]).not.toHaveProperty(METRIC.responsesStored);
      expect(refused[0]).toMatchObject({ [METRIC.validationRefusals]: 1, [METRIC.status4xx]: 1, [METRIC.status2xx]: 0 });
    });

    it('counts a refused token and a token used again, so that an alarm can see a stuffing attempt', async () => {
      // prepare
      const handler = await submitHandler();
      const token = aToken();
      await stdoutOf(() => handler(submitEvent(aSubmission({ token })), lambdaContext()));

      // act
      const reused = emfLines(await stdoutOf(() => handler(submitEvent(aSubmission({ token, submissionId: undefined })), lambdaContext())));
      const forged = emfLines(await stdoutOf(() => handler(submitEvent(aSubmission({ token: aToken({}, foreignRing()) })), lambdaContext())));

      // assert
      expect(reused[0]).toMatchObject({ [METRIC.tokensReused]: 1, [METRIC.status4xx]: 1 });
      expect(reused[0]).not.toHaveProperty(METRIC.ballotsRefused);
      expect(forged[0]).toMatchObject({ [METRIC.ballotsRefused]: 1, [METRIC.status4xx]: 1 });
      expect(forged[0]).not.toHaveProperty(METRIC.tokensReused);
    });

    it('counts a DynamoDB fault as a dependency fault and a 5xx', async () => {
      // prepare
      const handler = await submitHandler();
      ddb.rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));

      // act
      const lines = await stdoutOf(() => handler(submitEvent(aSubmission()), lambdaContext()));

      // assert
      expect(emfLines(lines)[0]).toMatchObject({ [METRIC.dependencyFaults]: 1, [METRIC.status5xx]: 1, [METRIC.requests]: 1 });
    });

    it("adds Powertools' ColdStart metric on a cold start only", async () => {
      // prepare
      vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
      const handler = await submitHandler();

      // act
      const first = emfLines(await stdoutOf(() => handler(submitEvent(aSubmission()), lambdaContext())));
      const second = emfLines(await stdoutOf(() => handler(submitEvent(aSubmission({ submissionId: undefined })), lambdaContext())));

      // assert
      expect(first.filter((line) => line.ColdStart === 1)).toEqual([expect.objectContaining({ function_name: 'test-function' })]);
      expect(second.filter((line) => 'ColdStart' in line)).toEqual([]);
    });

    it('writes a service-wide count with the service dimension only', async () => {
      // prepare
      vi.resetModules();
      const { countForService } = await import('../../../functions/platform/metrics');

      // act
      const lines = await stdoutOf(async () => countForService(METRIC.recountMismatches, 2));

      // assert
      expect(emfLines(lines)).toEqual([
        expect.objectContaining({
          _aws: expect.objectContaining({ CloudWatchMetrics: [expect.objectContaining({ Dimensions: [['service']] })] }),
          [METRIC.recountMismatches]: 2,
        }),
      ]);
    });
  });
});

describe('tracing', () => {
  it('leaves Powertools Tracer (and the X-Ray SDK) unloaded off Lambda, even when asked for', async () => {
    // prepare
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
    vi.stubEnv('AWS_EXECUTION_ENV', '');
    vi.resetModules();

    // act
    const { tracer, traced, tracingOn } = await import('../../../functions/platform/tracer');

    // assert
    expect(tracingOn).toBe(false);
    expect(tracer).toBeUndefined();
    const client = {};
    expect(traced(client)).toBe(client);
  });

  it('loads the tracer on Lambda when told to, and instruments the DynamoDB client', async () => {
    // prepare
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    vi.resetModules();

    // act
    const { tracer } = await import('../../../functions/platform/tracer');
    const { createDocumentClient } = await import('../../../functions/store/client');

    // assert
    expect(tracer?.isTracingEnabled()).toBe(true);
    const middlewares = createDocumentClient('http://127.0.0.1:1').middlewareStack.identify();
    expect(middlewares.some((name) => /xray/i.test(name)), middlewares.join(', ')).toBe(true);
  });
});
