import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createDocumentClient } from '../../functions/store/client';
import type { LocalStack } from '../../infra/local/stack';
import { median } from './import-time';

export interface LatencyFigures {
  /** p50 of a submission over local HTTP: the local API Gateway, the submit function, its one PutItem. */
  submitP50Ms: number;
  /** p50 of a bare PutItem of a same-sized item to the same DynamoDB Local, from this process. */
  putP50Ms: number;
  rounds: number;
}

const percentile50 = median;

/**
 * A submission over local HTTP against a raw PutItem to the same DynamoDB Local, interleaved one by one
 * so machine noise hits both alike. Each submission is a new one-unit response to the demo windows form
 * (a warm function: after the first, the catalog is cached). Both go through Node's http module with a
 * keep-alive connection — the AWS SDK's own HTTP handler for the PutItem, a keep-alive `http.request` for the
 * submission — so the ratio is what the API adds, not the difference between two HTTP clients.
 *
 * Timing begins once the streams are drained: the demo seed's ballots (about 550) are counted by then, a
 * start-up burst on the same DynamoDB Local and event loop that no later submission meets. The counting of
 * the submissions timed here still runs beside them, as `npm start` runs it.
 */
export async function measureSubmitLatency(stack: LocalStack, rounds: number): Promise<LatencyFigures> {
  const seed = stack.seed;
  if (!seed) throw new Error('the latency benchmark needs the demo seed');
  const db = createDocumentClient(stack.dynamoEndpoint);
  const body = () =>
    JSON.stringify({
      formId: seed.forms.windows,
      version: 1,
      answers: {},
      units: { 'window-business': { overall: 'basicallySatisfied' } },
      submissionId: randomUUID(),
    });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(`${stack.url}/responses`);
  const post = (text: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
  const submit = async () => {
    const t0 = performance.now();
    const status = await post(body());
    if (status !== 201) throw new Error(`submission answered ${status}`);
    return performance.now() - t0;
  };
  const put = async () => {
    const t0 = performance.now();
    await db.send(
      new PutCommand({
        TableName: stack.tables.responses,
        Item: { pk: `BENCH#${randomUUID()}`, sk: 'S#1', formId: seed.forms.windows, version: 1, units: { 'window-business': { overall: 'basicallySatisfied' } }, submittedAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return performance.now() - t0;
  };
  try {
    await stack.drainStreams();
    for (let i = 0; i < 20; i++) {
      await submit();
      await put();
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      a.push(await submit());
      b.push(await put());
    }
    return { submitP50Ms: percentile50(a), putP50Ms: percentile50(b), rounds };
  } finally {
    agent.destroy();
    db.destroy();
  }
}
