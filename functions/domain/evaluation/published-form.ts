import * as z from 'zod/mini';
import { NotFoundError } from '../errors';
import { ZId } from '../ids';
import { ZLocalizedText } from '../text';
import { ZUnit, type Unit } from '../units/unit';
import { ZAdmissionMode } from './admission';
import { ZFormContent, ZFormStatus, ZLayout, type Form, type FormContent, type FormVersion } from './form';
import { ZPeriodState, periodState, type Period } from './period';
import { ZRespondentGroup, type RespondentGroup } from './respondent-group';

/** A form as a respondent sees it: a version's content, its period's window and state, and the names of its units and groups. */
export const ZPublishedForm = z
  .object({
    formId: ZId,
    /** The version shown; a submission names it. 0 in an admin's preview of a draft. */
    version: z.int().check(z.minimum(0)),
    status: ZFormStatus,
    /** An admin's preview of an unpublished draft: shown exactly as citizens will see it, never submitted. */
    preview: z.boolean(),
    content: ZFormContent,
    period: z.object({
      periodId: ZId,
      name: ZLocalizedText,
      opensAt: z.iso.datetime({ offset: true }),
      closesAt: z.iso.datetime({ offset: true }),
      state: ZPeriodState,
      /** Who may rate: `open` to anyone with the link, else only with an invitation or service-record link. */
      admission: ZAdmissionMode,
    }),
    /** The form's units, in its order. */
    units: z.array(z.pick(ZUnit, { unitId: true, name: true, kind: true })),
    /** The respondent groups the form offers (its group question's options and its default group). */
    groups: z.array(z.pick(ZRespondentGroup, { groupId: true, name: true })),
  })
  .register(z.globalRegistry, { id: 'PublishedForm' });
export type PublishedForm = z.infer<typeof ZPublishedForm>;

/** A published form in a list: enough to link to it and to say whether it takes responses now. */
export const ZFormSummary = z
  .object({
    formId: ZId,
    version: z.int().check(z.minimum(1)),
    periodId: ZId,
    periodName: ZLocalizedText,
    title: ZLocalizedText,
    layout: ZLayout,
    /** Whether it takes responses now: the period's state, and `ended` once the form is closed. */
    state: ZPeriodState,
    /** Who may rate (see PublishedForm). */
    admission: ZAdmissionMode,
  })
  .register(z.globalRegistry, { id: 'FormSummary' });
export type FormSummary = z.infer<typeof ZFormSummary>;
export const ZFormSummaryList = z.object({ forms: z.array(ZFormSummary) });

/** What the public form use cases need from storage. */
export interface PublishedFormDeps {
  getForm(formId: string): Promise<Form | undefined>;
  getFormVersion(formId: string, version: number): Promise<FormVersion | undefined>;
  getPeriod(periodId: string): Promise<Period | undefined>;
  getUnits(unitIds: string[]): Promise<Unit[]>;
  listGroups(): Promise<RespondentGroup[]>;
  listForms(): Promise<Form[]>;
  listPeriods(): Promise<Period[]>;
  now(): Date;
}

/** The content as respondents see it: units and groups named, the window and state of the period. */
async function view(
  deps: PublishedFormDeps,
  form: Form,
  version: number,
  content: FormContent,
  preview: boolean,
): Promise<PublishedForm> {
  const [period, units, groups] = await Promise.all([deps.getPeriod(form.periodId), deps.getUnits(content.unitIds), deps.listGroups()]);
  if (!period) throw new NotFoundError('period', form.periodId);
  const unitById = new Map(units.map((u) => [u.unitId, u]));
  const groupQuestion = content.questions.find((q) => q.type === 'group');
  const offered = new Set([content.defaultGroup, ...(groupQuestion?.type === 'group' ? groupQuestion.options : [])]);
  const state = form.status === 'closed' ? 'ended' : periodState(period, deps.now());
  return {
    formId: form.formId,
    version,
    status: form.status,
    preview,
    content,
    period: {
      periodId: period.periodId,
      name: period.name,
      opensAt: period.opensAt,
      closesAt: period.closesAt,
      state,
      admission: period.admission.mode,
    },
    units: content.unitIds.flatMap((id) => {
      const u = unitById.get(id);
      return u ? [{ unitId: u.unitId, name: u.name, kind: u.kind }] : [];
    }),
    groups: groups.filter((g) => offered.has(g.groupId)).map(({ groupId, name }) => ({ groupId, name })),
  };
}

/** The latest published version of a form, as respondents see it. A form never published is not found. */
export async function getPublishedForm(deps: PublishedFormDeps, formId: string): Promise<PublishedForm> {
  const form = await deps.getForm(formId);
  if (!form || form.latestVersion === 0) throw new NotFoundError('form', formId);
  const version = await deps.getFormVersion(formId, form.latestVersion);
  if (!version) throw new NotFoundError('formVersion', `${formId}@${form.latestVersion}`);
  return view(deps, form, version.version, version.content, false);
}

/** An admin's preview of a form's draft: the very view respondents get, marked as a preview. */
export async function previewForm(deps: PublishedFormDeps, formId: string): Promise<PublishedForm> {
  const form = await deps.getForm(formId);
  if (!form) throw new NotFoundError('form', formId);
  return view(deps, form, 0, form.draft, true);
}

/** Every published form, open ones first, with whether it takes responses now. */
export async function listPublishedForms(deps: Pick<PublishedFormDeps, 'listForms' | 'listPeriods' | 'getFormVersion' | 'now'>): Promise<FormSummary[]> {
  const [forms, periods] = await Promise.all([deps.listForms(), deps.listPeriods()]);
  const now = deps.now();
  const periodById = new Map(periods.map((p) => [p.periodId, p]));
  const order = { open: 0, notYetOpen: 1, ended: 2 } as const;
  const published = forms.filter((f) => f.latestVersion > 0);
  const versions = await Promise.all(published.map((f) => deps.getFormVersion(f.formId, f.latestVersion)));
  return published
    .flatMap((form, i) => {
      const period = periodById.get(form.periodId);
      const version = versions[i];
      if (!period || !version) return [];
      const state = form.status === 'closed' ? 'ended' : periodState(period, now);
      return [
        {
          formId: form.formId,
          version: version.version,
          periodId: period.periodId,
          periodName: period.name,
          title: version.content.title,
          layout: version.content.layout,
          state,
          admission: period.admission.mode,
        },
      ];
    })
    .sort((a, b) => order[a.state] - order[b.state] || a.formId.localeCompare(b.formId));
}
