import type { AdmissionPolicy } from '../../../../functions/domain/evaluation/admission';
import { keyRingOf, signToken, type KeyRing, type TokenClaims } from '../../../../functions/domain/evaluation/ballot-token';
import type { Period } from '../../../../functions/domain/evaluation/period';
import type { Response, SubmissionClient, SubmissionContext, SubmitResponseDeps } from '../../../../functions/domain/evaluation/response';
import { DURING_PERIOD, aForm, aFormVersion, aPeriod } from '../../../fixtures/catalog';

/**
 * Plain-value ports for submitResponse (response.test.ts, submission.test.ts): an in-memory responses
 * table keyed by period and ballot reference, as the conditional write keys it, a key ring, day salts and
 * a clock. Local to these tests: the admission fields are new, and test/fixtures may not know them yet.
 */

export const KEY_1 = 'k1-key-material-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
export const KEY_2 = 'k2-key-material-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
/** A ring whose current key is k1. */
export const aRing = (stored: Record<string, string> = { current: 'k1', k1: KEY_1 }): KeyRing => keyRingOf(stored);

export const OPEN_LIMITS = { perClientPerUnitPerDay: 3, burstWindowMinutes: 10, burstPerUnit: 60, identicalPerUnit: 30 };

/** An admission policy: open by default, unverified claims counted as citizens. */
export const anAdmission = (overrides: Partial<AdmissionPolicy> = {}): AdmissionPolicy => ({
  mode: 'open',
  openLimits: OPEN_LIMITS,
  unverifiedClaim: { action: 'countAs', groupId: 'citizen' },
  ...overrides,
});

/** aPeriod() with an admission policy (open unless said otherwise). */
export const aPeriodWith = (admission: Partial<AdmissionPolicy> = {}, overrides: Partial<Period> = {}): Period =>
  aPeriod({ admission: anAdmission(admission), ...overrides });

export const aContext = (overrides: Partial<SubmissionContext> = {}): SubmissionContext => ({
  form: aForm(),
  version: aFormVersion(),
  period: aPeriodWith(),
  ...overrides,
});

export const A_CLIENT: SubmissionClient = { address: '203.0.113.7', userAgent: 'Mozilla/5.0 (iPhone) MicroMessenger/8.0' };

/** Claims of an invitation for tax-bureau in aPeriod(), valid until the period ends. */
export const invitationClaims = (overrides: Partial<TokenClaims> = {}): TokenClaims => ({
  kind: 'invitation',
  periodId: '2026-annual',
  unitId: 'tax-bureau',
  expiresAt: new Date('2027-01-01T00:00:00+08:00'),
  serial: 'batch0001-1',
  ...overrides,
});

export const serviceRecordClaims = (overrides: Partial<TokenClaims> = {}): TokenClaims => ({
  kind: 'serviceRecord',
  periodId: '2026-annual',
  unitId: 'tax-bureau',
  expiresAt: new Date('2027-01-01T00:00:00+08:00'),
  serial: 'cmVjb3JkLWRpZ2VzdA',
  ...overrides,
});

/** A token signed with aRing()'s current key. */
export const aToken = (claims: TokenClaims = invitationClaims(), ring: KeyRing = aRing()) => signToken(ring, claims);

export interface FakeSubmitStore {
  deps: SubmitResponseDeps;
  /** The stored responses by `<periodId> <ballotRef>`. */
  stored: Map<string, Response>;
  /** The days whose salt was asked for, in order. */
  saltDays: string[];
  /** How many writes were attempted (puts, conditional or not). */
  writes: () => number;
  /** How many times each port that writes was called. */
  calls: { putResponseOnce: number; findResponse: number };
  /** Moves the clock. */
  setNow(at: Date): void;
  /** Replaces what loadSubmissionContext answers (the form closed, the period moved …). */
  setContext(ctx: SubmissionContext): void;
}

/**
 * In-memory ports. Receipt codes come from `receiptCodes` in turn, then `ZZZZ-ZZZZ-0001` … (never derived from
 * the submission), new ids are numbered UUIDs.
 */
export function fakeSubmitStore(options: { ctx?: SubmissionContext; ring?: KeyRing; now?: Date; receiptCodes?: string[] } = {}): FakeSubmitStore {
  let ctx = options.ctx ?? aContext();
  let now = options.now ?? DURING_PERIOD;
  const ring = options.ring ?? aRing();
  const codes = [...(options.receiptCodes ?? ['7KQ2-M9XD-4HRT', 'C3PV-8WNB-Q2ZF', 'H6TJ-1YAE-K7MS', 'P4RX-W2GD-9BNC', 'V8MZ-3KQT-6JHW'])];
  let ids = 0;
  let drawn = 0;
  let writes = 0;
  const calls = { putResponseOnce: 0, findResponse: 0 };
  const stored = new Map<string, Response>();
  const salts = new Map<string, string>();
  const saltDays: string[] = [];
  const keyOf = (periodId: string, ballotRef: string) => `${periodId} ${ballotRef}`;
  const deps: SubmitResponseDeps = {
    loadSubmissionContext: async () => ctx,
    ballotKeys: async () => ring,
    daySalt: async (day) => {
      saltDays.push(day);
      if (!salts.has(day)) salts.set(day, Buffer.from(`salt of ${day}`.padEnd(32, '.')).toString('base64'));
      return salts.get(day)!;
    },
    putResponseOnce: async (response) => {
      writes += 1;
      calls.putResponseOnce += 1;
      const key = keyOf(response.periodId, response.ballotRef);
      const existing = stored.get(key);
      if (existing) return { stored: false, existing };
      stored.set(key, structuredClone(response));
      return { stored: true };
    },
    findResponse: async (periodId, ballotRef) => {
      writes += 1;
      calls.findResponse += 1;
      return stored.get(keyOf(periodId, ballotRef));
    },
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    newReceiptCode: () => codes.shift() ?? `ZZZZ-ZZZZ-${String(++drawn).padStart(4, '0')}`,
    now: () => now,
  };
  return {
    deps,
    stored,
    saltDays,
    writes: () => writes,
    calls,
    setNow: (at) => void (now = at),
    setContext: (next) => void (ctx = next),
  };
}

/** What a promise rejected with; fails the test when it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
