import * as z from 'zod/mini';
import { ConflictError } from '../errors';
import { fill, schemaMessage, type Message } from '../messages';
import { CASE_DEADLINE_DAYS, type CaseKind } from './case';

/**
 * The deadline days per case kind an admin sets (办理时限): how many working days a new case gets, by its kind,
 * and a bad review's rectification. Until an admin saves them, domain.md's defaults hold (CASE_DEADLINE_DAYS).
 * A case keeps the days it was given at filing (`Case.deadlineDays`): a later change of the setting moves no
 * existing deadline, not even on reopening (重办), which gives the case its own days again.
 */

/** The days an admin may give a kind: at least one working day, at most about three months of them. */
export const DEADLINE_DAYS_RANGE = { min: 1, max: 60 } as const;

export const DEADLINE_SETTINGS_MESSAGES = {
  badDays: {
    'zh-CN': '办理时限应为 {min} 至 {max} 之间的整数（工作日）。',
    en: 'The deadline must be a whole number of working days from {min} to {max}.',
  },
} as const satisfies Record<string, Message>;
const M = DEADLINE_SETTINGS_MESSAGES;

const badDays = schemaMessage(fill(M.badDays, DEADLINE_DAYS_RANGE));
const ZDays = z.int(badDays).check(z.minimum(DEADLINE_DAYS_RANGE.min, badDays), z.maximum(DEADLINE_DAYS_RANGE.max, badDays));

/** Working days by case kind, and `badReview` for a bad review's rectification (whatever its kind). */
export type DeadlineDays = Record<CaseKind | 'badReview', number>;
export const ZDeadlineDays = z
  .object({ consultation: ZDays, request: ZDays, complaint: ZDays, badReview: ZDays })
  .register(z.globalRegistry, { id: 'DeadlineDays', description: 'Working days a new case gets: by kind, and for a bad review (badReview).' });

/** The revision of the settings: 0 while none were saved (the defaults hold), then raised by every save. */
const ZSettingsRev = z.int().check(z.minimum(0));

/** What an admin saves: the days, and the revision they were read at (0 for the defaults). */
export const ZDeadlineSettingsInput = z
  .object({ days: ZDeadlineDays, rev: ZSettingsRev })
  .register(z.globalRegistry, { id: 'DeadlineSettingsInput' });
export type DeadlineSettingsInput = z.infer<typeof ZDeadlineSettingsInput>;

/** The settings as stored (catalog table, store/cases/settings-store.ts). */
export const ZStoredDeadlineSettings = z.object({ days: ZDeadlineDays, rev: z.int().check(z.minimum(1)), updatedAt: z.iso.datetime() });
export type StoredDeadlineSettings = z.infer<typeof ZStoredDeadlineSettings>;

export const ZDeadlineSettings = z
  .object({
    /** The days new cases get now. */
    days: ZDeadlineDays,
    /** domain.md's defaults, for comparison. */
    defaults: ZDeadlineDays,
    rev: ZSettingsRev,
    /** When an admin last saved; absent while the defaults hold. */
    updatedAt: z.optional(z.iso.datetime()),
  })
  .register(z.globalRegistry, { id: 'DeadlineSettings', description: 'The deadline days per case kind, and the defaults they replace.' });
export type DeadlineSettings = z.infer<typeof ZDeadlineSettings>;

/** The days new cases get: the saved settings, or domain.md's defaults while none were saved. */
export const deadlineDaysFrom = (stored: StoredDeadlineSettings | undefined): DeadlineDays => stored?.days ?? { ...CASE_DEADLINE_DAYS };

/** What the settings use cases need from storage. */
export interface DeadlineSettingsDeps {
  getDeadlineSettings(): Promise<StoredDeadlineSettings | undefined>;
  /**
   * Saves the settings if they are still at `expectedRev` (0: none saved yet), in one conditional write;
   * ConflictError('staleRevision') otherwise.
   */
  saveDeadlineSettings(settings: StoredDeadlineSettings, expectedRev: number): Promise<void>;
  now(): Date;
}

const viewOf = (stored: StoredDeadlineSettings | undefined): DeadlineSettings => ({
  days: deadlineDaysFrom(stored),
  defaults: { ...CASE_DEADLINE_DAYS },
  rev: stored?.rev ?? 0,
  ...(stored ? { updatedAt: stored.updatedAt } : {}),
});

/** The deadline days in force (rev 0: the defaults, never saved), beside the defaults. */
export async function getDeadlineSettings(deps: Pick<DeadlineSettingsDeps, 'getDeadlineSettings'>): Promise<DeadlineSettings> {
  return viewOf(await deps.getDeadlineSettings());
}

/**
 * Saves the deadline days new cases get from now on, if nobody saved since `input.rev` was read;
 * existing cases keep theirs. Throws ConflictError('staleRevision') carrying the current revision.
 */
export async function setDeadlineSettings(deps: DeadlineSettingsDeps, input: DeadlineSettingsInput): Promise<DeadlineSettings> {
  const current = await deps.getDeadlineSettings();
  const currentRev = current?.rev ?? 0;
  if (input.rev !== currentRev) throw new ConflictError('staleRevision', { rev: currentRev });
  const saved: StoredDeadlineSettings = { days: input.days, rev: currentRev + 1, updatedAt: deps.now().toISOString() };
  await deps.saveDeadlineSettings(saved, currentRev);
  return viewOf(saved);
}
