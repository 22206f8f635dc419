import * as z from 'zod/mini';
import { ZId } from '../ids';

/**
 * Who may rate, and how a period keeps it to one rating per respondent (domain.md "Anti-manipulation"):
 * the period's admission policy, set by the admin.
 *
 * - `invitation`: only ballots carrying a one-time invitation token (links or QR codes the unit or the
 *   supervising office hands out) are taken.
 * - `serviceRecord` (一事一评): only ballots carrying a token bound to one completed service (办件) are taken;
 *   invitations are still taken, so that deputies and appointed supervisors can rate through theirs.
 * - `open`: anyone with the form's link. Nothing is refused for coming from the same client: a salted daily
 *   client key lets the tally flag what passes the limits below, and a supervisor releases or excludes it.
 *
 * Under every policy a valid token is taken, and a token's group is the ballot's group.
 */
export const ADMISSION_MODES = ['invitation', 'serviceRecord', 'open'] as const;
export const ZAdmissionMode = z.enum(ADMISSION_MODES);
export type AdmissionMode = z.infer<typeof ZAdmissionMode>;

const ZLimit = z.int().check(z.minimum(1), z.maximum(100_000));

/**
 * The thresholds of an open form, per unit. A client is the salted key of an address and a browser, which
 * the platform forgets after the day: "per client" therefore means per client and China Standard Time day.
 */
export const ZOpenLimits = z
  .object({
    /** Ballots for one unit from one client in one day counted without review; later ones are flagged. */
    perClientPerUnitPerDay: ZLimit,
    /** The length of the windows bursts are counted in. */
    burstWindowMinutes: z.int().check(z.minimum(1), z.maximum(1_440)),
    /** Ballots for one unit in one window counted without review; later ones are flagged. */
    burstPerUnit: ZLimit,
    /** Ballots for one unit in one window with the same answers counted without review; later ones are flagged. */
    identicalPerUnit: ZLimit,
  })
  .register(z.globalRegistry, { id: 'OpenLimits', description: 'When ballots of an open form are flagged for review.' });
export type OpenLimits = z.infer<typeof ZOpenLimits>;

/** What happens to a ballot claiming a group that counts only through invitations, without one. */
export const ZUnverifiedClaim = z.union([
  z.object({ action: z.literal('countAs'), groupId: ZId }),
  z.object({ action: z.literal('exclude') }),
]);
export type UnverifiedClaim = z.infer<typeof ZUnverifiedClaim>;

export const ZAdmissionPolicy = z
  .object({
    mode: ZAdmissionMode,
    openLimits: ZOpenLimits,
    /**
     * A ballot that claims a group counting only through invitations (deputies, appointed supervisors …)
     * without an invitation for that group is counted as `groupId` (the general public), or excluded with
     * the reason "unverified group".
     */
    unverifiedClaim: ZUnverifiedClaim,
  })
  .register(z.globalRegistry, { id: 'AdmissionPolicy', description: "Who may rate in a period, and how ballots are kept one per respondent." });
export type AdmissionPolicy = z.infer<typeof ZAdmissionPolicy>;

/**
 * Defaults for a new period: open, generous enough for a household sharing a phone and a service hall's
 * tablet between reviews, and an unverified claim counted as the general public.
 */
export const DEFAULT_OPEN_LIMITS: OpenLimits = {
  perClientPerUnitPerDay: 3,
  burstWindowMinutes: 10,
  burstPerUnit: 60,
  identicalPerUnit: 30,
};
export const defaultAdmission = (publicGroupId: string): AdmissionPolicy => ({
  mode: 'open',
  openLimits: DEFAULT_OPEN_LIMITS,
  unverifiedClaim: { action: 'countAs', groupId: publicGroupId },
});

/** The group most districts call the general public (群众); the default for unverified claims. */
export const PUBLIC_GROUP_ID = 'citizen';

/** How a stored ballot came in: what the tally needs to count it as one respondent's. */
export const ZAdmission = z.union([
  z.object({
    kind: z.literal('open'),
    /** The China Standard Time day of the client key (keys of different days cannot be linked). */
    day: z.iso.date(),
    /** The salted key of the client's address and browser; never the address. */
    clientKey: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  }),
  z.object({
    kind: z.literal('invitation'),
    batchId: ZId,
    /** The group the invitation was issued for, when it was. */
    groupId: z.optional(ZId),
  }),
  z.object({ kind: z.literal('serviceRecord') }),
]);
export type Admission = z.infer<typeof ZAdmission>;

/** Whether a ballot's group is the one its invitation was issued for. */
export const verifiedGroup = (admission: Admission, groupId: string): boolean =>
  admission.kind === 'invitation' && admission.groupId === groupId;
