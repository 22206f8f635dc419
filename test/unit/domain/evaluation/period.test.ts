import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../../functions/domain/errors';
import { PERIOD_MESSAGES as M } from '../../../../functions/domain/evaluation/messages';
import { periodIssues, periodState, ZPeriodInput, type Period, type PeriodInput } from '../../../../functions/domain/evaluation/period';
import { COMMON_MESSAGES, fill, messageOfSchemaIssue } from '../../../../functions/domain/messages';
import {
  createPeriod,
  listPeriodsWithForms,
  updateGroup,
  updatePeriod,
  type PeriodAdminDeps,
} from '../../../../functions/domain/evaluation/period-admin';
import { aForm, aGroup, aPeriod, DURING_PERIOD, STANDARD_GROUP_IDS, someGroups } from '../../../fixtures/catalog';

const GROUPS = new Map(someGroups().map((g) => [g.groupId, g]));

const anInput = (overrides: Partial<PeriodInput> = {}): PeriodInput => {
  const { name, opensAt, closesAt, minSample, groupWeights, admission } = aPeriod();
  return { name, opensAt, closesAt, minSample, groupWeights, admission, ...overrides };
};

describe('periodIssues', () => {
  it('finds nothing wrong with a forward window and weights of known groups summing to 1', () => {
    const issues = periodIssues(anInput(), GROUPS);

    expect(issues).toEqual([]);
  });

  it('wants the period to close after it opens', () => {
    const same = anInput({ opensAt: '2026-01-01T00:00:00+08:00', closesAt: '2026-01-01T00:00:00+08:00' });
    // The same instant written in two offsets is still no window.
    const sameInstant = anInput({ opensAt: '2026-01-01T00:00:00+08:00', closesAt: '2025-12-31T16:00:00Z' });
    const backwards = anInput({ opensAt: '2027-01-01T00:00:00+08:00', closesAt: '2026-01-01T00:00:00+08:00' });

    const issues = [same, sameInstant, backwards].map((input) => periodIssues(input, GROUPS));

    for (const found of issues) expect(found).toEqual([{ path: 'closesAt', message: M.closesAfterOpens }]);
  });

  it('accepts decimal weights that sum to 1 only up to binary rounding (0.1 + 0.2 + 0.7)', () => {
    const input = anInput({ groupWeights: { citizen: 0.1, enterprise: 0.2, deputy: 0.7 } });

    const issues = periodIssues(input, GROUPS);

    expect(issues).toEqual([]);
  });

  it('refuses weights that do not sum to 1, saying what they sum to', () => {
    const under = anInput({ groupWeights: { citizen: 0.5, enterprise: 0.3 } });
    const over = anInput({ groupWeights: { citizen: 0.7, enterprise: 0.4 } });

    const messages = [under, over].map((input) => periodIssues(input, GROUPS));

    expect(messages).toEqual([
      [{ path: 'groupWeights', message: { 'zh-CN': '权重之和须等于 1（现为 0.8）。', en: 'The weights must sum to 1 (they sum to 0.8).' } }],
      [{ path: 'groupWeights', message: { 'zh-CN': '权重之和须等于 1（现为 1.1）。', en: 'The weights must sum to 1 (they sum to 1.1).' } }],
    ]);
  });

  it('takes a weight of 0 or of at least 0.000001, never a value DynamoDB cannot store such as 5e-324', () => {
    const tiny = ZPeriodInput.safeParse({ ...anInput(), groupWeights: { citizen: 1, enterprise: 5e-324 } });
    const fine = ZPeriodInput.safeParse({ ...anInput(), groupWeights: { citizen: 0.999999, enterprise: 0.000001, deputy: 0 } });

    expect(tiny.success).toBe(false);
    expect(tiny.error?.issues.map((i) => [i.path.join('.'), messageOfSchemaIssue(i.message)])).toEqual([
      ['groupWeights.enterprise', fill(COMMON_MESSAGES.tooFine, { step: '0.000001' })],
    ]);
    expect(fine.success).toBe(true);
  });

  it('wants at least one weight above zero', () => {
    const none = anInput({ groupWeights: {} });
    const zeros = anInput({ groupWeights: { citizen: 0, enterprise: 0 } });

    const issues = [none, zeros].map((input) => periodIssues(input, GROUPS));

    expect(issues).toEqual([[{ path: 'groupWeights', message: M.needsAWeight }], [{ path: 'groupWeights', message: M.needsAWeight }]]);
  });

  it('names a weighted group that does not exist, together with every other issue', () => {
    const input = anInput({ closesAt: '2025-01-01T00:00:00+08:00', groupWeights: { citizen: 0.5, tourist: 0.3 } });

    const issues = periodIssues(input, GROUPS);

    expect(issues.map((i) => i.path)).toEqual(['closesAt', 'groupWeights.tourist', 'groupWeights']);
    expect(issues[1]?.message.en).toBe('There is no respondent group "tourist".');
  });
});

describe('periodState', () => {
  it('is open from opensAt inclusive to closesAt exclusive', () => {
    const period = aPeriod();

    const states = [
      periodState(period, new Date('2025-12-31T15:59:59.999Z')),
      periodState(period, new Date('2025-12-31T16:00:00Z')),
      periodState(period, new Date('2026-12-31T15:59:59.999Z')),
      periodState(period, new Date('2026-12-31T16:00:00Z')),
    ];

    expect(states).toEqual(['notYetOpen', 'open', 'open', 'ended']);
  });
});

function fakeDeps(periods: Period[] = [aPeriod()]) {
  const written: Period[] = [];
  const deps: PeriodAdminDeps = {
    getPeriod: async (id) => periods.find((p) => p.periodId === id),
    listPeriods: async () => [...periods],
    listForms: async () => [aForm({ formId: 'windows' }), aForm({ formId: 'annual' }), aForm({ formId: 'old', periodId: '2025-annual' })],
    listGroups: async () => STANDARD_GROUP_IDS.map((id) => aGroup(id)),
    createPeriod: async (p) => void written.push(p),
    replacePeriod: async (p) => void written.push(p),
    createGroup: async () => {},
    replaceGroup: async () => {},
    now: () => DURING_PERIOD,
  };
  return { deps, written };
}

describe('createPeriod', () => {
  it('stores a valid period at revision 1', async () => {
    const { deps, written } = fakeDeps([]);

    const period = await createPeriod(deps, { periodId: '2027-annual', ...anInput() });

    expect(period).toMatchObject({ periodId: '2027-annual', rev: 1, updatedAt: DURING_PERIOD.toISOString() });
    expect(written).toEqual([period]);
  });

  it('stores nothing when a rule is broken, naming every failing field', async () => {
    const { deps, written } = fakeDeps([]);
    const input = { periodId: '2027-annual', ...anInput({ closesAt: '2025-01-01T00:00:00+08:00', groupWeights: { citizen: 0.9 } }) };

    const creation = createPeriod(deps, input);

    await expect(creation).rejects.toBeInstanceOf(ValidationError);
    await expect(creation).rejects.toMatchObject({ fields: [{ path: 'closesAt' }, { path: 'groupWeights' }] });
    expect(written).toEqual([]);
  });
});

describe('updatePeriod', () => {
  it('raises the revision of the period it replaces', async () => {
    const { deps, written } = fakeDeps();

    const period = await updatePeriod(deps, '2026-annual', { ...anInput({ minSample: 30 }), rev: 1 });

    expect(period).toMatchObject({ periodId: '2026-annual', minSample: 30, rev: 2 });
    expect(written).toEqual([period]);
  });

  it('refuses an edit of an old revision, and a period that does not exist', async () => {
    const { deps, written } = fakeDeps();

    const stale = updatePeriod(deps, '2026-annual', { ...anInput(), rev: 7 });
    const missing = updatePeriod(deps, 'nope', { ...anInput(), rev: 1 });

    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ reason: 'staleRevision' });
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
    expect(written).toEqual([]);
  });
});

describe('periodIssues of the admission policy', () => {
  it('counts unverified claims only as a group that exists and needs no invitation', () => {
    const unknown = anInput({ admission: { ...aPeriod().admission, unverifiedClaim: { action: 'countAs', groupId: 'tourist' } } });
    const verified = anInput({ admission: { ...aPeriod().admission, unverifiedClaim: { action: 'countAs', groupId: 'deputy' } } });
    const excluded = anInput({ admission: { ...aPeriod().admission, unverifiedClaim: { action: 'exclude' } } });

    const issues = [unknown, verified, excluded].map((input) => periodIssues(input, GROUPS));

    expect(issues[0]).toEqual([{ path: 'admission.unverifiedClaim.groupId', message: expect.objectContaining({ en: 'There is no respondent group "tourist".' }) }]);
    expect(issues[1]).toEqual([{ path: 'admission.unverifiedClaim.groupId', message: M.countAsVerifiedGroup }]);
    expect(issues[2]).toEqual([]);
  });
});

describe('updateGroup', () => {
  it('refuses a group that does not exist and an old revision', async () => {
    const { deps } = fakeDeps();

    const missing = updateGroup(deps, 'tourist', { name: { 'zh-CN': '游客', en: 'Tourist' }, requiresInvitation: false, rev: 1 });
    const stale = updateGroup(deps, 'citizen', { name: { 'zh-CN': '群众', en: 'Citizen' }, requiresInvitation: false, rev: 3 });

    await expect(missing).rejects.toMatchObject({ entity: 'group', id: 'tourist' });
    await expect(stale).rejects.toMatchObject({ reason: 'staleRevision' });
  });
});

describe('listPeriodsWithForms', () => {
  it('lists the newest period first, each with its forms by id', async () => {
    const { deps } = fakeDeps([aPeriod({ periodId: '2025-annual', opensAt: '2025-01-01T00:00:00+08:00' }), aPeriod()]);

    const periods = await listPeriodsWithForms(deps);

    expect(periods.map((p) => [p.periodId, p.formIds])).toEqual([
      ['2026-annual', ['annual', 'windows']],
      ['2025-annual', ['old']],
    ]);
  });
});
