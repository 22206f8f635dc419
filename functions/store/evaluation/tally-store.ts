import {
  BatchWriteCommand,
  PutCommand,
  QueryCommand,
  paginateQuery,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ZFlaggedBatch, type FlaggedBatch } from '../../domain/evaluation/review';
import { ZSnapshotDay, ZUnitSnapshot, snapshotsOfRun, type SnapshotDay, type UnitSnapshot } from '../../domain/evaluation/snapshot';
import { ZTally, ZTallyRun, type Tally, type TallyRun } from '../../domain/evaluation/tally';
import { fromItem, itemsOf } from '../items';
import { BATCH_RETRIES, UnprocessedError, backoff } from '../retry';

/**
 * The tallies table: a period's computed figures and the batches of open ballots its tally flagged, read
 * by supervisors.
 *
 * | item                                | pk             | sk                        |
 * |-------------------------------------|----------------|---------------------------|
 * | a unit's tally                      | `P#<periodId>` | `U#<unitId>`              |
 * | a flagged batch                     | `P#<periodId>` | `F#<batchId>`             |
 * | the period's last run               | `P#<periodId>` | `RUN`                     |
 * | a unit's snapshot of a CST day      | `P#<periodId>` | `S#<unitId>#<yyyy-mm-dd>` |
 * | a CST day that has snapshots        | `P#<periodId>` | `D#<yyyy-mm-dd>`          |
 *
 * A period's report is one Query (`begins_with(sk, 'U#')`), its flagged batches another (`F#`). The run
 * item is written after every tally and batch of the run, so it records a complete run.
 *
 * Snapshots (domain/evaluation/snapshot.ts) are written with the tallies of every run, keyed by the CST
 * day of its computedAt, so a later run of the same day overwrites them: a day keeps its last run. Unit
 * first, day second, so that a unit's trend within a period is one Query (`begins_with(sk, 'S#<unitId>#')`,
 * oldest day first) and its last snapshot — a period's point in the trend across periods — one Query
 * backwards with Limit 1. Unit ids cannot hold `#`, so no unit's prefix is another's. The days of a period
 * are one Query (`D#`, each with its run's data-as-of time, written after the day's snapshots). A day's
 * snapshot of every unit is not one Query in this design (it is spread over the units' ranges); no reader
 * needs it, and the day's current figures are the tallies themselves. Nothing expires: a year of daily
 * snapshots of 2,000 units is 730,000 items of about 0.5 KB.
 */
const partition = (periodId: string) => `P#${periodId}`;
const RUN_SK = 'RUN';
const BATCH_PREFIX = 'F#';
const DAY_PREFIX = 'D#';
/** The sort-key prefix of a unit's snapshots, and the key of its snapshot of one day. */
export const unitSnapshotPrefix = (unitId: string) => `S#${unitId}#`;
export const snapshotSk = (unitId: string, day: string) => `${unitSnapshotPrefix(unitId)}${day}`;
const BATCH_WRITE_MAX = 25;

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** Stores and lists tallies and flagged batches. */
export function tallyStore(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);

  /** BatchWriteItem, 25 requests a call, retrying unprocessed ones. */
  async function batchWrite(requests: WriteRequest[]): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_WRITE_MAX) {
      let pending = requests.slice(start, start + BATCH_WRITE_MAX);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > BATCH_RETRIES) throw new UnprocessedError('BatchWriteItem');
        if (attempt > 0) await backoff(attempt);
        const out: BatchWriteCommandOutput = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = out.UnprocessedItems?.[table] ?? [];
      }
    }
  }

  /** The sort keys of a period's stored flagged batches (keys only). */
  async function batchKeys(periodId: string): Promise<string[]> {
    const keys: string[] = [];
    const pages = paginateQuery(
      { client: db },
      {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition(periodId), ':prefix': BATCH_PREFIX },
        ProjectionExpression: 'sk',
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) keys.push(String(item.sk));
    return keys;
  }

  return {
    listTallies: (periodId: string): Promise<Tally[]> => items.query(partition(periodId), ZTally, 'U#'),
    getTallyRun: (periodId: string): Promise<TallyRun | undefined> => items.get({ pk: partition(periodId), sk: RUN_SK }, ZTallyRun),
    /** The flagged batches of the period's last tally run, with the reviews that run applied. */
    listFlaggedBatches: (periodId: string): Promise<FlaggedBatch[]> => items.query(partition(periodId), ZFlaggedBatch, BATCH_PREFIX),

    /**
     * Writes every tally and flagged batch of a run and each unit's snapshot of the run's CST day (replacing
     * an earlier run's of that day), deletes the batches of earlier runs that this one no longer flagged (an
     * appeal upheld against all of a batch's ballots, limits raised), then records the day and the run
     * itself.
     */
    async saveTallies(run: TallyRun, tallies: Tally[], batches: FlaggedBatch[]): Promise<void> {
      const key = partition(run.periodId);
      const batchSks = new Set(batches.map((b) => `${BATCH_PREFIX}${b.batchId}`));
      const stale = (await batchKeys(run.periodId)).filter((sk) => !batchSks.has(sk));
      const snapshots = snapshotsOfRun(run, tallies);
      await batchWrite([
        ...tallies.map((t) => ({ PutRequest: { Item: { ...t, pk: key, sk: `U#${t.unitId}` } } })),
        ...snapshots.units.map((s) => ({ PutRequest: { Item: { ...s, pk: key, sk: snapshotSk(s.unitId, s.day) } } })),
        ...batches.map((b) => ({ PutRequest: { Item: { ...b, pk: key, sk: `${BATCH_PREFIX}${b.batchId}` } } })),
        ...stale.map((sk) => ({ DeleteRequest: { Key: { pk: key, sk } } })),
      ]);
      await db.send(new PutCommand({ TableName: table, Item: { ...snapshots.day, pk: key, sk: `${DAY_PREFIX}${snapshots.day.day}` } }));
      await db.send(new PutCommand({ TableName: table, Item: { ...run, pk: key, sk: RUN_SK } }));
    },

    /**
     * Keeps a run's figures as each unit's snapshot of the run's CST day, replacing an earlier run's of that
     * day, then records the day. saveTallies does this as part of every run.
     */
    async saveSnapshots(run: TallyRun, tallies: Tally[]): Promise<void> {
      const key = partition(run.periodId);
      const snapshots = snapshotsOfRun(run, tallies);
      await batchWrite(snapshots.units.map((s) => ({ PutRequest: { Item: { ...s, pk: key, sk: snapshotSk(s.unitId, s.day) } } })));
      await db.send(new PutCommand({ TableName: table, Item: { ...snapshots.day, pk: key, sk: `${DAY_PREFIX}${snapshots.day.day}` } }));
    },

    /** The CST days of a period that have snapshots, oldest first, each with its last run's data-as-of time. */
    listSnapshotDays: (periodId: string): Promise<SnapshotDay[]> => items.query(partition(periodId), ZSnapshotDay, DAY_PREFIX),
    /** A unit's daily snapshots in a period, oldest first: one Query. */
    listUnitSnapshots: (periodId: string, unitId: string): Promise<UnitSnapshot[]> =>
      items.query(partition(periodId), ZUnitSnapshot, unitSnapshotPrefix(unitId)),
    /** A unit's newest snapshot in a period: one Query, backwards, of one item. */
    async lastUnitSnapshot(periodId: string, unitId: string): Promise<UnitSnapshot | undefined> {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': partition(periodId), ':prefix': unitSnapshotPrefix(unitId) },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      return fromItem(ZUnitSnapshot, Items?.[0]);
    },
  };
}

export type TallyStore = ReturnType<typeof tallyStore>;
