import { describe, expect, it } from 'vitest';
import { CASE_DEADLINE_DAYS, type Case } from '../../../../functions/domain/cases/case';
import {
  ZDeadlineSettingsInput,
  deadlineDaysFrom,
  getDeadlineSettings,
  setDeadlineSettings,
  type DeadlineDays,
  type DeadlineSettingsDeps,
  type StoredDeadlineSettings,
} from '../../../../functions/domain/cases/deadline-settings';
import { fileCase, newCode } from '../../../../functions/domain/cases/intake';
import { applyAction } from '../../../../functions/domain/cases/lifecycle';
import type { IntakeDeps } from '../../../../functions/domain/cases/ports';
import { ConflictError } from '../../../../functions/domain/errors';
import { messageOfSchemaIssue } from '../../../../functions/domain/messages';
import { CITIZEN, RECEIVED_AT, aCalendar, aUnitCase } from '../../../fixtures/cases';

/** The admin's deadline days per case kind: defaults, validation, revisions, and what intake and reopening count by. */

const SAVED_AT = new Date('2026-05-20T02:00:00Z');

/** The settings' ports over one variable, with the saves kept for the assertions. */
function fakeSettings(stored?: StoredDeadlineSettings) {
  const saves: { settings: StoredDeadlineSettings; expectedRev: number }[] = [];
  const deps: DeadlineSettingsDeps = {
    getDeadlineSettings: async () => stored,
    async saveDeadlineSettings(settings, expectedRev) {
      saves.push({ settings, expectedRev });
      stored = settings;
    },
    now: () => SAVED_AT,
  };
  return { deps, saves };
}

/** Intake's ports with the deadline days given, keeping the cases filed. */
function fakeIntake(days: DeadlineDays) {
  const cases: Case[] = [];
  const deps: IntakeDeps = {
    createCase: async (c) => void cases.push(c),
    findTracking: async () => undefined,
    getCase: async () => undefined,
    listEvents: async () => [],
    saveTransition: async () => undefined,
    listUnitCases: async () => [],
    listCasesOfMonths: async () => [],
    getUnit: async () => undefined,
    workingCalendar: async () => aCalendar(),
    deadlineDays: async () => days,
    now: () => RECEIVED_AT,
    newId: () => '0b6a3c1e-2d4f-4a5b-8c7d-9e0f1a2b3c4d',
    newCode: (length) => newCode(length, () => 0),
  };
  return { deps, cases };
}

describe('getDeadlineSettings', () => {
  it("answers domain.md's defaults at revision 0 while no admin saved any", async () => {
    // act
    const view = await getDeadlineSettings(fakeSettings().deps);

    // assert
    expect(view).toEqual({ days: { consultation: 2, request: 10, complaint: 15, badReview: 15 }, defaults: CASE_DEADLINE_DAYS, rev: 0 });
  });

  it('answers the saved days beside the defaults', async () => {
    // prepare
    const stored = { days: { consultation: 3, request: 8, complaint: 5, badReview: 20 }, rev: 2, updatedAt: SAVED_AT.toISOString() };

    // act
    const view = await getDeadlineSettings(fakeSettings(stored).deps);

    // assert
    expect(view).toEqual({ ...stored, defaults: CASE_DEADLINE_DAYS });
    expect(deadlineDaysFrom(undefined)).toEqual(CASE_DEADLINE_DAYS);
  });
});

describe('ZDeadlineSettingsInput', () => {
  it('names every day count outside 1–60, not whole, or missing, in both languages', () => {
    // act
    const result = ZDeadlineSettingsInput.safeParse({ days: { consultation: 0, request: 2.5, complaint: 61 }, rev: 0 });

    // assert
    expect(result.success).toBe(false);
    const issues = result.error!.issues;
    expect(issues.map((i) => i.path.join('.')).sort()).toEqual(['days.badReview', 'days.complaint', 'days.consultation', 'days.request']);
    const message = messageOfSchemaIssue(issues.find((i) => i.path.join('.') === 'days.complaint')!.message);
    expect(message).toEqual({
      'zh-CN': '办理时限应为 1 至 60 之间的整数（工作日）。',
      en: 'The deadline must be a whole number of working days from 1 to 60.',
    });
  });

  it('takes 1 and 60 working days, and refuses a missing or negative revision', () => {
    // act
    const edges = ZDeadlineSettingsInput.safeParse({ days: { consultation: 1, request: 60, complaint: 1, badReview: 60 }, rev: 0 });
    const noRev = ZDeadlineSettingsInput.safeParse({ days: CASE_DEADLINE_DAYS });
    const negative = ZDeadlineSettingsInput.safeParse({ days: CASE_DEADLINE_DAYS, rev: -1 });

    // assert
    expect(edges.success).toBe(true);
    expect(noRev.error?.issues.map((i) => i.path.join('.'))).toEqual(['rev']);
    expect(negative.error?.issues.map((i) => i.path.join('.'))).toEqual(['rev']);
  });
});

describe('setDeadlineSettings', () => {
  it('saves the first settings at revision 0 as revision 1, on the condition that none exist yet', async () => {
    // prepare
    const { deps, saves } = fakeSettings();
    const days = { consultation: 2, request: 10, complaint: 5, badReview: 15 };

    // act
    const view = await setDeadlineSettings(deps, { days, rev: 0 });

    // assert
    expect(view).toEqual({ days, defaults: CASE_DEADLINE_DAYS, rev: 1, updatedAt: SAVED_AT.toISOString() });
    expect(saves).toEqual([{ settings: { days, rev: 1, updatedAt: SAVED_AT.toISOString() }, expectedRev: 0 }]);
  });

  it('refuses a stale revision with the current one, and saves nothing', async () => {
    // prepare
    const { deps, saves } = fakeSettings({ days: CASE_DEADLINE_DAYS, rev: 3, updatedAt: SAVED_AT.toISOString() });

    // act
    const stale = setDeadlineSettings(deps, { days: { ...CASE_DEADLINE_DAYS, complaint: 5 }, rev: 2 });

    // assert
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ reason: 'staleRevision', params: { rev: 3 } });
    expect(saves).toEqual([]);
  });
});

describe('deadline days at intake and on reopening', () => {
  const days = { consultation: 2, request: 10, complaint: 5, badReview: 7 };

  it("counts a new complaint's deadline by the days set for complaints, and keeps them on the case", async () => {
    // prepare
    const { deps, cases } = fakeIntake(days);

    // act
    const receipt = await fileCase(deps, { kind: 'complaint', description: '周六不开窗口' });

    // assert: 5 working days from Monday 1 June 2026
    expect(receipt.dueDate).toBe('2026-06-08');
    expect(cases[0]).toMatchObject({ dueDate: '2026-06-08', deadlineDays: 5 });
  });

  it("counts a bad review's rectification by the badReview days, whatever its kind", async () => {
    // prepare
    const { deps, cases } = fakeIntake(days);

    // act
    const receipt = await fileCase(deps, { kind: 'complaint', description: '差评回访' }, { source: 'badReview' });

    // assert: 7 working days from Monday 1 June 2026
    expect(receipt.dueDate).toBe('2026-06-10');
    expect(cases[0]).toMatchObject({ source: 'badReview', deadlineDays: 7 });
  });

  it('reopens a case with the days it was given at filing, not the default of its kind', () => {
    // prepare: a complaint given 4 working days, replied
    const c = aUnitCase('REPLIED', { deadlineDays: 4 });
    const now = new Date('2026-06-22T02:00:00Z'); // Monday

    // act
    const { case: next } = applyAction(c, { action: 'callback', satisfied: false }, CITIZEN, now, aCalendar());

    // assert: Tuesday to Friday
    expect(next).toMatchObject({ state: 'REOPENED', dueDate: '2026-06-26', deadlineDays: 4 });
  });

  it("reopens a case filed before the days were kept by its kind's default", () => {
    // prepare
    const c = aUnitCase('REPLIED');
    const now = new Date('2026-06-22T02:00:00Z');

    // act
    const { case: next } = applyAction(c, { action: 'callback', satisfied: false }, CITIZEN, now, aCalendar());

    // assert: 15 working days from Monday 22 June 2026
    expect(c.deadlineDays).toBeUndefined();
    expect(next.dueDate).toBe('2026-07-13');
  });
});
