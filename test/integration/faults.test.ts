import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZReceipt } from '../../functions/domain/evaluation/response';
import { ERROR } from '../../functions/platform/error-codes';
import { ZErrorBody } from '../../functions/platform/error-body';
import { TIME_BUDGET, answerWithinMs } from '../../functions/platform/time-budget';
import { route, type OperationId } from '../../functions/routes';
import { ZHealth, ZHealthDegraded } from '../../functions/routes/platform';
import { createDocumentClient } from '../../functions/store/client';
import type { DynamoDbLocal } from '../../infra/local/dynamodb';
import { DEMO_UNITS } from '../../infra/local/seed';
import { startLocal, type LocalStack } from '../../infra/local/stack';
import { openBallotRef } from '../fixtures/catalog';

/**
 * Bounded faults, proven on the real thing: the local stack (`npm start`'s, the very same handlers) on a
 * DynamoDB Local of its own — not the run's shared one, which the other files use — with its data in a
 * temporary folder, whose java process is stalled (SIGSTOP: connections are accepted and never answered)
 * or killed. Every request must answer 503 with Retry-After within its route's deadline
 * (functions/platform/time-budget.ts), and a retried submission must never become a second ballot.
 */

/**
 * What an answer may take beyond `answerWithinMs(route)`: the local HTTP hop and the event-loop lag of a
 * 2-core machine running the test, the stack and DynamoDB Local at once. A third of the budget's
 * `answerMarginMs`, so an answer within it still arrives well before the function's timeout — where API
 * Gateway, not the function, would answer (503 without Retry-After).
 */
const ALLOWANCE_MS = 500;

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Answer {
  operationId: OperationId;
  status: number;
  retryAfter: string | null;
  body: unknown;
  ms: number;
}

describe('bounded faults: a stalled or killed DynamoDB Local', () => {
  let stack: LocalStack;
  let dynamo: DynamoDbLocal;
  let db: DynamoDBDocumentClient;
  let dataDir: string;
  let forms: { annual: string; windows: string };
  let periodId: string;
  let supervisor: Record<string, string>;
  const lost: string[] = [];

  beforeAll(async () => {
    // Each 503 is logged as a server fault; here they are the point, not news.
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    dataDir = mkdtempSync(join(tmpdir(), 'pingyi-faults-'));
    stack = await startLocal({
      port: 0,
      dataDir,
      seed: true,
      web: false,
      quiet: true,
      tallyEveryMs: 60 * 60 * 1000,
      onDynamoLost: (message) => lost.push(message),
    });
    if (!stack.seed || !stack.dynamo) throw new Error('the stack has no seed or no DynamoDB Local of its own');
    dynamo = stack.dynamo;
    ({ forms, periodId } = stack.seed);
    supervisor = { authorization: `Bearer ${await stack.token('supervisor')}` };
    db = createDocumentClient(stack.dynamoEndpoint);
  }, 120_000);

  afterAll(async () => {
    if (dynamo?.running) dynamo.resume();
    db?.destroy();
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** One request, timed from send to the last byte of the answer. */
  async function send(operationId: OperationId, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const { method } = route(operationId);
    const started = performance.now();
    const res = await fetch(`${stack.url}${path}`, {
      method,
      headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { operationId, status: res.status, retryAfter: res.headers.get('retry-after'), body: JSON.parse(text) as unknown, ms: performance.now() - started };
  }

  const windowSubmission = (submissionId: string) => ({
    formId: forms.windows,
    version: 1,
    answers: {},
    units: { 'window-business': { overall: 'satisfied' } },
    submissionId,
  });
  /** An annual (all-units) submission: the tax bureau rated, 不了解 for every other unit. */
  const annualSubmission = (submissionId: string) => ({
    formId: forms.annual,
    version: 1,
    answers: { group: 'enterprise' },
    units: Object.fromEntries(
      DEMO_UNITS.filter((u) => u.kind !== 'serviceWindow').map((u) => [
        u.unitId,
        u.unitId === 'tax-bureau'
          ? { evaluation: { attitude: 'verySatisfied', efficiency: 'satisfied', integrity: 'dontKnow', policy: 'satisfied' } }
          : { evaluation: { attitude: 'dontKnow', efficiency: 'dontKnow', integrity: 'dontKnow', policy: 'dontKnow' } },
      ]),
    ),
    submissionId,
  });

  /** The stored ballots of an open submission, in any partition (a Scan: the table is small). */
  async function ballotsOf(submissionId: string): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    const pages = paginateScan(
      { client: db },
      {
        TableName: stack.tables.responses,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': `B#${openBallotRef(submissionId)}` },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) found.push(...(page.Items ?? []));
    return found;
  }
  const itemsOf = async (submissionId: string) => (await ballotsOf(submissionId)).length;

  /** Exactly one ballot stored for the submission, and the receipt is that ballot's. */
  async function expectOneBallot(submissionId: string, receipt: unknown) {
    const stored = await ballotsOf(submissionId);
    expect(stored).toHaveLength(1);
    expect(ZReceipt.parse(receipt).receiptCode).toBe(stored[0]!.receiptCode);
  }

  /** Waits until DynamoDB Local answers a read again. */
  async function untilDynamoAnswers(): Promise<void> {
    for (let tries = 0; ; tries++) {
      try {
        await db.send(new GetCommand({ TableName: stack.tables.catalog, Key: { pk: '#probe', sk: '#probe' } }));
        return;
      } catch (error) {
        if (tries > 60) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** A dependency fault as the API answers it: 503, Retry-After, the Error body with no detail of the cause. */
  function expectFaultAnswer(answer: Answer, withinMs: number) {
    expect(answer, answer.operationId).toMatchObject({ status: 503, retryAfter: String(TIME_BUDGET.retryAfterSeconds) });
    expect(answer.ms, `${answer.operationId} answered in ${Math.round(answer.ms)} ms`).toBeLessThanOrEqual(withinMs);
    const body = ZErrorBody.parse(answer.body);
    expect(body.code).toBe(ERROR.serviceUnavailable);
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'requestId']);
  }

  const report = (label: string, answers: Answer[]) =>
    console.info(`${label}: ${answers.map((a) => `${a.operationId} ${a.status} in ${Math.round(a.ms)} ms`).join(', ')}`);

  it('answers GET /health without touching DynamoDB, and ?deep=true only once DynamoDB answered', async () => {
    // act
    const live = await send('health', '/health');
    const deep = await send('health', '/health?deep=true');
    const wrong = await send('health', '/health?deep=maybe');

    // assert
    expect(live.status).toBe(200);
    expect(ZHealth.parse(live.body)).not.toHaveProperty('dependencies');
    expect(deep.status).toBe(200);
    expect(ZHealth.parse(deep.body).dependencies).toEqual({ dynamodb: 'ok' });
    expect(wrong.status).toBe(400);
  });

  it('answers every request 503 with Retry-After within its deadline while DynamoDB Local is stalled, and a retry after it resumes stores each submission once', async () => {
    // prepare: a warm submit function (its form and period cached: a stalled submission waits on its write alone)
    const warm = await send('submitResponse', '/responses', { body: windowSubmission(randomUUID()) });
    expect(warm.status).toBe(201);
    const windowId = randomUUID();
    const annualId = randomUUID();

    // act
    dynamo.pause();
    let answers: Answer[];
    let liveness: Answer;
    try {
      const stalled = Promise.all([
        send('submitResponse', '/responses', { body: windowSubmission(windowId) }),
        // The annual form is not cached yet: this one stalls on its catalog read first.
        send('submitResponse', '/responses', { body: annualSubmission(annualId) }),
        send('getForm', `/forms/${forms.annual}`),
        send('listTallies', `/periods/${periodId}/tallies`, { headers: supervisor }),
      ]);
      const deep = send('health', '/health?deep=true');
      liveness = await send('health', '/health');
      answers = [...(await stalled), await deep];
    } finally {
      // Only once every answer is in: each of them was given while DynamoDB Local was stalled.
      dynamo.resume();
    }
    report('stalled', [liveness, ...answers]);

    // assert: bounded answers, never a false success
    expect(liveness.status).toBe(200);
    const [windowSubmit, annualSubmit, form, tallies, deepHealth] = answers;
    for (const answer of [windowSubmit!, annualSubmit!, form!, tallies!]) {
      expectFaultAnswer(answer, answerWithinMs(route(answer.operationId)) + ALLOWANCE_MS);
    }
    expect(deepHealth).toMatchObject({ status: 503, retryAfter: String(TIME_BUDGET.retryAfterSeconds) });
    expect(deepHealth!.ms).toBeLessThanOrEqual(TIME_BUDGET.dynamo.probeMs + ALLOWANCE_MS);
    expect(ZHealthDegraded.parse(deepHealth!.body).dependencies).toEqual({ dynamodb: 'unavailable' });

    // act: DynamoDB Local goes on with what it was sent while stalled, then the clients retry the same submissions
    await untilDynamoAnswers();
    const landedMeanwhile = { window: await itemsOf(windowId), annual: await itemsOf(annualId) };
    const retries = [
      await send('submitResponse', '/responses', { body: windowSubmission(windowId) }),
      await send('submitResponse', '/responses', { body: annualSubmission(annualId) }),
    ];
    console.info(`stalled writes that landed after SIGCONT, before the retry: ${JSON.stringify(landedMeanwhile)}`);

    // assert: exactly one ballot each, and the receipt is its own
    for (const [answer, id] of [[retries[0]!, windowId], [retries[1]!, annualId]] as const) {
      expect(answer.status).toBe(201);
      await expectOneBallot(id, answer.body);
    }
  }, 60_000);

  it('answers 503 with Retry-After while DynamoDB Local is down, and serves again once the runtime restarted it on the same data', async () => {
    // prepare
    const before = randomUUID();
    expect((await send('submitResponse', '/responses', { body: windowSubmission(before) })).status).toBe(201);
    const pid = dynamo.pid;
    const afterId = randomUUID();

    // act: killed as a crash would; the stack's supervisor restarts it (persistent data), which takes a JVM start
    await dynamo.kill();
    const down = await Promise.all([
      send('submitResponse', '/responses', { body: windowSubmission(afterId) }),
      send('getForm', `/forms/${forms.windows}`),
      send('listTallies', `/periods/${periodId}/tallies`, { headers: supervisor }),
    ]);
    const downHealth = await send('health', '/health?deep=true');
    report('killed', [...down, downHealth]);
    const restarted = performance.now();
    let health: Answer;
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      health = await send('health', '/health?deep=true');
    } while (health.status !== 200 && performance.now() - restarted < 45_000);
    const retried = await send('submitResponse', '/responses', { body: windowSubmission(afterId) });
    console.info(`killed: serving again ${Math.round(performance.now() - restarted)} ms after the kill's answers (DynamoDB Local pid ${pid} → ${dynamo.pid})`);

    // assert
    for (const answer of down) expectFaultAnswer(answer, answerWithinMs(route(answer.operationId)) + ALLOWANCE_MS);
    expect(downHealth.status).toBe(503);
    expect(health.status).toBe(200);
    expect(dynamo.pid).not.toBe(pid);
    expect(lost).toEqual([]);
    expect(retried.status).toBe(201);
    await expectOneBallot(afterId, retried.body);
    expect(await itemsOf(before)).toBe(1);
    expect((await send('getForm', `/forms/${forms.annual}`)).status).toBe(200);
  }, 90_000);

  it('listens on 127.0.0.1 only: DynamoDB Local refuses connections on the machine’s other addresses', async () => {
    // prepare
    const port = Number(new URL(dynamo.endpoint).port);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);

    // act
    const outcomes = await Promise.all(
      others.map(
        (host) =>
          new Promise<string>((resolve) => {
            const socket = connect({ host, port, timeout: 2_000 });
            socket.once('connect', () => (socket.destroy(), resolve('connected')));
            socket.once('timeout', () => (socket.destroy(), resolve('timeout')));
            socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
          }),
      ),
    );

    // assert
    expect(dynamo.loopbackOnly).toBe(true);
    for (const outcome of outcomes) expect(outcome).not.toBe('connected');
  });

  it('npm start with in-memory data stops with exit code 1 and says why when DynamoDB Local dies', async () => {
    // prepare
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', '--in-memory', '--no-seed'], {
      cwd: REPO,
      env: { ...process.env, PORT: '0', POWERTOOLS_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let javaPid: number | undefined;
      const started = performance.now();
      while (javaPid === undefined && child.exitCode === null && performance.now() - started < 60_000) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const match = /DynamoDB Local: +\S+ \(pid (\d+)/.exec(stdout);
        if (match) javaPid = Number(match[1]);
      }
      if (javaPid === undefined) throw new Error(`npm start did not start:\n${stdout}\n${stderr}`);

      // act
      process.kill(javaPid, 'SIGKILL');
      const code = await exited;

      // assert
      expect(code).toBe(1);
      expect(stderr).toMatch(/Pingyi stops: DynamoDB Local \(pid \d+\) was killed by SIGKILL\. Its data was in memory only and cannot come back\./);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
