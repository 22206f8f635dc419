import {
  BatchWriteCommand,
  PutCommand,
  paginateQuery,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ZFlaggedBatch, type FlaggedBatch } from '../../domain/evaluation/review';
import { ZTally, ZTallyRun, type Tally, type TallyRun } from '../../domain/evaluation/tally';
import { itemsOf } from '../items';
import { BATCH_RETRIES, UnprocessedError, backoff } from '../retry';

/**
 * The tallies table: a period's computed figures and the batches of open ballots its tally flagged, read
 * by supervisors.
 *
 * | item                   | pk             | sk            |
 * |------------------------|----------------|---------------|
 * | a unit's tally         | `P#<periodId>` | `U#<unitId>`  |
 * | a flagged batch        | `P#<periodId>` | `F#<batchId>` |
 * | the period's last run  | `P#<periodId>` | `RUN`         |
 *
 * A period's report is one Query (`begins_with(sk, 'U#')`), its flagged batches another (`F#`). The run
 * item is written after every tally and batch of the run, so it records a complete run.
 */
const partition = (periodId: string) => `P#${periodId}`;
const RUN_SK = 'RUN';
const BATCH_PREFIX = 'F#';
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
     * Writes every tally and flagged batch of a run, deletes the batches of earlier runs that this one no
     * longer flagged (an appeal upheld against all of a batch's ballots, limits raised), then records the
     * run itself.
     */
    async saveTallies(run: TallyRun, tallies: Tally[], batches: FlaggedBatch[]): Promise<void> {
      const key = partition(run.periodId);
      const batchSks = new Set(batches.map((b) => `${BATCH_PREFIX}${b.batchId}`));
      const stale = (await batchKeys(run.periodId)).filter((sk) => !batchSks.has(sk));
      await batchWrite([
        ...tallies.map((t) => ({ PutRequest: { Item: { ...t, pk: key, sk: `U#${t.unitId}` } } })),
        ...batches.map((b) => ({ PutRequest: { Item: { ...b, pk: key, sk: `${BATCH_PREFIX}${b.batchId}` } } })),
        ...stale.map((sk) => ({ DeleteRequest: { Key: { pk: key, sk } } })),
      ]);
      await db.send(new PutCommand({ TableName: table, Item: { ...run, pk: key, sk: RUN_SK } }));
    },
  };
}

export type TallyStore = ReturnType<typeof tallyStore>;
