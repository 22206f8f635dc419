import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZResponseExport } from '../../functions/domain/evaluation/export-job';
import type { Response } from '../../functions/domain/evaluation/response';
import { createDocumentClient } from '../../functions/store/client';
import { responseKey } from '../../functions/store/evaluation/response-store';
import { DURING_PERIOD, aResponse, anOpenAdmission } from '../fixtures/catalog';
import { exportThroughApi, startTestStack, type TestStack } from './helpers';

/**
 * The raw export through `npm start`'s runtime on DynamoDB Local: the demo district's period, with 1,500 more
 * ballots written straight into the responses table (all 16 shards, several pages each) and one item that
 * does not read as a ballot. An admin asks over HTTP, follows the link the local API server serves, and reads
 * the CSV back.
 */
const EXTRA = 1_500;
const CLIENT_KEY = 'RXhwb3J0Q2xpZW50S2V5MDE';
let t: TestStack;
let periodId: string;
let seeded: number;

const extraBallot = (i: number, formId: string): Response =>
  aResponse({
    ballotRef: `o.export${String(i).padStart(16, '0')}`,
    formId,
    periodId,
    answers: { group: 'citizen' },
    units: { 'tax-bureau': { overall: i % 3 === 0 ? 'dissatisfied' : 'satisfied' } },
    submittedAt: DURING_PERIOD.toISOString(),
    admission: anOpenAdmission({ clientKey: CLIENT_KEY }),
  });

const exportAs = async (role: 'admin' | 'supervisor', includeText: boolean) => exportThroughApi(t.stack, periodId, { token: await t.stack.token(role), includeText });

beforeAll(async () => {
  t = await startTestStack('export', { seed: true });
  periodId = t.stack.seed!.periodId;
  seeded = t.stack.seed!.responses;
  const db = createDocumentClient(t.stack.dynamoEndpoint);
  try {
    const items = Array.from({ length: EXTRA }, (_, i) => {
      const r = extraBallot(i, t.stack.seed!.forms.windows);
      return { ...responseKey(periodId, r.ballotRef), ...r };
    });
    for (let i = 0; i < items.length; i += 25) {
      await db.send(new BatchWriteCommand({ RequestItems: { [t.stack.tables.responses]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
    await db.send(new PutCommand({ TableName: t.stack.tables.responses, Item: { ...responseKey(periodId, 'o.brokenbroken'), units: { 'tax-bureau': {} } } }));
  } finally {
    db.destroy();
  }
}, 120_000);

afterAll(() => t?.stop());

describe('the raw export on the local stack', () => {
  it('writes every ballot of the period to a file the link serves, and reads back as CSV', async () => {
    // act
    const { status, body } = await exportAs('supervisor', false);
    const result = ZResponseExport.parse(body);
    const download = await fetch(new URL(result.url!, t.stack.url));
    const bytes = Buffer.from(await download.arrayBuffer());

    // assert
    expect(status).toBe(200);
    expect(result.state).toBe('done');
    expect(result.ballots).toBe(seeded + EXTRA);
    expect(result.unreadable).toBe(1);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain(`responses-${periodId}-`);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const records = parse(bytes.toString('utf8').slice(1), { relax_column_count: true }) as string[][];
    expect(records[0]).toEqual(['Period', expect.any(String), periodId]);
    expect(records[1]![0]).toBe('Data as of (CST)');
    const at = records.findIndex((r) => r[0] === 'Ballot (anonymised)');
    const header = records[at]!;
    const rows = records.slice(at + 1);
    expect(header.slice(0, 7)).toEqual(['Ballot (anonymised)', 'Form', 'Version', 'Submitted at (CST)', 'Respondent group', 'Admission', 'Unit']);
    expect(rows).toHaveLength(result.rows!);
    const extra = rows.filter((r) => r[1] === t.stack.seed!.forms.windows && r[3] === '2026-06-15 10:00:00');
    expect(extra).toHaveLength(EXTRA);
    expect(new Set(extra.map((r) => r[0])).size).toBe(EXTRA);
    const text = bytes.toString('utf8');
    expect(text).not.toContain(CLIENT_KEY);
    expect(text).not.toContain('o.export');
  });

  it('refuses text answers to a supervisor and gives them to an admin', async () => {
    // act
    const supervisor = await exportAs('supervisor', true);
    const admin = await exportAs('admin', true);

    // assert
    expect(supervisor.status).toBe(403);
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ state: 'done', includeText: true, ballots: seeded + EXTRA });
  });

  it('serves no file under a made-up name', async () => {
    // act
    const res = await fetch(`${t.stack.url}/local-exports/${'A'.repeat(32)}`);

    // assert
    expect(res.status).toBe(404);
  });
});
