import { BatchWriteCommand, PutCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ZTally, ZTallyRun, type Tally, type TallyRun } from '../../domain/evaluation/tally';
import { itemsOf } from '../items';
import { BATCH_RETRIES, UnprocessedError, backoff } from '../retry';

/**
 * The tallies table: a period's computed figures, read by supervisors.
 *
 * | item                 | pk            | sk           |
 * |----------------------|---------------|--------------|
 * | a unit's tally       | `P#<periodId>` | `U#<unitId>` |
 * | the period's last run | `P#<periodId>` | `RUN`        |
 *
 * A period's report is one Query (`begins_with(sk, 'U#')`). The run item is written after every tally
 * of the run, so it records a complete run.
 */
const partition = (periodId: string) => `P#${periodId}`;
const RUN_SK = 'RUN';
const BATCH_WRITE_MAX = 25;

/** Stores and lists tallies. */
export function tallyStore(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);
  return {
    listTallies: (periodId: string): Promise<Tally[]> => items.query(partition(periodId), ZTally, 'U#'),
    getTallyRun: (periodId: string): Promise<TallyRun | undefined> => items.get({ pk: partition(periodId), sk: RUN_SK }, ZTallyRun),

    /** Writes every tally of a run (25 per BatchWriteItem, retrying unprocessed items), then the run itself. */
    async saveTallies(run: TallyRun, tallies: Tally[]): Promise<void> {
      const puts = tallies.map((t) => ({
        PutRequest: { Item: { ...t, pk: partition(t.periodId), sk: `U#${t.unitId}` } },
      }));
      for (let start = 0; start < puts.length; start += BATCH_WRITE_MAX) {
        let pending = puts.slice(start, start + BATCH_WRITE_MAX);
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > BATCH_RETRIES) throw new UnprocessedError('BatchWriteItem');
          if (attempt > 0) await backoff(attempt);
          const out: BatchWriteCommandOutput = await db.send(
            new BatchWriteCommand({ RequestItems: { [table]: pending } }),
          );
          pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }
      await db.send(new PutCommand({ TableName: table, Item: { ...run, pk: partition(run.periodId), sk: RUN_SK } }));
    },
  };
}

export type TallyStore = ReturnType<typeof tallyStore>;
