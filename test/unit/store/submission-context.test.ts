import { describe, expect, it, vi } from 'vitest';
import type { Form, FormVersion } from '../../../functions/domain/evaluation/form';
import type { Period } from '../../../functions/domain/evaluation/period';
import { CATALOG_CACHE_MS, cachedSubmissionContext } from '../../../functions/store/evaluation/submission-context';
import { aForm, aFormVersion, aPeriod } from '../../fixtures/catalog';

/** A catalog in memory that counts its reads, and a clock the test moves. */
function aCatalog(forms: Form[] = [aForm()], versions: FormVersion[] = [aFormVersion()], periods: Period[] = [aPeriod()]) {
  const state = { forms, versions, periods };
  const reads = { getForm: 0, getFormAndVersion: 0, getPeriod: 0 };
  const form = (formId: string) => state.forms.find((f) => f.formId === formId);
  const version = (formId: string, v: number) => state.versions.find((x) => x.formId === formId && x.version === v);
  const catalog = {
    getForm: vi.fn(async (formId: string) => {
      reads.getForm += 1;
      return form(formId);
    }),
    getFormAndVersion: vi.fn(async (formId: string, v: number) => {
      reads.getFormAndVersion += 1;
      return { form: form(formId), version: version(formId, v) };
    }),
    getPeriod: vi.fn(async (periodId: string) => {
      reads.getPeriod += 1;
      return state.periods.find((p) => p.periodId === periodId);
    }),
  };
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  return { state, reads, catalog, clock };
}

describe('cachedSubmissionContext', () => {
  it('reads form, version and period once, then answers from memory', async () => {
    // prepare
    const { catalog, reads, clock } = aCatalog();
    const load = cachedSubmissionContext(catalog, clock.now);

    // act
    const first = await load('district-2026', 1);
    const second = await load('district-2026', 1);

    // assert
    expect(first).toEqual({ form: aForm(), version: aFormVersion(), period: aPeriod() });
    expect(second).toEqual(first);
    expect(reads).toEqual({ getForm: 0, getFormAndVersion: 1, getPeriod: 1 });
  });

  it("reads a form's status and its period again once they are older than the cache time, but never the version", async () => {
    // prepare
    const { catalog, reads, clock, state } = aCatalog();
    const load = cachedSubmissionContext(catalog, clock.now);
    await load('district-2026', 1);
    state.forms = [aForm({ status: 'closed' })];
    state.periods = [aPeriod({ closesAt: '2026-02-01T00:00:00+08:00' })];

    // act
    clock.advance(CATALOG_CACHE_MS - 1);
    const stillCached = await load('district-2026', 1);
    clock.advance(1);
    const refreshed = await load('district-2026', 1);

    // assert
    expect(stillCached.form?.status).toBe('published');
    expect(refreshed.form?.status).toBe('closed');
    expect(refreshed.period?.closesAt).toBe('2026-02-01T00:00:00+08:00');
    expect(reads).toEqual({ getForm: 1, getFormAndVersion: 1, getPeriod: 2 });
  });

  it('keeps nothing that does not exist: an unknown form or version is looked up every time', async () => {
    // prepare
    const { catalog, reads, clock, state } = aCatalog();
    const load = cachedSubmissionContext(catalog, clock.now);

    // act
    const unknownForm = await load('no-such-form', 1);
    await load('no-such-form', 1);
    const unknownVersion = await load('district-2026', 2);
    state.versions = [...state.versions, aFormVersion({ version: 2 })];
    const published = await load('district-2026', 2);

    // assert
    expect(unknownForm).toEqual({ version: undefined });
    expect(unknownVersion.version).toBeUndefined();
    expect(published.version?.version).toBe(2);
    expect(reads.getFormAndVersion).toBe(4);
  });
});
