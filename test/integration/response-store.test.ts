import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../functions/domain/errors';
import { submitResponse, type Response, type ResponseInput } from '../../functions/domain/response';
import type { Ballot } from '../../functions/domain/tally';
import { catalogStore } from '../../functions/store/catalog-store';
import { submitDeps } from '../../functions/store/deps';
import { responseKey, responseStore } from '../../functions/store/response-store';
import { aFormFor, aUnitWithId, anOpenPeriod } from '../fixtures/catalog';
import { countItems, freshTables, type TestTables } from './helpers';

describe('response store on DynamoDB Local', () => {
  let t: TestTables;
  const period = anOpenPeriod();
  const form = aFormFor(period, ['tax-bureau', 'busy-unit']);
  const partitionOf = (unitId: string) => responseKey(period.periodId, unitId, 'x').pk;

  beforeAll(async () => {
    t = await freshTables();
    const catalog = catalogStore(t.db, t.tables.catalog);
    await Promise.all([catalog.putUnit(aUnitWithId('tax-bureau')), catalog.putUnit(aUnitWithId('busy-unit'))]);
    await catalog.putPeriod(period);
    await catalog.putForm(form);
  });
  afterAll(() => t.drop());

  const aResponse = (overrides: Partial<Response> = {}): Response => ({
    receiptId: randomUUID(),
    formId: form.formId,
    periodId: period.periodId,
    unitId: 'tax-bureau',
    rating: 'satisfied',
    group: 'citizen',
    submittedAt: new Date().toISOString(),
    ...overrides,
  });

  describe('putResponseOnce', () => {
    it('stores a new response as one item', async () => {
      // prepare
      const store = responseStore(t.db, t.tables.responses);
      const response = aResponse({ unitId: 'tax-bureau', receiptId: randomUUID() });
      const before = await countItems(t.db, t.tables.responses, partitionOf('tax-bureau'));

      // act
      const result = await store.putResponseOnce(response);

      // assert
      expect(result).toEqual({ stored: true });
      expect(await countItems(t.db, t.tables.responses, partitionOf('tax-bureau'))).toBe(before + 1);
    });

    it('hands back the stored response, unchanged, when its receipt id is written again', async () => {
      // prepare
      const store = responseStore(t.db, t.tables.responses);
      const first = aResponse({ rating: 'verySatisfied', comment: '很好' });
      await store.putResponseOnce(first);

      // act
      const second = await store.putResponseOnce({ ...first, rating: 'veryDissatisfied', comment: undefined });

      // assert
      expect(second).toEqual({ stored: false, existing: first });
    });
  });

  describe('submitResponse with the real stores', () => {
    const input = (overrides: Partial<ResponseInput> = {}): ResponseInput => ({
      formId: form.formId,
      periodId: period.periodId,
      unitId: 'tax-bureau',
      rating: 'basicallySatisfied',
      group: 'enterprise',
      submissionId: randomUUID(),
      ...overrides,
    });

    it('returns the first receipt to a retry with the same submissionId and stores one item', async () => {
      // prepare
      const deps = submitDeps(t.db);
      const retryLater = { ...deps, now: () => new Date(Date.now() + 60_000) };
      const submission = input();
      const before = await countItems(t.db, t.tables.responses, partitionOf('tax-bureau'));

      // act
      const first = await submitResponse(deps, submission);
      const retry = await submitResponse(retryLater, submission);

      // assert
      expect(retry).toEqual(first);
      expect(first.receiptId).toBe(submission.submissionId);
      expect(await countItems(t.db, t.tables.responses, partitionOf('tax-bureau'))).toBe(before + 1);
    });

    it('refuses the same submissionId with other answers as a conflict and keeps the first answers', async () => {
      // prepare
      const deps = submitDeps(t.db);
      const submission = input({ rating: 'satisfied' });
      await submitResponse(deps, submission);
      const before = await countItems(t.db, t.tables.responses, partitionOf('tax-bureau'));

      // act
      const reuse = submitResponse(deps, { ...submission, rating: 'veryDissatisfied' });

      // assert
      await expect(reuse).rejects.toBeInstanceOf(ConflictError);
      expect(await countItems(t.db, t.tables.responses, partitionOf('tax-bureau'))).toBe(before);
      const { Item } = await t.db.send(
        new GetCommand({ TableName: t.tables.responses, Key: responseKey(period.periodId, 'tax-bureau', submission.submissionId!) }),
      );
      expect(Item?.rating).toBe('satisfied');
    });
  });

  describe('unitBallots', () => {
    it('reads every ballot of a unit across several pages of 1,000', async () => {
      // prepare: 2,500 small ratings in one unit's partition, written 25 per BatchWriteItem
      const levels = ['verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'veryDissatisfied'] as const;
      const items = Array.from({ length: 2_500 }, (_, i) => ({
        ...responseKey(period.periodId, 'busy-unit', `r${String(i).padStart(5, '0')}`),
        rating: levels[i % levels.length],
        group: i % 2 === 0 ? 'citizen' : 'enterprise',
      }));
      const batches = Array.from({ length: items.length / 25 }, (_, b) => items.slice(b * 25, b * 25 + 25));
      for (let i = 0; i < batches.length; i += 10) {
        await Promise.all(
          batches.slice(i, i + 10).map((batch) =>
            t.db.send(
              new BatchWriteCommand({ RequestItems: { [t.tables.responses]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
            ),
          ),
        );
      }
      let queries = 0;
      t.db.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'QueryCommand') queries += 1;
          return next(args);
        },
        { step: 'initialize', name: 'countQueries' },
      );

      // act
      const ballots: Ballot[] = [];
      for await (const ballot of responseStore(t.db, t.tables.responses).unitBallots(period.periodId, 'busy-unit')) {
        ballots.push(ballot);
      }
      t.db.middlewareStack.remove('countQueries');

      // assert
      expect(ballots).toHaveLength(2_500);
      expect(queries).toBeGreaterThanOrEqual(3);
      expect(ballots.filter((b) => b.rating === 'dissatisfied')).toHaveLength(500);
      expect(ballots.filter((b) => b.group === 'enterprise')).toHaveLength(1_250);
      expect(Object.keys(ballots[0]!).sort()).toEqual(['group', 'rating']);
    });
  });
});
