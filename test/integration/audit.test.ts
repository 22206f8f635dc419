import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAuditRecord, type AuditRecord } from '../../functions/domain/audit/chain';
import { verifyChain } from '../../functions/domain/audit/verify';
import { applyAction } from '../../functions/domain/cases/lifecycle';
import { auditCases } from '../../functions/routes/audit';
import { caseStore } from '../../functions/store/cases/case-store';
import { auditVerifyDeps } from '../../functions/store/deps';
import { tallyStore } from '../../functions/store/evaluation/tally-store';
import { loadHandler, lambdaContext } from '../../infra/local/lambda';
import { runAuditCli } from '../../infra/ops/audit-cli';
import { SUPERVISOR, aCalendar, aCase, aFilingEvent } from '../fixtures/cases';
import { aTally, aTallyRun } from '../fixtures/catalog';
import { freshTables, type TestTables } from './helpers';

/**
 * The audit chain on DynamoDB Local: case events and tally snapshots written through the real stores reach
 * the chain through the local stream reader (as the event source mappings feed the audit consumers on AWS);
 * a redelivery is not chained twice; a case event or an audit record altered directly in the table is
 * named by the verification, and `npm run audit -- verify` prints it and exits non-zero.
 */
describe('the audit chain', () => {
  let t: TestTables;
  const periodId = 'audit-period';
  const proof = { caseId: '', salt: 's', hash: 'h' };

  /** Every record of the chain, in seq order. */
  async function chain(): Promise<AuditRecord[]> {
    const { Items } = await t.db.send(
      new QueryCommand({ TableName: t.tables.audit, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CHAIN' }, ConsistentRead: true }),
    );
    return (Items ?? []).map(({ pk: _pk, sk: _sk, ...record }) => ZAuditRecord.parse(record));
  }

  const verify = () => verifyChain(auditVerifyDeps(t.db));

  /** Runs the CLI against these tables (every table variable is set in process.env), collecting what it prints. */
  async function cli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAuditCli(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  beforeAll(async () => {
    t = await freshTables();
    // A case filed and assigned: two events; the office's tally of the day run twice (the day's snapshot
    // replaced) and the counters beside it, which never reach the chain.
    const cases = caseStore(t.db, t.tables.cases, t.tables.contacts);
    const filed = aCase({ caseId: '33333333-3333-4333-8333-333333333333', trackingNumber: '20260601-CCCCCCCC' });
    await cases.createCase(filed, aFilingEvent(filed), { ...proof, caseId: filed.caseId });
    const assigned = applyAction(filed, { action: 'assign', unitId: 'tax-bureau' }, SUPERVISOR, new Date('2026-06-01T03:00:00Z'), aCalendar());
    await cases.saveTransition(assigned.case, assigned.event, { rev: 1 });
    const tallies = tallyStore(t.db, t.tables.tallies);
    for (const [computedAt, score] of [
      ['2026-06-01T02:00:00.000Z', 80],
      ['2026-06-01T05:00:00.000Z', 82],
    ] as const) {
      await tallies.saveSnapshots(aTallyRun({ periodId, computedAt, units: 1 }), [aTally({ periodId, unitId: 'tax-bureau', compositeScore: score, insufficientSample: false, computedAt })]);
    }
    await t.db.send(new PutCommand({ TableName: t.tables.tallies, Item: { pk: `C#${periodId}`, sk: 'U#tax-bureau', n: 3 } }));

    // act (for the suite): the stream reader hands every change to the consumers
    await t.countBallots();
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('chains every case event and every version of a snapshot, and nothing else, each linked to the one before', async () => {
    // act
    const records = await chain();

    // assert
    expect(records.map((r) => [r.source.table, r.source.sk, r.change]).sort()).toEqual(
      [
        ['cases', 'EVENT#000001', 'INSERT'],
        ['cases', 'EVENT#000002', 'INSERT'],
        ['tallies', 'S#tax-bureau#2026-06-01', 'INSERT'],
        ['tallies', 'S#tax-bureau#2026-06-01', 'MODIFY'],
      ].sort(),
    );
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    for (const [i, record] of records.entries()) expect(record.prev).toBe(i === 0 ? '0'.repeat(64) : records[i - 1]!.hash);
    expect(await verify()).toMatchObject({ status: 'intact', records: 4, head: { seq: 4, hash: records[3]!.hash }, firstBreak: null });
  });

  it('does not chain a redelivered stream record twice', async () => {
    // prepare: the first case event's record, as the stream would hand it over again
    const [first] = (await chain()).filter((r) => r.source.table === 'cases');
    const { Item } = await t.db.send(new GetCommand({ TableName: t.tables.cases, Key: { pk: first!.source.pk, sk: first!.source.sk } }));
    const redelivery: DynamoDBStreamEvent = {
      Records: [{ eventName: 'INSERT', dynamodb: { Keys: marshall({ pk: Item!.pk, sk: Item!.sk }) as never, NewImage: marshall(Item!) as never, SequenceNumber: first!.streamSequence } }],
    };
    const handler = await loadHandler(auditCases.entry, `${t.tables.audit}-redelivery`);

    // act
    const answer = await handler(redelivery, lambdaContext('auditCases', 10_000));

    // assert
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(await chain()).toHaveLength(4);
    expect((await verify()).status).toBe('intact');
  });

  it('names a case event altered directly in the table, and the CLI prints it and exits non-zero', async () => {
    // prepare: someone rewrites the assignment's note in DynamoDB itself
    const assignment = (await chain()).find((r) => r.source.sk === 'EVENT#000002')!;
    const key = { pk: assignment.source.pk, sk: assignment.source.sk };
    const { Item: original } = await t.db.send(new GetCommand({ TableName: t.tables.cases, Key: key }));
    await t.db.send(
      new UpdateCommand({ TableName: t.tables.cases, Key: key, UpdateExpression: 'SET note = :note', ExpressionAttributeValues: { ':note': '已按时办结' } }),
    );
    await t.countBallots();

    // act
    const report = await verify();
    const run = await cli('verify', '--settle-seconds', '0');

    // assert: the modify never reached the chain; the verification names the record and the event
    expect(await chain()).toHaveLength(4);
    expect(report).toMatchObject({
      status: 'broken',
      verifiedThrough: assignment.seq - 1,
      firstBreak: { seq: assignment.seq, kind: 'sourceAltered', source: { table: 'cases', pk: key.pk, sk: 'EVENT#000002' } },
    });
    expect(run.code).toBe(1);
    expect(run.err).toContain(`BROKEN at record ${assignment.seq} (sourceAltered)`);
    expect(run.err).toContain(`item: cases (${key.pk}, EVENT#000002)`);

    // the event put back as it was: intact again
    await t.db.send(new PutCommand({ TableName: t.tables.cases, Item: original }));
    await t.countBallots();
    expect((await verify()).status).toBe('intact');
    expect((await cli('verify', '--settle-seconds', '0')).code).toBe(0);
  });

  it('names a case event deleted directly from the table', async () => {
    // prepare
    const filing = (await chain()).find((r) => r.source.sk === 'EVENT#000001')!;
    const key = { pk: filing.source.pk, sk: filing.source.sk };
    const { Item: original } = await t.db.send(new GetCommand({ TableName: t.tables.cases, Key: key }));
    await t.db.send(new DeleteCommand({ TableName: t.tables.cases, Key: key }));

    // act
    const report = await verify();

    // assert
    expect(report.firstBreak).toMatchObject({ seq: filing.seq, kind: 'sourceMissing', source: { sk: 'EVENT#000001' } });

    // put back (an insert again under the same key, which the chain does not take twice)
    await t.db.send(new PutCommand({ TableName: t.tables.cases, Item: original }));
    await t.countBallots();
    expect(await chain()).toHaveLength(4);
    expect((await verify()).status).toBe('intact');
  });

  it('names an audit record altered directly in the table, and the CLI prints it and exits non-zero', async () => {
    // prepare: record 2's time moved back a day
    await t.db.send(
      new UpdateCommand({
        TableName: t.tables.audit,
        Key: { pk: 'CHAIN', sk: 'R#000000000002' },
        UpdateExpression: 'SET #at = :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': '2026-05-31T03:00:00.000Z' },
      }),
    );

    // act
    const report = await verify();
    const run = await cli('verify', '--settle-seconds', '0');

    // assert
    expect(report).toMatchObject({ status: 'broken', verifiedThrough: 1, firstBreak: { seq: 2, kind: 'recordAltered' } });
    expect(run.code).toBe(1);
    expect(run.err).toContain('BROKEN at record 2 (recordAltered)');
    expect(run.err).toContain('records 1 to 1 are intact');
  });
});
