import * as z from 'zod/mini';
import { canonicalJson } from '../canonical';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { fill } from '../messages';
import { ZId } from '../ids';
import type { Unit } from '../units/unit';
import { ZForm, ZFormContent, formContentIssues, type Form, type FormCatalogView, type FormContent, type FormVersion } from './form';
import { FORM_MESSAGES as M } from './messages';
import type { Period } from './period';
import type { RespondentGroup } from './respondent-group';

/**
 * What admins do with forms: create a draft for a period, edit it, publish it as a new immutable version,
 * and close the form. Every write names the revision it started from, so two admins cannot overwrite each
 * other unknowingly.
 */

export const ZCreateFormInput = z
  .object({ formId: ZId, periodId: ZId, content: ZFormContent })
  .register(z.globalRegistry, { id: 'CreateFormInput' });
export type CreateFormInput = z.infer<typeof ZCreateFormInput>;

export const ZSaveDraftInput = z
  .object({ content: ZFormContent, rev: z.int().check(z.minimum(1)) })
  .register(z.globalRegistry, { id: 'SaveDraftInput' });
export type SaveDraftInput = z.infer<typeof ZSaveDraftInput>;

export const ZRevisionInput = z
  .object({ rev: z.int().check(z.minimum(1)) })
  .register(z.globalRegistry, { id: 'RevisionInput', description: 'The revision the caller last read.' });

/** A form with its published versions listed (newest first), for the admin pages. */
export const ZFormDetail = z
  .object({
    form: ZForm,
    versions: z.array(z.object({ version: z.int(), publishedAt: z.iso.datetime() })),
    /** Whether the draft differs from the latest published version. */
    hasUnpublishedChanges: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'FormDetail' });
export type FormDetail = z.infer<typeof ZFormDetail>;
export const ZFormDetailList = z.object({ forms: z.array(ZFormDetail) });

/** What the form admin use cases need from storage. */
export interface FormAdminDeps {
  getForm(formId: string): Promise<Form | undefined>;
  listForms(): Promise<Form[]>;
  getPeriod(periodId: string): Promise<Period | undefined>;
  listUnits(): Promise<Unit[]>;
  listGroups(): Promise<RespondentGroup[]>;
  listFormVersions(formId: string): Promise<FormVersion[]>;
  getFormVersion(formId: string, version: number): Promise<FormVersion | undefined>;
  /** Stores a new form; ConflictError('alreadyExists') if the id is taken. */
  createForm(form: Form): Promise<void>;
  /** Replaces a form still at `expectedRev`; ConflictError('staleRevision') otherwise. */
  replaceForm(form: Form, expectedRev: number): Promise<void>;
  /** Stores a new version and the form pointing at it, together; ConflictError('staleRevision') if either lost a race. */
  publishVersion(version: FormVersion, form: Form, expectedRev: number): Promise<void>;
  now(): Date;
}

async function catalogView(deps: FormAdminDeps): Promise<FormCatalogView> {
  const [units, groups] = await Promise.all([deps.listUnits(), deps.listGroups()]);
  return {
    units: new Map(units.map((u) => [u.unitId, { retired: u.status === 'retired' }])),
    groupIds: new Set(groups.map((g) => g.groupId)),
  };
}

/** Checks content against the form rules and the catalog; throws ValidationError (paths under `content.`). */
async function checkContent(deps: FormAdminDeps, content: FormContent, previous?: FormContent): Promise<void> {
  const view = await catalogView(deps);
  // A unit retired after it was put on the form may stay on it: only newly added units must be active.
  const kept = new Set(previous?.unitIds ?? []);
  const units = new Map([...view.units].map(([id, u]) => [id, { retired: u.retired && !kept.has(id) }]));
  const issues = formContentIssues(content, { ...view, units });
  if (issues.length > 0) throw new ValidationError(issues.map((i) => ({ ...i, path: i.path ? `content.${i.path}` : 'content' })));
}

const sameContent = (a: FormContent, b: FormContent) => canonicalJson(a) === canonicalJson(b);

async function mustGet(deps: FormAdminDeps, formId: string): Promise<Form> {
  const form = await deps.getForm(formId);
  if (!form) throw new NotFoundError('form', formId);
  return form;
}

function mustBeEditable(form: Form, rev: number): void {
  if (form.status === 'closed') throw new ConflictError('formClosed', { formId: form.formId });
  if (form.rev !== rev) throw new ConflictError('staleRevision', { rev: form.rev });
}

/** A form with its versions, for the admin pages. */
export async function formDetail(deps: FormAdminDeps, formId: string): Promise<FormDetail> {
  const form = await mustGet(deps, formId);
  const versions = (await deps.listFormVersions(formId)).sort((a, b) => b.version - a.version);
  const latest = versions[0];
  return {
    form,
    versions: versions.map((v) => ({ version: v.version, publishedAt: v.publishedAt })),
    hasUnpublishedChanges: !latest || !sameContent(latest.content, form.draft),
  };
}

/** Every form with its versions, newest change first. */
export async function listFormDetails(deps: FormAdminDeps): Promise<FormDetail[]> {
  const forms = (await deps.listForms()).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return Promise.all(forms.map((f) => formDetail(deps, f.formId)));
}

/** Creates a form's draft for an existing period. */
export async function createForm(deps: FormAdminDeps, input: CreateFormInput): Promise<FormDetail> {
  if (!(await deps.getPeriod(input.periodId))) {
    throw new ValidationError([{ path: 'periodId', message: fill(M.unknownPeriod, { id: input.periodId }) }]);
  }
  await checkContent(deps, input.content);
  const at = deps.now().toISOString();
  const form: Form = {
    formId: input.formId,
    periodId: input.periodId,
    status: 'draft',
    draft: input.content,
    rev: 1,
    latestVersion: 0,
    createdAt: at,
    updatedAt: at,
  };
  await deps.createForm(form);
  return { form, versions: [], hasUnpublishedChanges: true };
}

/** Saves a form's draft; published versions are untouched until the draft is published. */
export async function saveDraft(deps: FormAdminDeps, formId: string, input: SaveDraftInput): Promise<FormDetail> {
  const form = await mustGet(deps, formId);
  mustBeEditable(form, input.rev);
  const latest = form.latestVersion > 0 ? await deps.getFormVersion(formId, form.latestVersion) : undefined;
  await checkContent(deps, input.content, latest?.content);
  const saved: Form = { ...form, draft: input.content, rev: form.rev + 1, updatedAt: deps.now().toISOString() };
  await deps.replaceForm(saved, form.rev);
  return formDetail(deps, formId);
}

/**
 * Publishes the draft as the next version. Responses already given keep their own version; new ones
 * get this one. Publishing what is already published is a conflict.
 */
export async function publishForm(deps: FormAdminDeps, formId: string, input: { rev: number }): Promise<FormDetail> {
  const form = await mustGet(deps, formId);
  mustBeEditable(form, input.rev);
  const latest = form.latestVersion > 0 ? await deps.getFormVersion(formId, form.latestVersion) : undefined;
  if (latest && sameContent(latest.content, form.draft)) throw new ConflictError('nothingToPublish', { version: latest.version });
  await checkContent(deps, form.draft, latest?.content);
  const at = deps.now().toISOString();
  const version: FormVersion = {
    formId,
    periodId: form.periodId,
    version: form.latestVersion + 1,
    content: form.draft,
    publishedAt: at,
  };
  await deps.publishVersion(version, { ...form, status: 'published', latestVersion: version.version, rev: form.rev + 1, updatedAt: at }, form.rev);
  return formDetail(deps, formId);
}

/** Closes a form: it takes no more responses and no more versions; what it received stays counted. */
export async function closeForm(deps: FormAdminDeps, formId: string, input: { rev: number }): Promise<FormDetail> {
  const form = await mustGet(deps, formId);
  mustBeEditable(form, input.rev);
  await deps.replaceForm({ ...form, status: 'closed', rev: form.rev + 1, updatedAt: deps.now().toISOString() }, form.rev);
  return formDetail(deps, formId);
}

/** One published version of a form. */
export async function getFormVersion(deps: Pick<FormAdminDeps, 'getFormVersion'>, formId: string, version: number): Promise<FormVersion> {
  const found = await deps.getFormVersion(formId, version);
  if (!found) throw new NotFoundError('formVersion', `${formId}@${version}`);
  return found;
}
