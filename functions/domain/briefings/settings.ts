import * as z from 'zod/mini';
import { ConflictError, ValidationError, type FieldIssue } from '../errors';
import { fill, schemaMessage } from '../messages';
import { BRIEFING_KINDS, DEFAULT_BRIEFING_SETTINGS, ZBriefingSettings, type BriefingKind, type BriefingSettings } from './briefing';
import { BRIEFING_MESSAGES as M } from './messages';

/**
 * The briefing settings an admin sets (简报设置): the issuing office (发文机关) printed under every briefing's
 * title, the thresholds a unit is reported under, and where each kind's numbering goes on. Until an admin
 * saves, DEFAULT_BRIEFING_SETTINGS hold. A draft takes the office and thresholds in force when it is drafted
 * (or refreshed); a published briefing keeps the ones it was published with.
 *
 * The next number (第N期) is one after the last published of its kind. An admin may raise it — a district
 * that moves to Pingyi after paper briefing No. 35 continues at No. 36 — but never lower it to or below a
 * number already published: a number never repeats. A raise leaves a gap in Pingyi's own numbers on purpose.
 */

/** The highest issue number an admin may set: far beyond a weekly briefing's century. */
export const NEXT_NUMBER_MAX = 9999;

const badNumber = schemaMessage(fill(M.badNumber, { max: NEXT_NUMBER_MAX }));
const ZNextNumber = z.int(badNumber).check(z.minimum(1, badNumber), z.maximum(NEXT_NUMBER_MAX, badNumber));

/** The number the next publication of each kind takes. */
export const ZNextNumbers = z
  .object({ weekly: ZNextNumber, monthly: ZNextNumber })
  .register(z.globalRegistry, { id: 'BriefingNextNumbers', description: 'The number (第N期) the next published briefing of each kind takes.' });
export type NextNumbers = Record<BriefingKind, number>;

/** The revision of the settings: 0 while none were saved (the defaults hold), then raised by every save. */
const ZSettingsRev = z.int().check(z.minimum(0));

/**
 * The next numbers an admin sets. A kind left out keeps its numbering: a save that leaves the numbers alone
 * never meets a publication that took one since the page was read.
 */
export const ZNextNumbersSet = z
  .partial(ZNextNumbers)
  .register(z.globalRegistry, { id: 'BriefingNextNumbersSet', description: 'The next number (第N期) to set for each kind; a kind left out keeps its numbering.' });
export type NextNumbersSet = Partial<NextNumbers>;

/** What an admin saves: office, thresholds, the next numbers set (if any), and the revision read (0 for the defaults). */
export const ZBriefingSettingsInput = z
  .object({ ...ZBriefingSettings.shape, nextNumber: z.optional(ZNextNumbersSet), rev: ZSettingsRev })
  .register(z.globalRegistry, { id: 'BriefingSettingsInput' });
export type BriefingSettingsInput = z.infer<typeof ZBriefingSettingsInput>;

/** The settings as stored (the briefings table's `SETTINGS` item, store/briefings/briefing-store.ts); the numbers live in the counters. */
export const ZStoredBriefingSettings = z.object({ ...ZBriefingSettings.shape, rev: z.int().check(z.minimum(1)), updatedAt: z.iso.datetime() });
export type StoredBriefingSettings = z.infer<typeof ZStoredBriefingSettings>;

export const ZBriefingSettingsView = z
  .object({
    ...ZBriefingSettings.shape,
    /** One after the last published of each kind. */
    nextNumber: ZNextNumbers,
    /** The defaults, for comparison. */
    defaults: ZBriefingSettings,
    rev: ZSettingsRev,
    /** When an admin last saved; absent while the defaults hold. */
    updatedAt: z.optional(z.iso.datetime()),
  })
  .register(z.globalRegistry, { id: 'BriefingSettingsView', description: 'The briefing settings in force, the next number of each kind, and the defaults.' });
export type BriefingSettingsView = z.infer<typeof ZBriefingSettingsView>;

/** A raise of a kind's counter: from the last number read to the one before the next number set. */
export interface NumberRaise {
  kind: BriefingKind;
  /** The last published number read (0: none yet); the write holds only while the counter is still there. */
  from: number;
  to: number;
}

/** What the settings use cases need from storage. */
export interface BriefingSettingsDeps {
  getStoredBriefingSettings(): Promise<StoredBriefingSettings | undefined>;
  /** The last number published of each kind (0 before the first), read consistently. */
  lastNumbers(): Promise<NextNumbers>;
  /**
   * Saves the settings if they are still at `expectedRev` (0: none saved yet) and raises each counter in
   * `raises` if it is still at its `from` — all in one write, or none; ConflictError('staleRevision') otherwise.
   */
  saveBriefingSettings(settings: StoredBriefingSettings, expectedRev: number, raises: readonly NumberRaise[]): Promise<void>;
  now(): Date;
}

const settingsOf = (stored: StoredBriefingSettings | undefined): BriefingSettings =>
  stored ? { office: stored.office, thresholds: stored.thresholds } : { ...DEFAULT_BRIEFING_SETTINGS, thresholds: { ...DEFAULT_BRIEFING_SETTINGS.thresholds } };

const viewOf = (stored: StoredBriefingSettings | undefined, last: NextNumbers): BriefingSettingsView => ({
  ...settingsOf(stored),
  nextNumber: { weekly: last.weekly + 1, monthly: last.monthly + 1 },
  defaults: DEFAULT_BRIEFING_SETTINGS,
  rev: stored?.rev ?? 0,
  ...(stored ? { updatedAt: stored.updatedAt } : {}),
});

/** The settings in force (rev 0: the defaults, never saved) with the next number of each kind, beside the defaults. */
export async function getBriefingSettings(deps: Pick<BriefingSettingsDeps, 'getStoredBriefingSettings' | 'lastNumbers'>): Promise<BriefingSettingsView> {
  const [stored, last] = await Promise.all([deps.getStoredBriefingSettings(), deps.lastNumbers()]);
  return viewOf(stored, last);
}

/**
 * The next numbers' rule: each number set at least one after the last published of its kind (400 naming
 * the field otherwise, with the lowest allowed), and the counters to raise for those set higher. A kind not
 * set is left as it is.
 */
export function numberRaises(next: NextNumbersSet, last: NextNumbers): NumberRaise[] {
  const set = BRIEFING_KINDS.flatMap((kind) => (next[kind] === undefined ? [] : [{ kind, number: next[kind] }]));
  const issues: FieldIssue[] = set
    .filter(({ kind, number }) => number <= last[kind])
    .map(({ kind }) => ({ path: `nextNumber.${kind}`, message: fill(M.numberTaken, { last: last[kind], min: last[kind] + 1 }) }));
  if (issues.length > 0) throw new ValidationError(issues);
  return set.filter(({ kind, number }) => number > last[kind] + 1).map(({ kind, number }) => ({ kind, from: last[kind], to: number - 1 }));
}

/**
 * Saves the office and thresholds new drafts take from now on and raises the next numbers set higher, if
 * nobody saved since `input.rev` was read (ConflictError('staleRevision') carrying the current revision)
 * and no publication took a number meanwhile (the same conflict: reload and see the number it took).
 */
export async function setBriefingSettings(deps: BriefingSettingsDeps, input: BriefingSettingsInput): Promise<BriefingSettingsView> {
  const [current, last] = await Promise.all([deps.getStoredBriefingSettings(), deps.lastNumbers()]);
  const currentRev = current?.rev ?? 0;
  if (input.rev !== currentRev) throw new ConflictError('staleRevision', { rev: currentRev });
  const raises = numberRaises(input.nextNumber ?? {}, last);
  const saved: StoredBriefingSettings = { office: input.office, thresholds: input.thresholds, rev: currentRev + 1, updatedAt: deps.now().toISOString() };
  await deps.saveBriefingSettings(saved, currentRev, raises);
  const raised = { ...last };
  for (const r of raises) raised[r.kind] = r.to;
  return viewOf(saved, raised);
}
