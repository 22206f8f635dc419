import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { Counters, CountersRead, PeriodCounters } from '../../domain/evaluation/counters';
import { ZRecountRecord, type RecountRecord } from '../../domain/evaluation/recount';
import { ZSettledDay, partKey, unitDay, type SettledDay } from '../../domain/evaluation/tally';
import { fromItem, itemsOf } from '../items';
import { BATCH_RETRIES, UnprocessedError, backoff } from '../retry';
import { SHARDS, shardOf } from './response-store';

/**
 * The counters of the tallies table (domain/evaluation/counters.ts, counting.ts), beside the tallies
 * (tally-store.ts, partitions `P#…`):
 *
 * | item                                       | pk                          | sk                |
 * |--------------------------------------------|-----------------------------|-------------------|
 * | a period's own counters                    | `C#<periodId>`              | `P`               |
 * | a unit's counters                          | `C#<periodId>`              | `U#<unitId>`      |
 * | units' days past a limit (`units` SS)      | `C#<periodId>`              | `HOT`             |
 * | a settled hot day (tally.ts SettledDay)    | `C#<periodId>`              | `HOT#<day>`       |
 * | the period's last recount                  | `C#<periodId>`              | `RECOUNT`         |
 * | a counted ballot                           | `M#<periodId>#<shard>`      | `B#<ballotRef>`   |
 * | a counted ballot's part about a unit       | `M#<periodId>#U#<unitId>`   | `D#<day>#<ref>`   |
 * | open ballots arrived under a key (`refs` SS) | `A#<periodId>#<unitId>`   | `<arrival key>`   |
 *
 * Every counter is a number attribute named as counters.ts names it, added to with `ADD`; a period's
 * counters are one Query (O(units)). A ballot's counters and markers are written in TransactWriteItems of at
 * most 100 items, so a ballot rating many units takes several: the first holds the ballot's marker and the
 * period's counters, each holds its units' markers and counters, and each is conditional on its markers
 * being new — all of it or none, once. Ballot markers are spread over the responses table's 16 shards, so a
 * busy period's writes are not one partition's; a unit's markers of one day (tally.ts ballotDay(), the CST
 * day its limits are read in) are one Query: the tally reads a hot day's ballots by them, after the counters,
 * then the unit's `b` again to know the counters agree. `HOT` holds `<unitId>/<day>` (tally.ts unitDay()).
 * Entries of the HOT set only accumulate; once a hot day has ended, the tally keeps it settled (`HOT#<day>`)
 * and reads its ballots again only when something it rests on changed. A unit's item holds, beside its
 * counters, `late`: how many of its ballots were counted late (counting.ts isLate), added in the same write
 * as their counters, so a read of the item sees both or neither. The tally reads the whole partition with
 * one Query — the hot set, the settled days, the counters — and the recount the counters alone (`sk >= 'P'`).
 */
const counterPartition = (periodId: string) => `C#${periodId}`;
const PERIOD_SK = 'P';
const UNIT_PREFIX = 'U#';
const HOT_SK = 'HOT';
const SETTLED_PREFIX = 'HOT#';
const PERIOD_OR_AFTER = 'P';
/** A unit item's count of late ballots, not a counter. */
const LATE = 'late';
const RECOUNT_SK = 'RECOUNT';
const MARK_PREFIX = 'B#';
/** The period item's set of the period revisions its ballots were counted by. */
const REVS = 'revs';
const ballotMarker = (periodId: string, ballotRef: string) => ({
  pk: `M#${periodId}#${shardOf(ballotRef).toString(16)}`,
  sk: `${MARK_PREFIX}${ballotRef}`,
});
const unitMarkerPartition = (periodId: string, unitId: string) => `M#${periodId}#U#${unitId}`;
const DAY_PREFIX = 'D#';
const dayPrefix = (day: string) => `${DAY_PREFIX}${day}#`;
const unitMarker = (periodId: string, unitId: string, ballotRef: string, day: string) => ({
  pk: unitMarkerPartition(periodId, unitId),
  sk: `${dayPrefix(day)}${ballotRef}`,
});
const arrivalKey = (periodId: string, unitId: string, key: string) => ({ pk: `A#${periodId}#${unitId}`, sk: key });

/** TransactWriteItems takes at most 100 items: the first takes the ballot's marker and the period's counters. */
const TRANSACTION_ITEMS = 100;
const UNITS_PER_TRANSACTION = Math.floor((TRANSACTION_ITEMS - 2) / 2);

/** `ADD` of every counter, by name and value placeholders (and of a period revision to the set `revs`, or one to `late`). */
function addAll(counters: Counters, periodRev?: number, late = false) {
  const names: Record<string, string> = {};
  const values: Record<string, number | Set<number>> = {};
  const clauses = Object.entries(counters).map(([name, n], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = n;
    return `#c${i} :c${i}`;
  });
  if (periodRev !== undefined) {
    names['#revs'] = REVS;
    values[':revs'] = new Set([periodRev]);
    clauses.push('#revs :revs');
  }
  if (late) {
    names['#late'] = LATE;
    values[':late'] = 1;
    clauses.push('#late :late');
  }
  return { UpdateExpression: `ADD ${clauses.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

const ZCounterItem = z.record(z.string(), z.unknown());
const countersOf = (item: Record<string, unknown>): Counters => {
  const out: Counters = {};
  for (const [name, value] of Object.entries(item)) if (name !== 'pk' && name !== 'sk' && name !== LATE && typeof value === 'number') out[name] = value;
  return out;
};

const isTransientCancellation = (error: unknown) =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError');
const alreadyWritten = (error: unknown) =>
  error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');

export function counterStore(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);

  /** One transaction, retried while it conflicts with another on the same items; whether it wrote. */
  async function transact(input: ConstructorParameters<typeof TransactWriteCommand>[0]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await db.send(new TransactWriteCommand(input));
        return true;
      } catch (error) {
        if (alreadyWritten(error)) return false;
        if (!isTransientCancellation(error)) throw error;
        if (attempt >= BATCH_RETRIES) throw new UnprocessedError('TransactWriteItems');
        await backoff(attempt + 1);
      }
    }
  }

  /** Keys only, of every item of a partition (with a sort-key prefix), strongly consistent. */
  async function sortKeys(pk: string, prefix?: string): Promise<string[]> {
    const keys: string[] = [];
    const pages = paginateQuery(
      { client: db },
      {
        TableName: table,
        KeyConditionExpression: prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ...(prefix === undefined ? {} : { ':prefix': prefix }) },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) keys.push(String(item.sk));
    return keys;
  }

  /** The items of a period's counter partition (from `from` on): counters and late counts, the hot set, settled days. */
  async function readPartition(periodId: string, from?: string) {
    const counters = { period: {} as Counters, units: new Map<string, Counters>(), late: new Map<string, number>() };
    const hot = new Set<string>();
    const settled: SettledDay[] = [];
    const pages = paginateQuery(
      { client: db },
      {
        TableName: table,
        KeyConditionExpression: from === undefined ? 'pk = :pk' : 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: { ':pk': counterPartition(periodId), ...(from === undefined ? {} : { ':from': from }) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        if (sk === PERIOD_SK) counters.period = countersOf(ZCounterItem.parse(item));
        else if (sk.startsWith(UNIT_PREFIX)) {
          const unitId = sk.slice(UNIT_PREFIX.length);
          counters.units.set(unitId, countersOf(ZCounterItem.parse(item)));
          if (typeof item[LATE] === 'number' && item[LATE] !== 0) counters.late.set(unitId, item[LATE]);
        } else if (sk === HOT_SK && item.units instanceof Set) for (const unitDay of item.units) hot.add(String(unitDay));
        else if (sk.startsWith(SETTLED_PREFIX)) settled.push(fromItem(ZSettledDay, item)!);
      }
    }
    return { counters, hot, settled };
  }

  return {
    async addOnce(periodId: string, ballotRef: string, contribution: PeriodCounters, periodRev: number, day: string, late: boolean): Promise<boolean> {
      const partition = counterPartition(periodId);
      const units = [...contribution.units].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const unitItems = ([unitId, counters]: [string, Counters]) => [
        { Put: { TableName: table, Item: unitMarker(periodId, unitId, ballotRef, day), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Update: { TableName: table, Key: { pk: partition, sk: `${UNIT_PREFIX}${unitId}` }, ...addAll(counters, undefined, late) } },
      ];
      let added = false;
      // The first transaction: the ballot, the period, and as many units as fit; then the rest of the units.
      const first = units.slice(0, UNITS_PER_TRANSACTION);
      added =
        (await transact({
          TransactItems: [
            { Put: { TableName: table, Item: ballotMarker(periodId, ballotRef), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Update: { TableName: table, Key: { pk: partition, sk: PERIOD_SK }, ...addAll(contribution.period, periodRev) } },
            ...first.flatMap(unitItems),
          ],
        })) || added;
      for (let start = first.length; start < units.length; start += UNITS_PER_TRANSACTION) {
        added = (await transact({ TransactItems: units.slice(start, start + UNITS_PER_TRANSACTION).flatMap(unitItems) })) || added;
      }
      return added;
    },

    async arrive(periodId: string, unitId: string, key: string, ballotRef: string): Promise<number> {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: arrivalKey(periodId, unitId, key),
          UpdateExpression: 'ADD refs :ref',
          ExpressionAttributeValues: { ':ref': new Set([ballotRef]) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const refs = Attributes?.refs;
      return refs instanceof Set ? refs.size : 0;
    },

    async markHot(periodId: string, unitId: string, day: string): Promise<void> {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: counterPartition(periodId), sk: HOT_SK },
          UpdateExpression: 'ADD #units :unit',
          ExpressionAttributeNames: { '#units': 'units' },
          ExpressionAttributeValues: { ':unit': new Set([unitDay(unitId, day)]) },
        }),
      );
    },

    async hotDays(periodId: string): Promise<ReadonlySet<string>> {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: { pk: counterPartition(periodId), sk: HOT_SK }, ConsistentRead: true }));
      const units = Item?.units;
      return units instanceof Set ? new Set([...units].map(String)) : new Set();
    },

    /** A period's counters, with its units' late counts: one Query (`sk >= 'P'`), strongly consistent. */
    readCounters: async (periodId: string): Promise<CountersRead> => (await readPartition(periodId, PERIOD_OR_AFTER)).counters,

    /** At once (one Query, strongly consistent): the counters, the units' days past a limit and the settled hot days. */
    readTallyState: (periodId: string): Promise<{ counters: CountersRead; hot: ReadonlySet<string>; settled: SettledDay[] }> => readPartition(periodId),

    /** Each unit's ballots counted so far (its counter `b`), read strongly consistent. */
    async unitBallots(periodId: string, unitIds: readonly string[]): Promise<Map<string, number>> {
      const found = await items.batchGet(
        unitIds.map((unitId) => ({ pk: counterPartition(periodId), sk: `${UNIT_PREFIX}${unitId}` })),
        true,
      );
      return new Map(found.map((item) => [String(item.sk).slice(UNIT_PREFIX.length), typeof item.b === 'number' ? item.b : 0]));
    },

    /** Keeps a hot day's settlement (tally.ts SettledDay), replacing the day's earlier one. */
    async settleDay(periodId: string, settled: SettledDay): Promise<void> {
      await db.send(new PutCommand({ TableName: table, Item: { ...settled, pk: counterPartition(periodId), sk: `${SETTLED_PREFIX}${settled.day}` } }));
    },

    /** The period revisions its ballots were counted by. */
    async countedRevs(periodId: string): Promise<Set<number>> {
      const { Item } = await db.send(new GetCommand({ TableName: table, Key: { pk: counterPartition(periodId), sk: PERIOD_SK }, ConsistentRead: true }));
      const revs = Item?.[REVS];
      return revs instanceof Set ? new Set([...revs].map(Number)) : new Set();
    },

    /** Adds ballots to those arrived at a unit under a key (the recount's refresh); how many have arrived. */
    async arriveAll(periodId: string, unitId: string, key: string, ballotRefs: readonly string[]): Promise<number> {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: arrivalKey(periodId, unitId, key),
          UpdateExpression: 'ADD refs :refs',
          ExpressionAttributeValues: { ':refs': new Set(ballotRefs) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const refs = Attributes?.refs;
      return refs instanceof Set ? refs.size : 0;
    },

    /** The references of the ballots of a day counted for a unit: one Query of its markers. */
    countedRefs: async (periodId: string, unitId: string, day: string): Promise<string[]> =>
      (await sortKeys(unitMarkerPartition(periodId, unitId), dayPrefix(day))).map((sk) => sk.slice(dayPrefix(day).length)),

    /** The references of every counted ballot of a period: a Query per shard of its markers. */
    async countedBallots(periodId: string): Promise<Set<string>> {
      const refs = new Set<string>();
      for (let shard = 0; shard < SHARDS; shard++) {
        for (const sk of await sortKeys(`M#${periodId}#${shard.toString(16)}`)) refs.add(sk.slice(MARK_PREFIX.length));
      }
      return refs;
    },

    async counted(periodId: string, parts: readonly { unitId: string; ballotRef: string; day: string }[]): Promise<Set<string>> {
      const found = await items.batchGet(
        parts.map((p) => unitMarker(periodId, p.unitId, p.ballotRef, p.day)),
        true,
      );
      const byKey = new Set(found.map((item) => `${String(item.pk)}\n${String(item.sk)}`));
      return new Set(
        parts.filter((p) => {
          const key = unitMarker(periodId, p.unitId, p.ballotRef, p.day);
          return byKey.has(`${key.pk}\n${key.sk}`);
        }).map((p) => partKey(p.unitId, p.ballotRef)),
      );
    },

    /**
     * Adds a difference to the counters (the recount's repair), in transactions of at most 100 items, each
     * with an idempotency token derived from `repairId`: a retried call within ten minutes adds nothing twice.
     */
    async addDifference(periodId: string, difference: PeriodCounters, repairId: string): Promise<void> {
      const partition = counterPartition(periodId);
      const updates = [
        ...(Object.keys(difference.period).length > 0 ? [{ sk: PERIOD_SK, counters: difference.period }] : []),
        ...[...difference.units].map(([unitId, counters]) => ({ sk: `${UNIT_PREFIX}${unitId}`, counters })),
      ];
      for (let start = 0; start < updates.length; start += TRANSACTION_ITEMS) {
        const token = createHash('sha256').update(`${repairId}\n${start}`).digest('base64url').slice(0, 36);
        await transact({
          ClientRequestToken: token,
          TransactItems: updates
            .slice(start, start + TRANSACTION_ITEMS)
            .map(({ sk, counters }) => ({ Update: { TableName: table, Key: { pk: partition, sk }, ...addAll(counters) } })),
        });
      }
    },

    getRecount: (periodId: string): Promise<RecountRecord | undefined> => items.get({ pk: counterPartition(periodId), sk: RECOUNT_SK }, ZRecountRecord),
    async saveRecount(record: RecountRecord): Promise<void> {
      await db.send(new PutCommand({ TableName: table, Item: { ...record, pk: counterPartition(record.periodId), sk: RECOUNT_SK } }));
    },
  };
}

export type CounterStore = ReturnType<typeof counterStore>;
