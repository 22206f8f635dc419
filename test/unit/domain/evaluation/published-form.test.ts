import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../functions/domain/errors';
import type { Form, FormVersion } from '../../../../functions/domain/evaluation/form';
import {
  getPublishedForm,
  listPublishedForms,
  previewForm,
  type PublishedFormDeps,
} from '../../../../functions/domain/evaluation/published-form';
import {
  aForm,
  aFormContent,
  aFormVersion,
  aGroup,
  aGroupQuestion,
  aPeriod,
  aRatingQuestion,
  aUnit,
  aUnitWithId,
  DURING_PERIOD,
} from '../../../fixtures/catalog';

const lastYear = aPeriod({
  periodId: '2025-annual',
  name: { 'zh-CN': '2025 年度评议', en: '2025 annual appraisal' },
  opensAt: '2025-01-01T00:00:00+08:00',
  closesAt: '2026-01-01T00:00:00+08:00',
});
const nextYear = aPeriod({ periodId: '2027-annual', opensAt: '2027-01-01T00:00:00+08:00', closesAt: '2028-01-01T00:00:00+08:00' });

function fakeDeps(forms: Form[], versions: FormVersion[]): PublishedFormDeps {
  return {
    getForm: async (id) => forms.find((f) => f.formId === id),
    getFormVersion: async (formId, version) => versions.find((v) => v.formId === formId && v.version === version),
    getPeriod: async (id) => [aPeriod(), lastYear, nextYear].find((p) => p.periodId === id),
    getUnits: async (ids) => [aUnit(), aUnitWithId('service-centre')].filter((u) => ids.includes(u.unitId)),
    listGroups: async () => [aGroup('citizen'), aGroup('enterprise'), aGroup('deputy'), aGroup('tourist')],
    listForms: async () => forms,
    listPeriods: async () => [aPeriod(), lastYear, nextYear],
    now: () => DURING_PERIOD,
  };
}

describe('getPublishedForm', () => {
  const v1 = aFormVersion({ version: 1, content: aFormContent({ title: { 'zh-CN': '旧版', en: 'Old' } }) });
  const v2 = aFormVersion({
    version: 2,
    content: aFormContent({
      unitIds: ['service-centre', 'gone', 'tax-bureau'],
      defaultGroup: 'deputy',
      questions: [aRatingQuestion(), aGroupQuestion(['citizen', 'enterprise'])],
    }),
  });

  it("gives the latest version with its period's state, its units in the form's order and the groups it offers", async () => {
    const deps = fakeDeps([aForm({ latestVersion: 2, draft: aFormContent({ title: { 'zh-CN': '草稿', en: 'Draft' } }) })], [v1, v2]);

    const published = await getPublishedForm(deps, 'district-2026');

    expect(published).toMatchObject({ formId: 'district-2026', version: 2, preview: false, content: v2.content });
    expect(published.period).toMatchObject({ periodId: '2026-annual', state: 'open' });
    expect(published.units.map((u) => u.unitId)).toEqual(['service-centre', 'tax-bureau']);
    expect(published.groups.map((g) => g.groupId)).toEqual(['citizen', 'enterprise', 'deputy']);
  });

  it('shows a closed form as ended even while its period is open', async () => {
    const deps = fakeDeps([aForm({ status: 'closed' })], [v1]);

    const published = await getPublishedForm(deps, 'district-2026');

    expect(published.period.state).toBe('ended');
  });

  it('does not know a form never published, nor one that does not exist', async () => {
    const deps = fakeDeps([aForm({ status: 'draft', latestVersion: 0 })], []);

    const draft = getPublishedForm(deps, 'district-2026');
    const missing = getPublishedForm(deps, 'nope');

    await expect(draft).rejects.toBeInstanceOf(NotFoundError);
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('previewForm', () => {
  it('shows the draft exactly as respondents will see it, as version 0 marked as a preview', async () => {
    const draft = aFormContent({ title: { 'zh-CN': '草稿', en: 'Draft' } });
    const deps = fakeDeps([aForm({ status: 'draft', latestVersion: 0, draft })], []);

    const preview = await previewForm(deps, 'district-2026');

    expect(preview).toMatchObject({ version: 0, preview: true, status: 'draft', content: draft });
  });
});

describe('listPublishedForms', () => {
  it('lists published forms, open ones first, and leaves out drafts and forms without a period', async () => {
    const forms = [
      aForm({ formId: 'old', periodId: '2025-annual' }),
      aForm({ formId: 'soon', periodId: '2027-annual' }),
      aForm({ formId: 'district-2026' }),
      aForm({ formId: 'closed-early', status: 'closed' }),
      aForm({ formId: 'draft', status: 'draft', latestVersion: 0 }),
      aForm({ formId: 'orphan', periodId: 'gone' }),
    ];
    const versions = forms.map((f) => aFormVersion({ formId: f.formId, periodId: f.periodId }));

    const list = await listPublishedForms(fakeDeps(forms, versions));

    expect(list.map((f) => [f.formId, f.state])).toEqual([
      ['district-2026', 'open'],
      ['soon', 'notYetOpen'],
      ['closed-early', 'ended'],
      ['old', 'ended'],
    ]);
    expect(list[0]).toMatchObject({ version: 1, periodName: aPeriod().name, layout: 'oneUnit' });
  });
});
