import type { PublishedForm } from '../../../../functions/domain/evaluation/published-form';
import type { LocalizedText } from '../../../../functions/domain/text';
import { getForm, listForms } from '../../../../functions/routes/evaluation';
import { ApiError, call } from '../../app/api';

/** A unit a citizen may name or a supervisor may assign a case to. */
export interface UnitChoice {
  unitId: string;
  name: LocalizedText;
}

/**
 * The units the public knows: those of the published forms, read through the public form routes (listing
 * units is for admins only, and neither a citizen nor a supervisor holds that role). The same list names
 * units on the staff pages. A form withdrawn between the two calls is skipped.
 */
export async function loadUnitChoices(): Promise<UnitChoice[]> {
  const { forms } = await call(listForms, {});
  const published = await Promise.all(
    forms.map((f) =>
      call(getForm, { params: { formId: f.formId } }).catch((err: unknown): PublishedForm | undefined => {
        if (err instanceof ApiError && err.status === 404) return undefined;
        throw err;
      }),
    ),
  );
  const units = new Map<string, LocalizedText>();
  for (const form of published) for (const u of form?.units ?? []) if (!units.has(u.unitId)) units.set(u.unitId, u.name);
  return [...units].map(([unitId, name]) => ({ unitId, name })).sort((a, b) => a.name['zh-CN'].localeCompare(b.name['zh-CN'], 'zh-CN'));
}
