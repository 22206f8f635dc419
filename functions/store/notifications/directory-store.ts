import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SUPERVISORS_ENTRY, ZDirectoryEntry, recipientsFrom, type DirectoryEntry } from '../../domain/notifications/directory';
import type { Recipients } from '../../domain/notifications/notification';
import { fromItem, itemsOf } from '../items';

/**
 * The notification directory lives in the catalog table (store/tables.ts), one partition for all of it:
 *
 * | entity                    | pk       | sk              |
 * |---------------------------|----------|-----------------|
 * | the supervising office's  | `NOTIFY` | `OFFICE`        |
 * | a unit's                  | `NOTIFY` | `UNIT#<unitId>` |
 */
const NOTIFY = 'NOTIFY';
const key = (entryId: string) => ({ pk: NOTIFY, sk: entryId === SUPERVISORS_ENTRY ? 'OFFICE' : `UNIT#${entryId}` });

/** Reads and writes the notification directory. */
export function directoryStore(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);
  return {
    listDirectory: (): Promise<DirectoryEntry[]> => items.query(NOTIFY, ZDirectoryEntry),
    getDirectoryEntry: (entryId: string): Promise<DirectoryEntry | undefined> => items.get(key(entryId), ZDirectoryEntry),
    createDirectoryEntry: (e: DirectoryEntry) => items.create(key(e.entryId), ZDirectoryEntry.parse(e), e.entryId),
    replaceDirectoryEntry: (e: DirectoryEntry, expectedRev: number) => items.replace(key(e.entryId), ZDirectoryEntry.parse(e), expectedRev),

    /** The addresses of a case's unit (none while the office holds it) and of the supervising office, in one read. */
    async recipientsOf(unitId: string | null): Promise<Recipients> {
      const found = await items.batchGet([key(SUPERVISORS_ENTRY), ...(unitId !== null ? [key(unitId)] : [])]);
      const entry = (id: string) => fromItem(ZDirectoryEntry, found.find((i) => i.sk === key(id).sk));
      return recipientsFrom(unitId !== null ? entry(unitId) : undefined, entry(SUPERVISORS_ENTRY));
    },
  };
}
