import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as recountPeriod } from '../../../functions/api/evaluation/recount-period';
import { ZRecountRecord } from '../../../functions/domain/evaluation/recount';
import { handler as recountJob } from '../../../functions/jobs/recount';
import { logger } from '../../../functions/platform/logger';
import { aPeriod, DURING_PERIOD } from '../../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../../fixtures/http';
import { periodItem } from '../../fixtures/items';
import { UNIT_TABLE, fakeTables, type FakeTables } from './fake-tables';

/**
 * The recount's two entry points — the admin's operation and the nightly job — over tables in memory:
 * period 2026-annual, open, with no ballot counted yet. A counter planted by hand (`b`, ballots, on the
 * period's counter item) is what the recount must find and repair.
 */
const ddb = mockClient(DynamoDBDocumentClient);
let tables: FakeTables;
const PERIOD_ID = aPeriod().periodId;

const recountEvent = (periodId: string, role = 'admin') =>
  httpEvent('recountPeriod', { params: { periodId }, claims: staffClaims(role) });

/** The repairs sent: counter updates (ADD) of the tallies table. */
const repairs = () =>
  ddb
    .commandCalls(TransactWriteCommand)
    .flatMap((call) => (call.args[0].input as TransactWriteCommandInput).TransactItems ?? [])
    .map((item) => item.Update)
    .filter((update) => update !== undefined && update.TableName === UNIT_TABLE.tallies && String(update.Key?.pk).startsWith('C#'));

beforeEach(() => {
  vi.setSystemTime(DURING_PERIOD);
  vi.restoreAllMocks();
  ddb.reset();
  tables = fakeTables(ddb);
  tables.put(UNIT_TABLE.catalog, periodItem(aPeriod()));
});

/** A counter changed by hand: the period counts 3 ballots that nobody counted. */
function plantCounter() {
  tables.put(UNIT_TABLE.tallies, { pk: `C#${PERIOD_ID}`, sk: 'P', b: 3 });
}

describe('recountPeriod handler', () => {
  it('recounts the period for an admin and answers its record: a match, saved as the last recount', async () => {
    // act
    const res = await recountPeriod(recountEvent(PERIOD_ID), lambdaContext());

    // assert
    expect(res.statusCode, String(res.body)).toBe(200);
    const record = ZRecountRecord.parse(JSON.parse(String(res.body)));
    expect(record).toMatchObject({ periodId: PERIOD_ID, status: 'match', ballots: 0, unitsDiffering: [], countersDiffering: 0, at: DURING_PERIOD.toISOString() });
    expect(tables.get(UNIT_TABLE.tallies, { pk: `C#${PERIOD_ID}`, sk: 'RECOUNT' })).toMatchObject({ status: 'match' });
    expect(repairs()).toEqual([]);
  });

  it('repairs a counter changed by hand (the recount wins) and logs the difference as an error naming the period', async () => {
    // prepare
    plantCounter();
    const errors = vi.spyOn(logger, 'error');

    // act
    const res = await recountPeriod(recountEvent(PERIOD_ID), lambdaContext());

    // assert
    expect(res.statusCode, String(res.body)).toBe(200);
    expect(ZRecountRecord.parse(JSON.parse(String(res.body)))).toMatchObject({ status: 'repaired', countersDiffering: 1 });
    expect(repairs()).toEqual([expect.objectContaining({ Key: { pk: `C#${PERIOD_ID}`, sk: 'P' } })]);
    expect(JSON.stringify(repairs()[0]!.ExpressionAttributeValues)).toContain('-3');
    expect(tables.get(UNIT_TABLE.tallies, { pk: `C#${PERIOD_ID}`, sk: 'P' })).toMatchObject({ b: 0 });
    expect(errors).toHaveBeenCalledWith(expect.stringContaining(PERIOD_ID), expect.objectContaining({ periodId: PERIOD_ID, countersDiffering: 1 }));
  });

  it('answers 404 for an unknown period, and recounts nothing', async () => {
    // act
    const res = await recountPeriod(recountEvent('no-such-period'), lambdaContext());

    // assert
    expect(res.statusCode).toBe(404);
    expect(tables.get(UNIT_TABLE.tallies, { pk: 'C#no-such-period', sk: 'RECOUNT' })).toBeUndefined();
  });

  it('refuses a supervisor (admins only)', async () => {
    // act
    const res = await recountPeriod(recountEvent(PERIOD_ID, 'supervisor'), lambdaContext());

    // assert
    expect(res.statusCode).toBe(403);
  });

  it('answers 503 with Retry-After when DynamoDB fails while it reads, and records no recount', async () => {
    // prepare
    ddb.on(QueryCommand).rejects(new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: {} }));

    // act
    const res = await recountPeriod(recountEvent(PERIOD_ID), lambdaContext());

    // assert
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(String(res.body)).not.toContain('throughput');
    expect(tables.get(UNIT_TABLE.tallies, { pk: `C#${PERIOD_ID}`, sk: 'RECOUNT' })).toBeUndefined();
  });
});

describe('recount job', () => {
  const scheduled = { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} };

  it('recounts every open period and records each', async () => {
    // act
    const result = await recountJob(scheduled, lambdaContext());

    // assert
    expect(result).toEqual({ periods: 1, repaired: 0, busy: 0 });
    expect(tables.get(UNIT_TABLE.tallies, { pk: `C#${PERIOD_ID}`, sk: 'RECOUNT' })).toMatchObject({ status: 'match', periodId: PERIOD_ID });
  });

  it('finds and repairs a counter changed by hand, logging the period as an error', async () => {
    // prepare
    plantCounter();
    const errors = vi.spyOn(logger, 'error');

    // act
    const result = await recountJob(scheduled, lambdaContext());

    // assert
    expect(result).toEqual({ periods: 1, repaired: 1, busy: 0 });
    expect(repairs()).toHaveLength(1);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining(`period ${PERIOD_ID}`), expect.objectContaining({ status: 'repaired' }));
  });

  it('throws when DynamoDB fails, so the scheduler retries the run', async () => {
    // prepare
    ddb.on(QueryCommand).rejects(new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: {} }));

    // act
    const run = recountJob(scheduled, lambdaContext());

    // assert
    await expect(run).rejects.toThrow(/throughput/);
  });
});
