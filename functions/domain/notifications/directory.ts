import * as z from 'zod/mini';
import { ConflictError, NotFoundError } from '../errors';
import { ZId } from '../ids';
import { fill, schemaMessage } from '../messages';
import { ZInstant } from '../text';
import { DIRECTORY_MAX_ADDRESSES, ZEmailAddress, type Recipients } from './notification';

/**
 * The notification directory (通知名录): where the escalation ladder's messages go. One entry for the
 * supervising office (作风办), one per unit for its case handlers — work addresses an admin keeps, not
 * the staff accounts (a unit's handlers may share a mailbox, and the office's duty address outlives
 * whoever holds the post).
 */

/** The supervising office's entry; any other entry is a unit's, by unit id. */
export const SUPERVISORS_ENTRY = 'supervisors';

export const ZDirectoryAddresses = z
  .array(ZEmailAddress)
  .check(
    z.maxLength(
      DIRECTORY_MAX_ADDRESSES,
      schemaMessage(fill({ 'zh-CN': '最多 {max} 个邮箱。', en: 'At most {max} addresses.' }, { max: DIRECTORY_MAX_ADDRESSES })),
    ),
  );

export const ZDirectoryEntry = z
  .object({
    /** `supervisors`, or the unit's id. */
    entryId: ZId,
    addresses: ZDirectoryAddresses,
    rev: z.int().check(z.minimum(1)),
    updatedAt: ZInstant,
  })
  .register(z.globalRegistry, { id: 'DirectoryEntry', description: 'The addresses the escalation messages of the supervising office or of one unit go to.' });
export type DirectoryEntry = z.infer<typeof ZDirectoryEntry>;

/** The recipients of a case's messages: its unit's entry (none while the office holds it) and the office's. */
export function recipientsFrom(unitEntry: DirectoryEntry | undefined, supervisorsEntry: DirectoryEntry | undefined): Recipients {
  return { unitHandlers: unitEntry?.addresses ?? [], supervisors: supervisorsEntry?.addresses ?? [] };
}

/** What an admin saves for one entry: its addresses, and the revision they read (absent for a new entry). */
export const ZDirectoryEntryInput = z
  .object({ addresses: ZDirectoryAddresses, rev: z.optional(z.int().check(z.minimum(1))) })
  .register(z.globalRegistry, { id: 'DirectoryEntryInput', description: 'The addresses of one directory entry; `rev` when changing an existing one.' });
export type DirectoryEntryInput = z.infer<typeof ZDirectoryEntryInput>;

export const ZDirectory = z
  .object({ entries: z.array(ZDirectoryEntry) })
  .register(z.globalRegistry, { id: 'Directory', description: 'The notification directory: the supervising office and each unit with addresses.' });
export type Directory = z.infer<typeof ZDirectory>;

export interface DirectoryDeps {
  listDirectory(): Promise<DirectoryEntry[]>;
  getDirectoryEntry(entryId: string): Promise<DirectoryEntry | undefined>;
  createDirectoryEntry(entry: DirectoryEntry): Promise<void>;
  replaceDirectoryEntry(entry: DirectoryEntry, expectedRev: number): Promise<void>;
  getUnit(unitId: string): Promise<{ unitId: string } | undefined>;
  now(): Date;
}

/** The whole directory (a district has hundreds of units at most). */
export async function listDirectory(deps: Pick<DirectoryDeps, 'listDirectory'>): Promise<Directory> {
  return { entries: await deps.listDirectory() };
}

/**
 * Saves the addresses of the supervising office's entry or of a unit's (which must exist): a new entry
 * without `rev`, a change with the revision read. ConflictError when the entry exists already (no `rev`)
 * or someone saved it since (`rev` stale); NotFoundError for an unknown unit.
 */
export async function saveDirectoryEntry(deps: DirectoryDeps, entryId: string, input: DirectoryEntryInput): Promise<DirectoryEntry> {
  if (entryId !== SUPERVISORS_ENTRY && !(await deps.getUnit(entryId))) throw new NotFoundError('unit', entryId);
  const addresses = [...new Set(input.addresses)];
  const updatedAt = deps.now().toISOString();
  if (input.rev === undefined) {
    const entry: DirectoryEntry = { entryId, addresses, rev: 1, updatedAt };
    await deps.createDirectoryEntry(entry);
    return entry;
  }
  const current = await deps.getDirectoryEntry(entryId);
  if (!current || current.rev !== input.rev) throw new ConflictError('staleRevision', { rev: current?.rev ?? 0 });
  const entry: DirectoryEntry = { ...current, addresses, rev: current.rev + 1, updatedAt };
  await deps.replaceDirectoryEntry(entry, current.rev);
  return entry;
}
