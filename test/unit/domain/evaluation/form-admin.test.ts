import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../../functions/domain/errors';
import type { Form, FormContent, FormVersion } from '../../../../functions/domain/evaluation/form';
import { closeForm, createForm, publishForm, saveDraft, type FormAdminDeps } from '../../../../functions/domain/evaluation/form-admin';
import type { Unit } from '../../../../functions/domain/units/unit';
import { aForm, aFormContent, aFormVersion, aPeriod, aUnit, aUnitWithId, DURING_PERIOD, someGroups } from '../../../fixtures/catalog';

/** An in-memory catalog that keeps forms and versions as the store does. */
function fakeStore(init: { forms?: Form[]; versions?: FormVersion[]; units?: Unit[] } = {}) {
  const forms = new Map((init.forms ?? []).map((f) => [f.formId, f]));
  const versions = [...(init.versions ?? [])];
  const units = init.units ?? [aUnit(), aUnitWithId('service-centre'), aUnitWithId('old-office', { status: 'retired' })];
  const deps: FormAdminDeps = {
    getForm: async (id) => forms.get(id),
    listForms: async () => [...forms.values()],
    getPeriod: async (id) => (id === '2026-annual' ? aPeriod() : undefined),
    listUnits: async () => units,
    listGroups: async () => someGroups(),
    listFormVersions: async (formId) => versions.filter((v) => v.formId === formId),
    getFormVersion: async (formId, version) => versions.find((v) => v.formId === formId && v.version === version),
    createForm: async (f) => void forms.set(f.formId, f),
    replaceForm: async (f) => void forms.set(f.formId, f),
    publishVersion: async (v, f) => {
      versions.push(v);
      forms.set(f.formId, f);
    },
    now: () => DURING_PERIOD,
  };
  return { deps, forms, versions };
}

const withUnits = (...unitIds: string[]): FormContent => aFormContent({ unitIds });

describe('createForm', () => {
  it('creates a draft at revision 1, not yet published', async () => {
    const { deps, forms } = fakeStore();

    const detail = await createForm(deps, { formId: 'windows', periodId: '2026-annual', content: aFormContent() });

    expect(detail).toEqual({ form: forms.get('windows'), versions: [], hasUnpublishedChanges: true });
    expect(forms.get('windows')).toMatchObject({ status: 'draft', rev: 1, latestVersion: 0 });
  });

  it('refuses a period that does not exist', async () => {
    const { deps, forms } = fakeStore();

    const creation = createForm(deps, { formId: 'windows', periodId: '2030-annual', content: aFormContent() });

    await expect(creation).rejects.toMatchObject({ fields: [{ path: 'periodId' }] });
    expect(forms.size).toBe(0);
  });

  it('names content issues under content, with the catalog checked', async () => {
    const { deps, forms } = fakeStore();

    const creation = createForm(deps, { formId: 'windows', periodId: '2026-annual', content: withUnits('tax-bureau', 'old-office', 'nowhere') });

    await expect(creation).rejects.toBeInstanceOf(ValidationError);
    await expect(creation).rejects.toMatchObject({ fields: [{ path: 'content.unitIds.1' }, { path: 'content.unitIds.2' }] });
    expect(forms.size).toBe(0);
  });
});

describe('saveDraft', () => {
  it('keeps on the form a unit retired since it was published', async () => {
    const published = aFormVersion({ content: withUnits('tax-bureau', 'old-office') });
    const { deps, forms } = fakeStore({ forms: [aForm({ rev: 2, draft: published.content })], versions: [published] });

    const detail = await saveDraft(deps, 'district-2026', { content: withUnits('old-office', 'tax-bureau'), rev: 2 });

    expect(detail.hasUnpublishedChanges).toBe(true);
    expect(forms.get('district-2026')).toMatchObject({ rev: 3, draft: { unitIds: ['old-office', 'tax-bureau'] } });
  });

  it('refuses to add a retired unit to the form', async () => {
    const { deps, forms } = fakeStore({ forms: [aForm({ rev: 2 })], versions: [aFormVersion()] });

    const saving = saveDraft(deps, 'district-2026', { content: withUnits('tax-bureau', 'old-office'), rev: 2 });

    await expect(saving).rejects.toMatchObject({ fields: [{ path: 'content.unitIds.1' }] });
    expect(forms.get('district-2026')?.rev).toBe(2);
  });

  it('refuses an edit of an old revision and an edit of a closed form', async () => {
    const { deps } = fakeStore({ forms: [aForm({ rev: 4 }), aForm({ formId: 'closed', status: 'closed', rev: 1 })], versions: [aFormVersion()] });

    const stale = saveDraft(deps, 'district-2026', { content: aFormContent(), rev: 3 });
    const closed = saveDraft(deps, 'closed', { content: aFormContent(), rev: 1 });

    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ reason: 'staleRevision' });
    await expect(closed).rejects.toMatchObject({ reason: 'formClosed' });
  });
});

describe('publishForm', () => {
  it('publishes the draft as the next version, leaving the earlier version as it was', async () => {
    const v1 = aFormVersion();
    const draft = withUnits('service-centre');
    const { deps, versions } = fakeStore({ forms: [aForm({ rev: 5, draft })], versions: [v1] });

    const detail = await publishForm(deps, 'district-2026', { rev: 5 });

    expect(detail.form).toMatchObject({ status: 'published', latestVersion: 2, rev: 6 });
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(detail.hasUnpublishedChanges).toBe(false);
    expect(versions).toEqual([v1, { formId: 'district-2026', periodId: '2026-annual', version: 2, content: draft, publishedAt: DURING_PERIOD.toISOString() }]);
  });

  it('refuses to publish a draft that is the same as the latest version', async () => {
    const { deps, versions } = fakeStore({ forms: [aForm({ rev: 2 })], versions: [aFormVersion()] });

    const publication = publishForm(deps, 'district-2026', { rev: 2 });

    await expect(publication).rejects.toMatchObject({ reason: 'nothingToPublish' });
    expect(versions).toHaveLength(1);
  });

  it('sees a draft whose keys came back in another order as unchanged', async () => {
    const { title, ...rest } = aFormContent();
    const reordered = { ...rest, title } as typeof rest & { title: typeof title };
    const { deps, versions } = fakeStore({ forms: [aForm({ rev: 2, draft: reordered })], versions: [aFormVersion()] });

    const publication = publishForm(deps, 'district-2026', { rev: 2 });

    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(aFormContent())[0]);
    await expect(publication).rejects.toMatchObject({ reason: 'nothingToPublish' });
    expect(versions).toHaveLength(1);
  });
});

describe('closeForm', () => {
  it('closes the form and keeps its versions', async () => {
    const { deps } = fakeStore({ forms: [aForm({ rev: 2 })], versions: [aFormVersion()] });

    const detail = await closeForm(deps, 'district-2026', { rev: 2 });

    expect(detail.form).toMatchObject({ status: 'closed', rev: 3, latestVersion: 1 });
    expect(detail.versions).toHaveLength(1);
  });
});
