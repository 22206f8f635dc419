import { describe, expect, it } from 'vitest';
import { DEFAULT_BRIEFING_SETTINGS } from '../../../../functions/domain/briefings/briefing';
import {
  ZBriefingSettingsInput,
  getBriefingSettings,
  numberRaises,
  setBriefingSettings,
  type BriefingSettingsDeps,
  type BriefingSettingsInput,
  type NextNumbers,
  type NumberRaise,
  type StoredBriefingSettings,
} from '../../../../functions/domain/briefings/settings';
import { ConflictError, ValidationError } from '../../../../functions/domain/errors';
import { messageOfSchemaIssue } from '../../../../functions/domain/messages';

/** The admin's briefing settings: defaults, validation of office and thresholds, revisions, and next numbers that only go up. */

const SAVED_AT = new Date('2026-11-29T02:00:00Z');
const OFFICE = '平邑区评议工作领导小组办公室';

/** The settings' ports over variables, with the saves kept for the assertions. */
function fakeSettings(stored?: StoredBriefingSettings, last: NextNumbers = { weekly: 0, monthly: 0 }) {
  const saves: { settings: StoredBriefingSettings; expectedRev: number; raises: readonly NumberRaise[] }[] = [];
  const deps: BriefingSettingsDeps = {
    getStoredBriefingSettings: async () => stored,
    lastNumbers: async () => ({ ...last }),
    async saveBriefingSettings(settings, expectedRev, raises) {
      saves.push({ settings, expectedRev, raises });
      stored = settings;
    },
    now: () => SAVED_AT,
  };
  return { deps, saves };
}

const anInput = (overrides: Partial<BriefingSettingsInput> = {}): BriefingSettingsInput => ({
  office: OFFICE,
  thresholds: { compositeScore: 85, satisfactionRate: 0.92 },
  nextNumber: { weekly: 1, monthly: 1 },
  rev: 0,
  ...overrides,
});

const pathsOf = (result: { error?: { issues: { path: PropertyKey[] }[] } }) => (result.error?.issues ?? []).map((i) => i.path.join('.')).sort();

describe('getBriefingSettings', () => {
  it('answers the defaults at revision 0 and number 1 of each kind while nothing was saved or published', async () => {
    // act
    const view = await getBriefingSettings(fakeSettings().deps);

    // assert
    expect(view).toEqual({ ...DEFAULT_BRIEFING_SETTINGS, nextNumber: { weekly: 1, monthly: 1 }, defaults: DEFAULT_BRIEFING_SETTINGS, rev: 0 });
  });

  it('answers the saved settings beside the defaults, and one after the last published of each kind', async () => {
    // prepare
    const stored = { office: OFFICE, thresholds: { compositeScore: 75, satisfactionRate: 0.85 }, rev: 2, updatedAt: SAVED_AT.toISOString() };

    // act
    const view = await getBriefingSettings(fakeSettings(stored, { weekly: 35, monthly: 8 }).deps);

    // assert
    expect(view).toEqual({ ...stored, nextNumber: { weekly: 36, monthly: 9 }, defaults: DEFAULT_BRIEFING_SETTINGS });
  });
});

describe('ZBriefingSettingsInput', () => {
  it('trims the office, and takes the thresholds at their bounds: 0 and 100 points, 0 and 1 as 满意率', () => {
    // act
    const low = ZBriefingSettingsInput.safeParse(anInput({ office: `  ${OFFICE} `, thresholds: { compositeScore: 0, satisfactionRate: 0 } }));
    const high = ZBriefingSettingsInput.safeParse(anInput({ thresholds: { compositeScore: 100, satisfactionRate: 1 } }));

    // assert
    expect(low.success && low.data.office).toBe(OFFICE);
    expect(high.success).toBe(true);
  });

  it('names an empty or too long office, a score outside 0–100, a 满意率 outside 0–1 and a number below 1, in both languages', () => {
    // act
    const blank = ZBriefingSettingsInput.safeParse(anInput({ office: '   ', thresholds: { compositeScore: 100.5, satisfactionRate: 90 }, nextNumber: { weekly: 0, monthly: 2.5 } }));
    const long = ZBriefingSettingsInput.safeParse(anInput({ office: '办'.repeat(101), thresholds: { compositeScore: -1, satisfactionRate: -0.1 } }));

    // assert
    expect(pathsOf(blank)).toEqual(['nextNumber.monthly', 'nextNumber.weekly', 'office', 'thresholds.compositeScore', 'thresholds.satisfactionRate']);
    expect(pathsOf(long)).toEqual(['office', 'thresholds.compositeScore', 'thresholds.satisfactionRate']);
    const messageAt = (path: string) => messageOfSchemaIssue(blank.error!.issues.find((i) => i.path.join('.') === path)!.message);
    expect(messageAt('office')).toEqual({ 'zh-CN': '请填写发文机关（1 至 100 个字）。', en: 'Give the issuing office (1 to 100 characters).' });
    expect(messageAt('thresholds.compositeScore')?.['zh-CN']).toBe('综合得分门槛应为 0 至 100 之间的数。');
    expect(messageAt('thresholds.satisfactionRate')?.en).toBe('The satisfaction rate threshold must be a fraction from 0 to 1 (0.9 is 90 %).');
    expect(messageAt('nextNumber.weekly')?.en).toBe('An issue number must be a whole number from 1 to 9999.');
  });

  it('refuses a threshold too fine to mean anything (DynamoDB stores no magnitude under 1E-130)', () => {
    // act
    const result = ZBriefingSettingsInput.safeParse(anInput({ thresholds: { compositeScore: 5e-324, satisfactionRate: 1e-7 } }));

    // assert
    expect(pathsOf(result)).toEqual(['thresholds.compositeScore', 'thresholds.satisfactionRate']);
  });

  it('refuses a missing revision, and takes no next number, or one kind only, as leaving the others as they are', () => {
    // act
    const { rev: _rev, ...noRev } = anInput();
    const { nextNumber: _next, ...noNumbers } = anInput();

    // assert
    expect(pathsOf(ZBriefingSettingsInput.safeParse(noRev))).toEqual(['rev']);
    expect(ZBriefingSettingsInput.safeParse(noNumbers).success).toBe(true);
    expect(ZBriefingSettingsInput.safeParse(anInput({ nextNumber: { monthly: 3 } })).success).toBe(true);
    expect(pathsOf(ZBriefingSettingsInput.safeParse(anInput({ nextNumber: { monthly: 0 } })))).toEqual(['nextNumber.monthly']);
  });
});

describe('numberRaises', () => {
  it('raises only the kinds set above one after their last, from the last read to one before the number set', () => {
    // act
    const raises = numberRaises({ weekly: 36, monthly: 9 }, { weekly: 0, monthly: 8 });

    // assert
    expect(raises).toEqual([{ kind: 'weekly', from: 0, to: 35 }]);
  });

  it('leaves a kind not set alone, however far its numbering has gone', () => {
    // act
    const raises = numberRaises({ monthly: 12 }, { weekly: 40, monthly: 8 });
    const none = numberRaises({}, { weekly: 40, monthly: 8 });

    // assert
    expect(raises).toEqual([{ kind: 'monthly', from: 8, to: 11 }]);
    expect(none).toEqual([]);
  });

  it('refuses a number at or below one published, naming the field and the lowest allowed', () => {
    // act
    const refused = (() => {
      try {
        return numberRaises({ weekly: 12, monthly: 3 }, { weekly: 12, monthly: 2 });
      } catch (error) {
        return error;
      }
    })();

    // assert
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fields).toEqual([
      {
        path: 'nextNumber.weekly',
        message: { 'zh-CN': '第12期已发布，期号不能重复：下一期至少为第13期。', en: 'No. 12 is published already and a number never repeats: the next one must be at least 13.' },
      },
    ]);
  });
});

describe('setBriefingSettings', () => {
  it('saves the first settings at revision 0 as revision 1, raising the weekly counter in the same write', async () => {
    // prepare
    const { deps, saves } = fakeSettings(undefined, { weekly: 0, monthly: 4 });

    // act
    const view = await setBriefingSettings(deps, anInput({ nextNumber: { weekly: 36, monthly: 5 } }));

    // assert
    const settings = { office: OFFICE, thresholds: { compositeScore: 85, satisfactionRate: 0.92 }, rev: 1, updatedAt: SAVED_AT.toISOString() };
    expect(saves).toEqual([{ settings, expectedRev: 0, raises: [{ kind: 'weekly', from: 0, to: 35 }] }]);
    expect(view).toEqual({ ...settings, nextNumber: { weekly: 36, monthly: 5 }, defaults: DEFAULT_BRIEFING_SETTINGS });
  });

  it('refuses a stale revision with the current one, and saves nothing', async () => {
    // prepare
    const { deps, saves } = fakeSettings({ ...DEFAULT_BRIEFING_SETTINGS, rev: 3, updatedAt: SAVED_AT.toISOString() });

    // act
    const stale = setBriefingSettings(deps, anInput({ rev: 2 }));

    // assert
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ reason: 'staleRevision', params: { rev: 3 } });
    expect(saves).toEqual([]);
  });

  it('saves the office alone after a briefing took the number shown when the page was read, and raises nothing', async () => {
    // prepare: the page read No. 37 next; No. 37 was published since
    const { deps, saves } = fakeSettings({ ...DEFAULT_BRIEFING_SETTINGS, rev: 1, updatedAt: SAVED_AT.toISOString() }, { weekly: 37, monthly: 2 });
    const { nextNumber: _left, ...officeOnly } = anInput({ rev: 1 });

    // act
    const view = await setBriefingSettings(deps, officeOnly);

    // assert
    expect(saves).toEqual([{ settings: expect.objectContaining({ office: OFFICE, rev: 2 }), expectedRev: 1, raises: [] }]);
    expect(view.nextNumber).toEqual({ weekly: 38, monthly: 3 });
  });

  it('refuses to lower a next number onto a published one, and saves nothing', async () => {
    // prepare: No. 40 of the weekly briefing is published
    const { deps, saves } = fakeSettings(undefined, { weekly: 40, monthly: 0 });

    // act
    const lowered = setBriefingSettings(deps, anInput({ nextNumber: { weekly: 36, monthly: 1 } }));

    // assert
    await expect(lowered).rejects.toMatchObject({ fields: [{ path: 'nextNumber.weekly' }] });
    expect(saves).toEqual([]);
  });
});
