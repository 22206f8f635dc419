import * as z from 'zod/mini';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { ZId } from '../ids';
import type { Form } from './form';
import { ZPeriod, ZPeriodInput, periodIssues, type Period, type PeriodInput } from './period';
import { ZRespondentGroupInput, type RespondentGroup } from './respondent-group';

/**
 * What admins do with periods and respondent groups. A period's weights must name existing groups and
 * sum to 1; every write names the revision it started from.
 */

export const ZCreatePeriodInput = z
  .object({ periodId: ZId, ...ZPeriodInput.shape })
  .register(z.globalRegistry, { id: 'CreatePeriodInput' });
export const ZUpdatePeriodInput = z
  .object({ ...ZPeriodInput.shape, rev: z.int().check(z.minimum(1)) })
  .register(z.globalRegistry, { id: 'UpdatePeriodInput' });
export const ZCreateGroupInput = z
  .object({ groupId: ZId, ...ZRespondentGroupInput.shape })
  .register(z.globalRegistry, { id: 'CreateGroupInput' });
export const ZUpdateGroupInput = z
  .object({ ...ZRespondentGroupInput.shape, rev: z.int().check(z.minimum(1)) })
  .register(z.globalRegistry, { id: 'UpdateGroupInput' });

/** A period with the forms made for it, as staff pages list them. */
export const ZPeriodWithForms = z
  .object({ ...ZPeriod.shape, formIds: z.array(ZId) })
  .register(z.globalRegistry, { id: 'PeriodWithForms' });
export type PeriodWithForms = z.infer<typeof ZPeriodWithForms>;
export const ZPeriodList = z.object({ periods: z.array(ZPeriodWithForms) });

/** What the period and group use cases need from storage. */
export interface PeriodAdminDeps {
  getPeriod(periodId: string): Promise<Period | undefined>;
  listPeriods(): Promise<Period[]>;
  listForms(): Promise<Form[]>;
  listGroups(): Promise<RespondentGroup[]>;
  createPeriod(period: Period): Promise<void>;
  replacePeriod(period: Period, expectedRev: number): Promise<void>;
  createGroup(group: RespondentGroup): Promise<void>;
  replaceGroup(group: RespondentGroup, expectedRev: number): Promise<void>;
  now(): Date;
}

async function checkPeriod(deps: PeriodAdminDeps, input: PeriodInput): Promise<void> {
  const groups = new Map((await deps.listGroups()).map((g) => [g.groupId, g]));
  const issues = periodIssues(input, groups);
  if (issues.length > 0) throw new ValidationError(issues);
}

const periodFields = (input: PeriodInput): PeriodInput => ({
  name: input.name,
  opensAt: input.opensAt,
  closesAt: input.closesAt,
  minSample: input.minSample,
  groupWeights: input.groupWeights,
  admission: input.admission,
});

/** Every period, newest first, each with the forms made for it. */
export async function listPeriodsWithForms(deps: Pick<PeriodAdminDeps, 'listPeriods' | 'listForms'>): Promise<PeriodWithForms[]> {
  const [periods, forms] = await Promise.all([deps.listPeriods(), deps.listForms()]);
  return periods
    .sort((a, b) => Date.parse(b.opensAt) - Date.parse(a.opensAt) || a.periodId.localeCompare(b.periodId))
    .map((p) => ({ ...p, formIds: forms.filter((f) => f.periodId === p.periodId).map((f) => f.formId).sort() }));
}

export async function createPeriod(deps: PeriodAdminDeps, input: PeriodInput & { periodId: string }): Promise<Period> {
  await checkPeriod(deps, input);
  const period: Period = { periodId: input.periodId, ...periodFields(input), rev: 1, updatedAt: deps.now().toISOString() };
  await deps.createPeriod(period);
  return period;
}

/**
 * Changes a period. Its window, minimum sample and weights are configuration: the next tally recounts
 * every stored response with them.
 */
export async function updatePeriod(deps: PeriodAdminDeps, periodId: string, input: PeriodInput & { rev: number }): Promise<Period> {
  const current = await deps.getPeriod(periodId);
  if (!current) throw new NotFoundError('period', periodId);
  if (current.rev !== input.rev) throw new ConflictError('staleRevision', { rev: current.rev });
  await checkPeriod(deps, input);
  const period: Period = { periodId, ...periodFields(input), rev: current.rev + 1, updatedAt: deps.now().toISOString() };
  await deps.replacePeriod(period, current.rev);
  return period;
}

/** The respondent groups, by id. */
export async function listGroups(deps: Pick<PeriodAdminDeps, 'listGroups'>): Promise<RespondentGroup[]> {
  return (await deps.listGroups()).sort((a, b) => a.groupId.localeCompare(b.groupId));
}

export async function createGroup(deps: PeriodAdminDeps, input: Omit<RespondentGroup, 'rev'>): Promise<RespondentGroup> {
  const group: RespondentGroup = { groupId: input.groupId, name: input.name, requiresInvitation: input.requiresInvitation, rev: 1 };
  await deps.createGroup(group);
  return group;
}

export async function updateGroup(
  deps: PeriodAdminDeps,
  groupId: string,
  input: Omit<RespondentGroup, 'groupId'>,
): Promise<RespondentGroup> {
  const current = (await deps.listGroups()).find((g) => g.groupId === groupId);
  if (!current) throw new NotFoundError('group', groupId);
  if (current.rev !== input.rev) throw new ConflictError('staleRevision', { rev: current.rev });
  const group: RespondentGroup = { groupId, name: input.name, requiresInvitation: input.requiresInvitation, rev: current.rev + 1 };
  await deps.replaceGroup(group, current.rev);
  return group;
}
