import { periodState, type Form, type FormSummary, type Period, type PublishedForm, type Unit } from './catalog';
import { NotFoundError } from './errors';

/** What the form use cases need from storage. */
export interface PublishedFormDeps {
  getForm(formId: string): Promise<Form | undefined>;
  getPeriod(periodId: string): Promise<Period | undefined>;
  getUnits(unitIds: string[]): Promise<Unit[]>;
  listForms(): Promise<Form[]>;
  listPeriods(): Promise<Period[]>;
  now(): Date;
}

/**
 * A form as a respondent sees it: with its period's window and state and its units' names, in the form's
 * order. Throws NotFoundError when the form (or its period) does not exist.
 */
export async function getPublishedForm(deps: PublishedFormDeps, formId: string): Promise<PublishedForm> {
  const form = await deps.getForm(formId);
  if (!form) throw new NotFoundError('form', formId);
  const [period, units] = await Promise.all([deps.getPeriod(form.periodId), deps.getUnits(form.unitIds)]);
  if (!period) throw new NotFoundError('period', form.periodId);
  const byId = new Map(units.map((u) => [u.unitId, u]));
  return {
    form,
    period: {
      periodId: period.periodId,
      name: period.name,
      opensAt: period.opensAt,
      closesAt: period.closesAt,
      state: periodState(period, deps.now()),
    },
    units: form.unitIds.flatMap((id) => byId.get(id) ?? []),
  };
}

/** Every form whose period exists, open ones first, with its period's state. */
export async function listPublishedForms(deps: PublishedFormDeps): Promise<FormSummary[]> {
  const [forms, periods] = await Promise.all([deps.listForms(), deps.listPeriods()]);
  const now = deps.now();
  const byId = new Map(periods.map((p) => [p.periodId, p]));
  const order = { open: 0, notYetOpen: 1, ended: 2 } as const;
  return forms
    .flatMap((form) => {
      const period = byId.get(form.periodId);
      if (!period) return [];
      const { formId, periodId, title } = form;
      return [{ formId, periodId, periodName: period.name, title, state: periodState(period, now) }];
    })
    .sort((a, b) => order[a.state] - order[b.state] || a.formId.localeCompare(b.formId));
}
