import { createServer, type Server, type Socket } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapError } from '../../functions/platform/errors';
import { createDocumentClient } from '../../functions/store/client';
import { localFunctionEnv, tableNames } from '../../infra/local/dynamodb';

/** The functions' DynamoDB client against an endpoint that takes connections and then never answers. */
describe('the DynamoDB client of the functions', () => {
  let server: Server;
  let endpoint: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    Object.assign(process.env, localFunctionEnv(endpoint, tableNames('stalled')));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up on a stalled call as a dependency fault (503) within the 10-s function timeout', async () => {
    // prepare
    const db = createDocumentClient(endpoint);
    const started = performance.now();

    // act
    const error = await db.send(new GetCommand({ TableName: 'stalled-Catalog', Key: { pk: 'UNIT', sk: 'x' } })).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = performance.now() - started;
    db.destroy();

    // assert
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(elapsed).toBeLessThan(10_000);
    expect(mapError(error, 'en', 'r-1').result).toMatchObject({ statusCode: 503, headers: { 'retry-after': '5' } });
  }, 20_000);
});
