import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { BRIEFING_KINDS, DEFAULT_BRIEFING_SETTINGS, ZBriefing, ZBriefingSettings, type Briefing, type BriefingKind, type BriefingSettings } from '../../domain/briefings/briefing';
import type { BriefingStorePort } from '../../domain/briefings/ports';
import { ZStoredBriefingSettings, type BriefingSettingsDeps, type NextNumbers, type NumberRaise, type StoredBriefingSettings } from '../../domain/briefings/settings';
import { ConflictError } from '../../domain/errors';
import { conflictOf, itemsOf, onRevision } from '../items';
import { backoff } from '../retry';

/**
 * The briefings table (store/tables.ts): the weekly briefings and monthly reports, one item per window,
 * and per kind the counter their numbers are taken from.
 *
 * | item                        | pk             | sk                        |
 * |-----------------------------|----------------|---------------------------|
 * | a briefing (draft or published) | `K#<kind>` | `W#<first day of the window>` |
 * | the number counter of a kind | `K#<kind>`    | `COUNTER` (`last`: the last number published) |
 * | the settings (office, thresholds, `rev`) | `SETTINGS` | `SETTINGS`      |
 *
 * A kind's list is one Query (`begins_with(sk, 'W#')`, oldest window first): about 52 weekly items a year.
 * The window's key makes one briefing per window (a draft is created only if the key is new). Publication
 * is one transaction: the counter from N to N+1 (on its value read) and the briefing from draft to
 * published with number N+1 (on its revision read and its state still draft), so numbers have no gaps and
 * no duplicates. A published briefing is never written again: every write of a briefing is conditioned on
 * `state = draft`.
 *
 * An admin's save of the settings is one conditional write of the settings item (on its revision read),
 * in one transaction with the counters it raises (each on the `last` read): a publication that took a
 * number in between makes the save fail rather than be overwritten, and a save that raised the counter
 * first makes the publication's own condition fail, so it reads the counter again and takes the raised
 * number. Only the briefings (`W#…`) enter the audit chain (store/audit/audit-sources.ts): a published
 * briefing carries its number, office and thresholds, so what the settings did to it is chained with it.
 */
const kindPk = (kind: BriefingKind) => `K#${kind}`;
const WINDOW_PREFIX = 'W#';
const briefingKey = (b: Pick<Briefing, 'kind' | 'from'>) => ({ pk: kindPk(b.kind), sk: `${WINDOW_PREFIX}${b.from}` });
const counterKey = (kind: BriefingKind) => ({ pk: kindPk(kind), sk: 'COUNTER' });
const SETTINGS_KEY = { pk: 'SETTINGS', sk: 'SETTINGS' };

/** A briefing's item: its fields and its key (the audit chain reads publications from this table's stream by it). */
export const briefingItem = (b: Briefing) => ({ ...ZBriefing.parse(b), ...briefingKey(b) });
/** A kind's counter item: the last number published. */
export const counterItem = (kind: BriefingKind, last: number) => ({ ...counterKey(kind), kind, last });

const ZCounter = z.object({ kind: z.string(), last: z.int() });
/** A counter's Put on the `last` read (0: the counter does not exist yet). */
const counterOn = (last: number) =>
  last === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: '#last = :last', ExpressionAttributeNames: { '#last': 'last' }, ExpressionAttributeValues: { ':last': last } };
/** How often a publication retries when another one took the next number first. */
const PUBLISH_ATTEMPTS = 5;

/** The briefing id's window start and kind, from the id (`weekly-2026-11-23`, `monthly-2026-11`). */
function keyOfId(briefingId: string) {
  const kind: BriefingKind = briefingId.startsWith('weekly-') ? 'weekly' : 'monthly';
  const rest = briefingId.slice(kind.length + 1);
  return briefingKey({ kind, from: kind === 'weekly' ? rest : `${rest}-01` });
}

/** Reads and writes briefings, their counters and settings. */
export function briefingStore(db: DynamoDBDocumentClient, table: string): BriefingStorePort {
  const items = itemsOf(db, table);
  const draftOnRev = (expectedRev: number) => ({
    ConditionExpression: 'rev = :rev AND #state = :draft',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':rev': expectedRev, ':draft': 'draft' },
  });

  return {
    getBriefing: (briefingId: string): Promise<Briefing | undefined> => items.get(keyOfId(briefingId), ZBriefing),
    listBriefings: (kind: BriefingKind): Promise<Briefing[]> => items.query(kindPk(kind), ZBriefing, WINDOW_PREFIX),

    async createDraft(b: Briefing): Promise<void> {
      await items.create(briefingKey(b), ZBriefing.parse(b), b.briefingId);
    },

    async saveDraft(b: Briefing, expectedRev: number): Promise<void> {
      try {
        await db.send(new PutCommand({ TableName: table, Item: briefingItem(b), ...draftOnRev(expectedRev) }));
      } catch (error) {
        conflictOf(error, 'staleRevision', { rev: expectedRev });
      }
    },

    async publish(b: Briefing, expectedRev: number): Promise<number> {
      for (let attempt = 0; ; attempt++) {
        const { Item } = await db.send(new GetCommand({ TableName: table, Key: counterKey(b.kind), ConsistentRead: true }));
        const last = Item ? ZCounter.parse(Item).last : 0;
        const number = last + 1;
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: table,
                    Item: counterItem(b.kind, number),
                    ...counterOn(last),
                  },
                },
                { Put: { TableName: table, Item: briefingItem({ ...b, number }), ...draftOnRev(expectedRev) } },
              ],
            }),
          );
          return number;
        } catch (error) {
          const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
          if (reasons[1]?.Code === 'ConditionalCheckFailed') throw new ConflictError('staleRevision', { rev: expectedRev });
          // Another publication took the number (the counter's condition), or the two collided: read it again.
          const raced = reasons[0]?.Code === 'ConditionalCheckFailed' || reasons.some((r) => r.Code === 'TransactionConflict');
          if (!raced || attempt + 1 >= PUBLISH_ATTEMPTS) throw error;
          await backoff(attempt + 1);
        }
      }
    },

    async briefingSettings(): Promise<BriefingSettings> {
      return (await items.get(SETTINGS_KEY, ZBriefingSettings)) ?? DEFAULT_BRIEFING_SETTINGS;
    },
  };
}

/** Reads and writes the admin's briefing settings and raises the number counters (domain/briefings/settings.ts). */
export function briefingSettingsStore(db: DynamoDBDocumentClient, table: string): Omit<BriefingSettingsDeps, 'now'> {
  const items = itemsOf(db, table);
  const lastOf = async (kind: BriefingKind) => {
    const { Item } = await db.send(new GetCommand({ TableName: table, Key: counterKey(kind), ConsistentRead: true }));
    return Item ? ZCounter.parse(Item).last : 0;
  };

  return {
    getStoredBriefingSettings: (): Promise<StoredBriefingSettings | undefined> => items.get(SETTINGS_KEY, ZStoredBriefingSettings),

    async lastNumbers(): Promise<NextNumbers> {
      const [weekly, monthly] = await Promise.all(BRIEFING_KINDS.map(lastOf));
      return { weekly: weekly!, monthly: monthly! };
    },

    /** The settings' Put on the revision read, alone or in one transaction with the counters' Puts on the `last` read. */
    async saveBriefingSettings(settings: StoredBriefingSettings, expectedRev: number, raises: readonly NumberRaise[]): Promise<void> {
      const settingsPut = {
        TableName: table,
        Item: { ...ZStoredBriefingSettings.parse(settings), ...SETTINGS_KEY },
        ...onRevision(expectedRev),
      };
      try {
        if (raises.length === 0) await db.send(new PutCommand(settingsPut));
        else
          await db.send(
            new TransactWriteCommand({
              TransactItems: [{ Put: settingsPut }, ...raises.map((r) => ({ Put: { TableName: table, Item: counterItem(r.kind, r.to), ...counterOn(r.from) } }))],
            }),
          );
      } catch (error) {
        // A publication's transaction on the same counter at the same moment: as stale as one that won.
        const collided = error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
        if (collided) throw new ConflictError('staleRevision', { rev: expectedRev });
        conflictOf(error, 'staleRevision', { rev: expectedRev });
      }
    },
  };
}
