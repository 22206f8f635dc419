import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import { ZResponse, type Response } from '../../domain/evaluation/response';
import { itemsOf } from '../items';
import type { StoredBallot } from '../../domain/evaluation/tally';

/**
 * The responses table: one item per ballot — however many units it rates — written once and never
 * updated.
 *
 * | pk                          | sk                 |
 * |-----------------------------|--------------------|
 * | `P#<periodId>#<shard>`      | `B#<ballotRef>`    |
 *
 * The key is the ballot's reference alone, never what it rates: the serial of its token (`i.…`, `r.…`), or
 * for an open ballot the digest of the client's submission id (`o.…`). So `attribute_not_exists(pk)` makes
 * one conditional write that stores the ballot, uses its token up and meets any retry, and the stored item
 * comes back with the failure (no read). Sixteen shards per period, by a hash of the reference, spread a
 * busy evaluation's writes over partitions; the tally reads a period with one Query per shard.
 */
export const SHARDS = 16;
/** The sort-key prefix of a ballot; the table holds other items too (salts). */
export const BALLOT_PREFIX = 'B#';

export const shardOf = (ballotRef: string) => createHash('sha256').update(ballotRef).digest()[0]! % SHARDS;
const partition = (periodId: string, shard: number) => `P#${periodId}#${shard.toString(16)}`;

export const responseKey = (periodId: string, ballotRef: string) => ({
  pk: partition(periodId, shardOf(ballotRef)),
  sk: `${BALLOT_PREFIX}${ballotRef}`,
});

const strip = ({ pk: _pk, sk: _sk, ...fields }: Record<string, unknown>) => fields;

/** A parse of a stored item as a ballot, or as unreadable (naming the units it seems to rate, so they show the exclusion). */
function ballotFrom(parsed: ReturnType<typeof ZResponse.safeParse>, item: Record<string, unknown>): StoredBallot {
  if (parsed.success) return { ok: true, response: parsed.data };
  const units = item.units;
  return { ok: false, unitIds: units && typeof units === 'object' && !Array.isArray(units) ? Object.keys(units) : [] };
}

/**
 * A stored item as a ballot, or as unreadable. No strip(): ZResponse leaves out the keys it does not name (pk,
 * sk), without copying the item first.
 */
export const toBallot = (item: Record<string, unknown>): StoredBallot => ballotFrom(ZResponse.safeParse(item), item);

/**
 * ZResponse compiled (zod's `z.compile`), for reading a period's ballots by the hundred thousand: a stored item
 * it accepts takes generated code, about five times faster; any other goes to ZResponse itself, so what is
 * unreadable and why is its to say. Compiled on first use, not at cold start.
 */
let compiledResponse: typeof ZResponse | undefined;

/**
 * `toBallot` for the raw export, which reads a period of a million ballots in one run. Apart from it, and no
 * method of responseStore (the submit function bundles them all), so that a function reading one ballot at a
 * time does not load zod's compiler (29 KB minified, which the submit function's bundle budget has no room for).
 */
export const toBallotInBulk = (item: Record<string, unknown>): StoredBallot => ballotFrom((compiledResponse ??= z.compile(ZResponse)).safeParse(item), item);

/** The item a failed condition returned, as a response. */
const existingOf = (error: unknown): Response | undefined => {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
  return error.Item ? ZResponse.parse(strip(unmarshall(error.Item))) : undefined;
};

/** Writes responses and reads them back for the tally and for appeals. */
export function responseStore(db: DynamoDBDocumentClient, table: string) {
  return {
    /** Stores the response unless its ballot is taken; then returns the stored response. */
    async putResponseOnce(response: Response): Promise<{ stored: true } | { stored: false; existing: Response }> {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { ...response, ...responseKey(response.periodId, response.ballotRef) },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { stored: true };
      } catch (error) {
        const existing = existingOf(error);
        if (!existing) throw error;
        return { stored: false, existing };
      }
    },

    /**
     * The stored response of a ballot, for the submit function, which may only add items (PutItem): a put
     * whose condition can never hold writes nothing and hands back the item under the key, if there is one.
     */
    async findResponse(periodId: string, ballotRef: string): Promise<Response | undefined> {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: responseKey(periodId, ballotRef),
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      } catch (error) {
        return existingOf(error);
      }
      throw new Error('a condition that cannot hold held');
    },

    /** One stored ballot by its reference (a read: for appeals). */
    async getBallot(periodId: string, ballotRef: string): Promise<Response | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: responseKey(periodId, ballotRef) }));
      const ballot = Item ? toBallot(Item) : undefined;
      return ballot?.ok ? ballot.response : undefined;
    },

    /**
     * Every stored ballot of a period with its reference, shard by shard, page by page, read strongly
     * consistent: the recount, which must see every ballot that has been counted.
     */
    async *periodBallots(periodId: string): AsyncIterable<{ ballotRef: string; ballot: StoredBallot }> {
      for (let shard = 0; shard < SHARDS; shard++) {
        const pages = paginateQuery(
          { client: db, pageSize: 1_000 },
          {
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': partition(periodId, shard) },
            ConsistentRead: true,
          },
        );
        for await (const page of pages) {
          for (const item of page.Items ?? []) yield { ballotRef: String(item.sk).slice(BALLOT_PREFIX.length), ballot: toBallot(item) };
        }
      }
    },

    /** Stored ballots by reference, strongly consistent (those not stored are left out), in no particular order. */
    async getBallots(periodId: string, ballotRefs: readonly string[]): Promise<StoredBallot[]> {
      const found = await itemsOf(db, table).batchGet(
        ballotRefs.map((ref) => responseKey(periodId, ref)),
        true,
      );
      return found.map(toBallot);
    },

    /**
     * Every stored item of a period, a page (`pageSize` items, at most 1 MB) at a time, `concurrency` shards
     * read side by side and the next page of each asked for while the last is used: at most `concurrency`
     * pages wait in memory. Pages come in no particular order. For the raw export, which must read a million ballots
     * within one API call.
     */
    async *periodItemPages(periodId: string, { concurrency = 4, pageSize = 1_000 } = {}): AsyncGenerator<Record<string, unknown>[]> {
      type Pull = { pages: AsyncIterator<Record<string, unknown>[]>; result: IteratorResult<Record<string, unknown>[]> };
      const pending = new Map<AsyncIterator<Record<string, unknown>[]>, Promise<Pull>>();
      const pull = (pages: AsyncIterator<Record<string, unknown>[]>) => {
        pending.set(pages, pages.next().then((result) => ({ pages, result })));
      };
      let nextShard = 0;
      const startShard = () => {
        if (nextShard >= SHARDS) return;
        const shard = nextShard++;
        pull(
          (async function* () {
            const query = {
              TableName: table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': partition(periodId, shard) },
            };
            for await (const page of paginateQuery({ client: db, pageSize }, query)) yield page.Items ?? [];
          })(),
        );
      };
      for (let i = 0; i < concurrency; i++) startShard();
      try {
        while (pending.size > 0) {
          const { pages, result } = await Promise.race(pending.values());
          if (result.done) {
            pending.delete(pages);
            startShard();
            continue;
          }
          pull(pages);
          yield result.value;
        }
      } finally {
        // Stopped early or failed: the shards still reading are left; their failures are nobody's to report.
        for (const waiting of pending.values()) waiting.catch(() => undefined);
      }
    },

    /**
     * A page of the ballots of a period that rate one unit, shard after shard: `cursor` is where the last page
     * ended. DynamoDB reads (and charges) every ballot of the period to find them; see the README's notes on
     * scale.
     */
    async unitBallots(periodId: string, unitId: string, cursor: string | undefined, limit: number): Promise<{ ballots: Response[]; cursor?: string }> {
      let { shard, sk: after } = decodeCursor(cursor);
      const ballots: Response[] = [];
      while (shard < SHARDS && ballots.length < limit) {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: 'attribute_exists(#units.#unit)',
            ExpressionAttributeNames: { '#units': 'units', '#unit': unitId },
            ExpressionAttributeValues: { ':pk': partition(periodId, shard) },
            Limit: 200,
            ...(after ? { ExclusiveStartKey: { pk: partition(periodId, shard), sk: after } } : {}),
          }),
        );
        for (const item of out.Items ?? []) {
          const ballot = toBallot(item);
          if (ballot.ok) ballots.push(ballot.response);
        }
        after = out.LastEvaluatedKey?.sk as string | undefined;
        if (!after) shard += 1;
      }
      return shard < SHARDS ? { ballots, cursor: encodeCursor(shard, after) } : { ballots };
    },
  };
}

/** Where a page of unit ballots ended: the shard, and the last sort key read in it (the partition follows). */
function decodeCursor(cursor: string | undefined): { shard: number; sk?: string } {
  if (!cursor) return { shard: 0 };
  try {
    const { s, k } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown };
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s >= SHARDS) return { shard: 0 };
    return typeof k === 'string' && k.startsWith('B#') && k.length <= 80 ? { shard: s, sk: k } : { shard: s };
  } catch {
    return { shard: 0 };
  }
}

const encodeCursor = (shard: number, sk: string | undefined) => Buffer.from(JSON.stringify({ s: shard, ...(sk ? { k: sk } : {}) })).toString('base64url');

export type ResponseStore = ReturnType<typeof responseStore>;
