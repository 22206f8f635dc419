import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors';
import { fill } from '../messages';
import { cstDate } from '../working-days';
import {
  ACCESS_CODE_LENGTH,
  CONTACT_MAX_RETENTION_DAYS,
  TRACKING_ALPHABET,
  deadlineDaysOf,
  type Case,
  type CaseCallbackInput,
  type CaseCredentials,
  type CaseEvent,
  type CaseIntake,
  type CaseReceipt,
  type CaseSource,
  type CaseStatus,
} from './case';
import { attachmentIssues, type AttachmentStorePort } from './attachments';
import { applyAction } from './lifecycle';
import { CASE_MESSAGES as M } from './messages';
import type { CaseDeps, IntakeDeps } from './ports';
import { contactExpiryOf } from './workflow';

/**
 * The citizen's side of a case, no account needed: filing it (a tracking number and an access code in
 * return), reading where it stands with both, and answering the callback (回访).
 */

/** `length` random characters of the tracking alphabet (no 0/O, 1/I/L: read out on the phone without doubt). */
export function newCode(length: number, random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < length; i++) code += TRACKING_ALPHABET[random(TRACKING_ALPHABET.length)];
  return code;
}

/** A tracking number: the CST day of receipt and 8 random characters (`20261129-7KQ2M9XA`). */
export function trackingNumberOf(receivedAt: Date, code: string): string {
  return `${cstDate(receivedAt).replaceAll('-', '')}-${code}`;
}

/**
 * The stored proof of an access code: SHA-256 of a per-case salt and the code. Not a slow hash: whoever
 * holds a copy of the cases table reads every case already, so a slow hash would protect only the callback
 * in the citizen's name, at a cost every public status request pays (scrypt's default took 100 ms here).
 * The code's ~49 random bits and one guess per request keep the API itself from being guessed through.
 */
export function hashAccessCode(code: string, salt: string): string {
  return createHash('sha256').update(`${salt}\n${code.toUpperCase()}`).digest('base64');
}

/** Whether `code` is the one whose proof is `hash` (constant time). */
export function accessCodeMatches(code: string, salt: string, hash: string): boolean {
  const given = Buffer.from(hashAccessCode(code, salt), 'base64');
  const stored = Buffer.from(hash, 'base64');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

const DAY_SECONDS = 86_400;

/** Rule checks zod cannot make: contact details for a callback, a phone or an email, a unit that exists and takes cases. */
async function intakeIssues(deps: Pick<CaseDeps, 'getUnit'>, input: CaseIntake): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const contact = input.contact;
  if (contact && !contact.phone && !contact.email) issues.push({ path: 'contact', message: M.contactNeeded });
  if (input.callbackConsent && !contact) issues.push({ path: 'callbackConsent', message: M.consentWithoutContact });
  if (input.unitId) {
    const unit = await deps.getUnit(input.unitId);
    if (!unit) issues.push({ path: 'unitId', message: fill(M.unknownUnit, { id: input.unitId }) });
    else if (unit.status !== 'active') issues.push({ path: 'unitId', message: fill(M.retiredUnit, { id: input.unitId }) });
  }
  return issues;
}

/**
 * Where a case filed by another use case comes from: its source, and for a bad review the case id it
 * must have (one case per ballot and unit: bad-review.ts), which makes filing it twice a ConflictError.
 */
export interface CaseOrigin {
  source: CaseSource;
  caseId?: string;
  /**
   * The unit the case goes to at once, with no office in between: a bad review's rated unit, which is
   * certain (domain.md: it "opens a case for its unit"). The case starts ASSIGNED, the assignment an event
   * of the system's.
   */
  assignTo?: string;
}

/**
 * Files a citizen's case (public): RECEIVED (or ASSIGNED to `origin.assignTo`), with its deadline counted in working days from receipt by the
 * days the admin set for its kind (a bad review's by its own; domain.md's defaults until set) and kept on the
 * case, the contact details stored apart (with a far-future expiry until the case ends), and a tracking number
 * and access code returned — the code only this once. Throws ValidationError naming every
 * failing field (each attachment key not uploaded, or whose stored type, size or bytes are not allowed, at
 * `attachmentKeys.<i>`: attachments.ts), and ConflictError('alreadyExists') when `origin.caseId` is taken.
 */
export async function fileCase(
  deps: IntakeDeps & Partial<Pick<AttachmentStorePort, 'describe' | 'markAttached'>>,
  input: CaseIntake,
  origin: CaseOrigin = { source: 'complaint' },
): Promise<CaseReceipt> {
  const attachmentKeys = input.attachmentKeys ?? [];
  if (attachmentKeys.length > 0 && (!deps.describe || !deps.markAttached)) throw new Error('this function is not bound to the attachments bucket');
  const issues = [...(await intakeIssues(deps, input)), ...(attachmentKeys.length > 0 ? await attachmentIssues({ describe: deps.describe! }, attachmentKeys) : [])];
  if (issues.length > 0) throw new ValidationError(issues);
  // Claimed before the case is written: a case never names a file the unclaimed-upload expiry could still delete.
  if (attachmentKeys.length > 0) await deps.markAttached!(attachmentKeys);
  const now = deps.now();
  const at = now.toISOString();
  const [calendar, days] = await Promise.all([deps.workingCalendar(), deps.deadlineDays()]);
  const base = { source: origin.source, kind: input.kind };
  const deadlineDays = deadlineDaysOf(base, days);
  const due = calendar.addWorkingDays(now, deadlineDays);
  const caseId = origin.caseId ?? deps.newId();
  const accessCode = deps.newCode(ACCESS_CODE_LENGTH);
  const salt = deps.newCode(16);
  const contact = input.contact ? { contact: input.contact, expiresAt: Math.floor(now.getTime() / 1000) + CONTACT_MAX_RETENTION_DAYS * DAY_SECONDS } : undefined;
  // A tracking number is unique by its transaction's condition; a clash (one in 8.5e11 a day) draws again.
  for (let attempt = 0; ; attempt++) {
    const trackingNumber = trackingNumberOf(now, deps.newCode(8));
    const c: Case = {
      caseId,
      trackingNumber,
      ...base,
      unitId: origin.assignTo ?? null,
      requestedUnitId: input.unitId ?? null,
      description: input.description,
      attachmentKeys,
      hasContact: contact !== undefined,
      callbackConsent: input.callbackConsent ?? false,
      state: origin.assignTo ? 'ASSIGNED' : 'RECEIVED',
      receivedAt: at,
      ...(origin.assignTo ? { assignedAt: at } : {}),
      dueDate: due.dueDate,
      dueAt: due.dueAt,
      beyondCalendar: due.beyondCalendar,
      deadlineDays,
      returnCount: 0,
      reopenCount: 0,
      callbackCount: 0,
      escalation: 'none',
      rev: origin.assignTo ? 2 : 1,
      updatedAt: at,
    };
    const events: CaseEvent[] = [{ caseId, seq: 1, at, actor: { kind: 'citizen' }, action: 'file', from: null, to: 'RECEIVED' }];
    if (origin.assignTo) events.push({ caseId, seq: 2, at, actor: { kind: 'system' }, action: 'assign', from: 'RECEIVED', to: 'ASSIGNED', unitId: origin.assignTo });
    try {
      await deps.createCase(c, events, { caseId, salt, hash: hashAccessCode(accessCode, salt) }, contact);
      return { trackingNumber, accessCode, dueDate: due.dueDate, beyondCalendar: due.beyondCalendar };
    } catch (error) {
      if (!(error instanceof ConflictError) || error.reason !== 'alreadyExists' || attempt >= 2) throw error;
      // A given case id is taken: the case exists (a tracking-number clash, one in 8.5e11, answers alike; a retry draws again).
      if (origin.caseId !== undefined) throw error;
    }
  }
}

/** The case a tracking number and access code open; a wrong code answers exactly as an unknown number does. */
async function caseOfCredentials(deps: Pick<CaseDeps, 'findTracking' | 'getCase'>, credentials: CaseCredentials): Promise<Case> {
  const proof = await deps.findTracking(credentials.trackingNumber);
  const c = proof && accessCodeMatches(credentials.accessCode, proof.salt, proof.hash) ? await deps.getCase(proof.caseId) : undefined;
  if (!c) throw new NotFoundError('case', credentials.trackingNumber);
  return c;
}

// What the citizen reads of each event: the outcome and its reason, never a staff member nor the office's internal notes.
const CITIZEN_NOTES = new Set<CaseEvent['action']>(['reject', 'reply', 'callback', 'approveExtension']);

/**
 * Where a case stands, for whoever holds its tracking number and access code (public): state, deadline,
 * reply or rejection reason, and the steps without staff identities or contact details. Throws
 * NotFoundError for an unknown number and for a wrong code alike.
 */
export async function caseStatus(deps: Pick<CaseDeps, 'findTracking' | 'getCase' | 'listEvents'>, credentials: CaseCredentials): Promise<CaseStatus> {
  const c = await caseOfCredentials(deps, credentials);
  const events = await deps.listEvents(c.caseId);
  return {
    trackingNumber: c.trackingNumber,
    kind: c.kind,
    state: c.state,
    receivedAt: c.receivedAt,
    dueDate: c.dueDate,
    beyondCalendar: c.beyondCalendar,
    ...(c.reply ? { reply: c.reply } : {}),
    ...(c.rejectionReason ? { rejectionReason: c.rejectionReason } : {}),
    ...(c.callback ? { callback: { satisfied: c.callback.satisfied, at: c.callback.at } } : {}),
    events: events
      .filter((e) => e.action !== 'escalate')
      .map((e) => ({ at: e.at, action: e.action, from: e.from, to: e.to, ...(e.note !== undefined && CITIZEN_NOTES.has(e.action) ? { note: e.note } : {}) })),
  };
}

/**
 * The citizen's callback (回访, public, with tracking number and access code): satisfied closes a replied
 * case; not satisfied reopens it (重办) with a new deadline. Throws NotFoundError for wrong credentials,
 * ConflictError('illegalTransition') when the case is not waiting for a callback, and
 * ConflictError('staleRevision') when it changed meanwhile.
 */
export async function citizenCallback(deps: CaseDeps, input: CaseCallbackInput): Promise<CaseStatus> {
  const c = await caseOfCredentials(deps, input);
  const { case: next, event } = applyAction(c, { action: 'callback', satisfied: input.satisfied, comment: input.comment }, { kind: 'citizen' }, deps.now(), await deps.workingCalendar());
  await deps.saveTransition(next, event, { rev: c.rev }, contactExpiryOf(next));
  return caseStatus(deps, input);
}
