import * as z from 'zod/mini';
import type { FieldIssue } from '../errors';
import { fill } from '../messages';
import { ZId } from '../ids';
import { ZDecimal } from '../numbers';
import { ZInstant, ZLocalizedText } from '../text';
import { PUBLIC_GROUP_ID, ZAdmissionPolicy, defaultAdmission } from './admission';
import { FORM_MESSAGES, PERIOD_MESSAGES as M } from './messages';

/** An evaluation period (评议期): when ratings are taken and how they are weighed. */

/** How close to 1 the group weights must sum (decimal input such as 0.1 + 0.2 is not exact in binary). */
export const WEIGHT_SUM_TOLERANCE = 1e-6;

const ZWeight = ZDecimal(0, 1);

/** What an admin enters for a period. */
export const ZPeriodInput = z
  .object({
    name: ZLocalizedText,
    /** ISO 8601 instants with offset (entered in CST); open from `opensAt` (inclusive) to `closesAt` (exclusive). */
    opensAt: ZInstant,
    closesAt: ZInstant,
    /** Below this many ballots a unit shows "insufficient sample" and is not ranked. */
    minSample: z.int().check(z.minimum(1), z.maximum(1_000_000)),
    /** W_g of the composite score S = Σ W_g × S_g by respondent group id; they sum to 1. */
    groupWeights: z.record(ZId, ZWeight),
    /** Who may rate and how ballots are kept one per respondent; open to all by default. */
    admission: z._default(ZAdmissionPolicy, () => defaultAdmission(PUBLIC_GROUP_ID)),
  })
  .register(z.globalRegistry, { id: 'PeriodInput' });
export type PeriodInput = z.infer<typeof ZPeriodInput>;

export const ZPeriod = z
  .object({
    ...ZPeriodInput.shape,
    periodId: ZId,
    /** Revision, raised by every save: an edit names the revision it started from. */
    rev: z.int().check(z.minimum(1)),
    updatedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'Period', description: 'An evaluation period (评议期).' });
export type Period = z.infer<typeof ZPeriod>;

export const ZPeriodState = z.enum(['notYetOpen', 'open', 'ended']);
export type PeriodState = z.infer<typeof ZPeriodState>;

/** Where `at` falls relative to the period's open window. */
export const periodState = (period: Pick<Period, 'opensAt' | 'closesAt'>, at: Date): PeriodState => {
  const t = at.getTime();
  if (t < Date.parse(period.opensAt)) return 'notYetOpen';
  if (t >= Date.parse(period.closesAt)) return 'ended';
  return 'open';
};

/** The sum of weights, for messages: rounded so that float noise does not show. */
const shownSum = (sum: number) => String(Math.round(sum * 1e6) / 1e6);

/** Issues with weights that must sum to 1 (group weights of a period, dimension weights of a question). */
export function weightIssues(path: string, weights: Record<string, number>): FieldIssue[] {
  const values = Object.values(weights);
  if (values.length === 0 || values.every((w) => w === 0)) return [{ path, message: M.needsAWeight }];
  const sum = values.reduce((a, w) => a + w, 0);
  return Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE ? [{ path, message: fill(M.weightsSumToOne, { sum: shownSum(sum) }) }] : [];
}

/**
 * The rules of a period beyond its shape: the window runs forwards, and the group weights name existing
 * groups and sum to 1. Every failing field is returned.
 */
export function periodIssues(input: PeriodInput, groups: ReadonlyMap<string, { requiresInvitation: boolean }>): FieldIssue[] {
  const groupIds = new Set(groups.keys());
  const issues: FieldIssue[] = [];
  const claim = input.admission.unverifiedClaim;
  if (claim.action === 'countAs') {
    const group = groups.get(claim.groupId);
    if (!group) issues.push({ path: 'admission.unverifiedClaim.groupId', message: fill(FORM_MESSAGES.unknownGroup, { id: claim.groupId }) });
    else if (group.requiresInvitation) issues.push({ path: 'admission.unverifiedClaim.groupId', message: M.countAsVerifiedGroup });
  }
  if (Date.parse(input.opensAt) >= Date.parse(input.closesAt)) issues.push({ path: 'closesAt', message: M.closesAfterOpens });
  for (const groupId of Object.keys(input.groupWeights)) {
    if (!groupIds.has(groupId)) issues.push({ path: `groupWeights.${groupId}`, message: fill(FORM_MESSAGES.unknownGroup, { id: groupId }) });
  }
  issues.push(...weightIssues('groupWeights', input.groupWeights));
  return issues;
}
