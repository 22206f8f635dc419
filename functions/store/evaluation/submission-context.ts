import type { FormVersion } from '../../domain/evaluation/form';
import type { SubmissionContext } from '../../domain/evaluation/response';
import type { CatalogStore } from './catalog-store';

/**
 * How long a function keeps a form's status and its period's window before reading them again: an
 * admin's closing of a form or change of a period reaches every warm function within this time.
 * Published versions never change and are kept for the life of the function.
 */
export const CATALOG_CACHE_MS = 30_000;

/** More distinct forms or periods than any district has; past it the cache starts afresh. */
const MAX_ENTRIES = 1_000;

interface Fresh<T> {
  value: T;
  readAt: number;
}

/**
 * What a submission needs (form, version, period), read once and then served from memory: a warm
 * function stores a response with its one conditional write and no read. Only things that exist are
 * kept, so an unknown form is looked up every time.
 */
export function cachedSubmissionContext(
  catalog: Pick<CatalogStore, 'getForm' | 'getFormAndVersion' | 'getPeriod'>,
  // Read at each call, as deps.ts's `now` is: the cache and the deadline checks keep one clock, also where a
  // test moves the process's clock.
  clock: () => number = () => Date.now(),
): (formId: string, version: number) => Promise<SubmissionContext> {
  const versions = new Map<string, FormVersion>();
  const forms = new Map<string, Fresh<NonNullable<SubmissionContext['form']>>>();
  const periods = new Map<string, Fresh<NonNullable<SubmissionContext['period']>>>();
  const fresh = <T>(entry: Fresh<T> | undefined) => (entry && clock() - entry.readAt < CATALOG_CACHE_MS ? entry.value : undefined);
  const keep = <T>(map: Map<string, T>, key: string, value: T) => {
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(key, value);
  };

  return async (formId, versionNumber) => {
    const versionKey = `${formId}@${versionNumber}`;
    let form = fresh(forms.get(formId));
    let version = versions.get(versionKey);
    if (!form || !version) {
      const read = version ? { form: await catalog.getForm(formId), version } : await catalog.getFormAndVersion(formId, versionNumber);
      form = read.form;
      version = read.version;
      if (form) keep(forms, formId, { value: form, readAt: clock() });
      if (version) keep(versions, versionKey, version);
    }
    if (!form) return { version };
    let period = fresh(periods.get(form.periodId));
    if (!period) {
      period = await catalog.getPeriod(form.periodId);
      if (period) keep(periods, form.periodId, { value: period, readAt: clock() });
    }
    return { form, version, period };
  };
}
