import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SignJWT, decodeJwt, importJWK, type JWK } from 'jose';
import { expect } from 'vitest';
import type { AdmissionPolicy } from '../../functions/domain/evaluation/admission';
import type { FormContent } from '../../functions/domain/evaluation/form';
import { STANDARD_GROUPS } from '../../functions/domain/evaluation/respondent-group';
import type { Tally } from '../../functions/domain/evaluation/tally';
import type { TallyReport } from '../../functions/domain/evaluation/tally-report';
import { createDocumentClient } from '../../functions/store/client';
import { SECRETS } from '../../functions/store/secrets';
import type { TableKey } from '../../functions/store/tables';
import { machineScope } from '../../functions/platform/auth';
import type { Role } from '../../functions/routes';
import { loadLocalIssuer } from '../../infra/local/jwt';
import { jwtKeyFile } from '../../infra/local/paths';
import { aFormContent, aRatingQuestion } from '../fixtures/catalog';
import { startTestStack, type TestStack } from './helpers';

/**
 * A local stack for the admission and review tests (admission.test.ts, review.test.ts): a ballot key ring of
 * its own, callers of every kind (staff roles, unit handlers with units, another system's machine token),
 * and what a test needs to set up a district through the admin API and read what the stack stored.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AdmissionStack {
  test: TestStack;
  url: string;
  db: DynamoDBDocumentClient;
  tables: Record<TableKey, string>;
  /** Sends a request; `as` signs it as a role, a unit handler of units, a machine client, or nobody. */
  send(method: string, path: string, body?: unknown, options?: { as?: Caller; headers?: Record<string, string> }): Promise<Answer>;
  /** Every item of a table (a full scan), sorted by key. */
  scan(table: TableKey): Promise<Record<string, unknown>[]>;
  runTally(): Promise<void>;
  /** The tally of a unit in the period's report (null until tallied). */
  tallyOf(periodId: string, unitId: string): Promise<Tally | null>;
  stop(): Promise<void>;
}

export type Caller = Role | { unitHandlerOf: string[] } | { machineScope: string } | 'nobody';

export interface Answer {
  status: number;
  body: any;
  text: string;
}

/**
 * Starts a stack on the run's DynamoDB Local. Its ballot keys are a ring file written here, named to the
 * functions as `file:<path>` (BALLOT_KEYS_SECRET) before they load, as the local runtime does; a stack that
 * makes its own ring in its data dir finds this one there already.
 */
export async function startAdmissionStack(name: string): Promise<AdmissionStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `pingyi-it-${name}-`));
  const ringFile = join(dataDir, SECRETS.ballotKeys.localFile);
  writeFileSync(ringFile, JSON.stringify({ current: 'k1', k1: randomBytes(32).toString('base64url') }));
  process.env[SECRETS.ballotKeys.envVar] = `file:${ringFile}`;
  const test = await startTestStack(name, { dataDir });
  const { stack } = test;
  // Let the jobs' first scheduled runs (2 s after the start) pass, so that no job writes while a test reads.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  await stack.drainStreams();
  await stack.runJob('tally');
  await stack.runJob('daySalts');

  const keyFile = jwtKeyFile(dataDir);
  const issuer = await loadLocalIssuer(keyFile);
  const { privateJwk, kid } = JSON.parse(readFileSync(keyFile, 'utf8')) as { privateJwk: JWK; kid: string };
  const privateKey = await importJWK(privateJwk, 'ES256');
  /** Another system's client-credentials token: the same issuer and audience, no groups, the scope. */
  const machineToken = async (scope: string) => {
    const { client_id, iss, iat, exp, token_use } = decodeJwt(await issuer.sign('admin'));
    return new SignJWT({ client_id, iss, iat, exp, token_use, scope: machineScope(scope), sub: 'records-system-client' })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .sign(privateKey);
  };
  const tokenOf = async (as: Caller): Promise<string | undefined> => {
    if (as === 'nobody') return undefined;
    if (typeof as === 'string') return issuer.sign(as);
    if ('unitHandlerOf' in as) return issuer.sign('unitHandler', { unitIds: as.unitHandlerOf });
    return machineToken(as.machineScope);
  };

  const db = createDocumentClient(stack.dynamoEndpoint);
  const send: AdmissionStack['send'] = async (method, path, body, options = {}) => {
    const token = await tokenOf(options.as ?? 'nobody');
    const res = await fetch(`${stack.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...options.headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  };

  const scan = async (table: TableKey) => {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: stack.tables[table], ExclusiveStartKey, ConsistentRead: true }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const key = (i: Record<string, unknown>) => `${String(i.pk)}\u0000${String(i.sk)}`;
    return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  };

  const tallyOf = async (periodId: string, unitId: string) => {
    const res = await send('GET', `/periods/${periodId}/tallies`, undefined, { as: 'supervisor' });
    expect(res.status).toBe(200);
    const row = (res.body as TallyReport).rows.find((r) => r.unit.unitId === unitId);
    return row?.tally ?? null;
  };

  return {
    test,
    url: stack.url,
    db,
    tables: stack.tables,
    send,
    scan,
    // The counting function counts from the stream first (drained), as it has on AWS by the next run.
    runTally: async () => {
      await stack.drainStreams();
      await stack.runJob('tally');
    },
    tallyOf,
    async stop() {
      db.destroy();
      await test.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Counted ballots of a tally: ballots = n + dontKnow + Σ excluded. */
export const excludedTotal = (t: Pick<Tally, 'excluded'>) => Object.values(t.excluded).reduce((a, b) => a + (b ?? 0), 0);

/** The standard groups and two units, through the admin API. */
export async function createDistrict(api: AdmissionStack, unitIds: string[]): Promise<void> {
  for (const { groupId, name, requiresInvitation } of STANDARD_GROUPS) {
    const res = await api.send('POST', '/admin/groups', { groupId, name, requiresInvitation }, { as: 'admin' });
    expect([201, 409]).toContain(res.status);
  }
  for (const unitId of unitIds) {
    const res = await api.send('POST', '/admin/units', { unitId, name: { 'zh-CN': `单位${unitId}`, en: `Unit ${unitId}` }, kind: 'bureau' }, { as: 'admin' });
    expect(res.status).toBe(201);
  }
}

/** Limits that flag nothing: for tests about something else than flags. */
export const NO_FLAGS = { perClientPerUnitPerDay: 100_000, burstWindowMinutes: 10, burstPerUnit: 100_000, identicalPerUnit: 100_000 };

export interface PeriodSetup {
  periodId: string;
  formId: string;
  admission: Partial<AdmissionPolicy>;
  unitIds: string[];
  /** The form's content; a one-unit form with one rating question by default. */
  content?: FormContent;
  weights?: Record<string, number>;
  /** Open from a day ago until this many ms from now (30 days by default). */
  closesInMs?: number;
}

/** A period open now, and one published form for it, through the admin API. */
export async function createPeriodAndForm(api: AdmissionStack, setup: PeriodSetup): Promise<void> {
  const now = Date.now();
  const admission: AdmissionPolicy = {
    mode: 'open',
    openLimits: NO_FLAGS,
    unverifiedClaim: { action: 'countAs', groupId: 'citizen' },
    ...setup.admission,
  };
  const period = await api.send(
    'POST',
    '/admin/periods',
    {
      periodId: setup.periodId,
      name: { 'zh-CN': `评议期${setup.periodId}`, en: `Period ${setup.periodId}` },
      opensAt: new Date(now - DAY_MS).toISOString(),
      closesAt: new Date(now + (setup.closesInMs ?? 30 * DAY_MS)).toISOString(),
      minSample: 1,
      groupWeights: setup.weights ?? { citizen: 1 },
      admission,
    },
    { as: 'admin' },
  );
  expect(period.status, period.text).toBe(201);
  const content = setup.content ?? aFormContent({ unitIds: setup.unitIds, questions: [aRatingQuestion({ allowDontKnow: true })] });
  const form = await api.send('POST', '/admin/forms', { formId: setup.formId, periodId: setup.periodId, content }, { as: 'admin' });
  expect(form.status, form.text).toBe(201);
  const published = await api.send('POST', `/admin/forms/${setup.formId}/publish`, { rev: form.body.form.rev }, { as: 'admin' });
  expect(published.status, published.text).toBe(200);
}

/** A batch of invitations and its links, through the admin API. */
export async function issueInvitations(
  api: AdmissionStack,
  periodId: string,
  input: { formId: string; unitId?: string; groupId?: string; count: number },
): Promise<{ batchId: string; tokens: string[] }> {
  const issued = await api.send('POST', `/admin/periods/${periodId}/invitations`, { label: 'test', ...input }, { as: 'admin' });
  expect(issued.status, issued.text).toBe(201);
  const links = await api.send('GET', `/admin/periods/${periodId}/invitations/${issued.body.batchId}/links`, undefined, { as: 'admin' });
  expect(links.status, links.text).toBe(200);
  return { batchId: issued.body.batchId, tokens: (links.body.links as { token: string }[]).map((l) => l.token) };
}
