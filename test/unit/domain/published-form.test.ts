import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../functions/domain/errors';
import { getPublishedForm, listPublishedForms, type PublishedFormDeps } from '../../../functions/domain/published-form';
import { aForm, aPeriod, aUnit, DURING_PERIOD } from '../../fixtures/catalog';

const ended = aPeriod({ periodId: '2025-annual', name: { 'zh-CN': '2025 年度评议', en: '2025 annual appraisal' }, opensAt: '2025-01-01T00:00:00+08:00', closesAt: '2026-01-01T00:00:00+08:00' });
const deps: PublishedFormDeps = {
  getForm: async (id) => [aForm(), aForm({ formId: 'old', periodId: '2025-annual' })].find((f) => f.formId === id),
  getPeriod: async (id) => [aPeriod(), ended].find((p) => p.periodId === id),
  getUnits: async (ids) => [aUnit({ unitId: 'service-centre' }), aUnit()].filter((u) => ids.includes(u.unitId)),
  listForms: async () => [aForm({ formId: 'old', periodId: '2025-annual' }), aForm(), aForm({ formId: 'orphan', periodId: 'gone' })],
  listPeriods: async () => [aPeriod(), ended],
  now: () => DURING_PERIOD,
};

describe('getPublishedForm', () => {
  it("gives the form with its period's state and its units in the form's order", async () => {
    const published = await getPublishedForm(deps, 'district-2026');

    expect(published.period).toMatchObject({ periodId: '2026-annual', state: 'open' });
    expect(published.units.map((u) => u.unitId)).toEqual(['tax-bureau', 'service-centre']);
  });

  it('answers not found for an unknown form', async () => {
    await expect(getPublishedForm(deps, 'nope')).rejects.toThrow(NotFoundError);
  });
});

describe('listPublishedForms', () => {
  it('lists open forms first, with their period names, and leaves out forms without a period', async () => {
    const forms = await listPublishedForms(deps);

    expect(forms.map((f) => [f.formId, f.state, f.periodName['zh-CN']])).toEqual([
      ['district-2026', 'open', '2026 年度评议'],
      ['old', 'ended', '2025 年度评议'],
    ]);
  });
});
