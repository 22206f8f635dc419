import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  deadlineDaysFrom,
  ZStoredDeadlineSettings,
  type DeadlineDays,
  type DeadlineSettingsDeps,
  type StoredDeadlineSettings,
} from '../../domain/cases/deadline-settings';
import { itemsOf } from '../items';

/**
 * The cases context's settings live in the catalog table (store/tables.ts), one item each, read whole:
 *
 * | entity                     | pk         | sk               |
 * |----------------------------|------------|------------------|
 * | deadline days per kind     | `SETTINGS` | `CASE_DEADLINES` |
 */
const deadlinesKey = { pk: 'SETTINGS', sk: 'CASE_DEADLINES' } as const;

/** Reads and writes the deadline days per case kind (domain/cases/deadline-settings.ts). */
export function settingsStore(db: DynamoDBDocumentClient, table: string): Omit<DeadlineSettingsDeps, 'now'> {
  const items = itemsOf(db, table);
  return {
    getDeadlineSettings: (): Promise<StoredDeadlineSettings | undefined> => items.get(deadlinesKey, ZStoredDeadlineSettings),

    /** One conditional Put: the item must not exist yet (expectedRev 0) or still be at `expectedRev`. */
    async saveDeadlineSettings(settings: StoredDeadlineSettings, expectedRev: number): Promise<void> {
      await items.save(deadlinesKey, ZStoredDeadlineSettings.parse(settings), expectedRev);
    },
  };
}

/**
 * The deadline days new cases get as of now (domain.md's defaults while none were saved). One GetItem per
 * call; the intake keeps the result for a few minutes (store/deps.ts does).
 */
export async function loadDeadlineDays(db: DynamoDBDocumentClient, table: string): Promise<DeadlineDays> {
  return deadlineDaysFrom(await settingsStore(db, table).getDeadlineSettings());
}
