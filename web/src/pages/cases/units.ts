import { signal } from '@preact/signals';
import type { LocalizedText } from '../../../../functions/domain/text';
import { local } from '../../app/i18n';
import { staff } from '../../app/session';
import { loadUnitChoices, type UnitChoice } from './unit-choices';

/**
 * The units the staff case pages name and offer (loaded once per page from the public forms, see
 * unit-choices.ts): a unit that is on no published form shows by its id rather than not at all.
 */
export const unitChoices = signal<UnitChoice[]>([]);
let started = false;

/** Loads the units once; the pages re-render when they arrive. A failure leaves ids in place of names. */
export function loadUnits(): void {
  if (started) return;
  started = true;
  loadUnitChoices().then(
    (units) => (unitChoices.value = units),
    (err: unknown) => console.error(err),
  );
}

/** A unit's name in the page's language, or its id when the unit is on no published form. */
export function unitName(unitId: string): string {
  const found: LocalizedText | undefined = unitChoices.value.find((u) => u.unitId === unitId)?.name;
  return found ? local(found) : unitId;
}

/** The units a person may filter a list by: every known unit for supervisors, a handler's own units. */
export function unitOptions(supervisor: boolean): { value: string; label: string }[] {
  const ids = supervisor ? unitChoices.value.map((u) => u.unitId) : (staff.value?.unitIds ?? []);
  return ids.map((id) => ({ value: id, label: unitName(id) }));
}
