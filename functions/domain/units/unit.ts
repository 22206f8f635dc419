import * as z from 'zod/mini';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors';
import { fill, type Message } from '../messages';
import { ZId } from '../ids';
import { ZLocalizedText } from '../text';
import { UNIT_MESSAGES as M } from './messages';

/**
 * The units being evaluated (被评议单位): departments, bureaus, towns, subdistricts and service windows,
 * each with an optional parent. A unit is retired, never deleted: its ratings stay counted under it.
 */

export const UNIT_KINDS = ['department', 'bureau', 'town', 'subdistrict', 'serviceWindow'] as const;
export const ZUnitKind = z.enum(UNIT_KINDS);
export type UnitKind = z.infer<typeof ZUnitKind>;

export const UNIT_KIND_LABELS: Record<UnitKind, Message> = {
  department: { 'zh-CN': '部门', en: 'Department' },
  bureau: { 'zh-CN': '局', en: 'Bureau' },
  town: { 'zh-CN': '镇', en: 'Town' },
  subdistrict: { 'zh-CN': '街道', en: 'Subdistrict' },
  serviceWindow: { 'zh-CN': '服务窗口', en: 'Service window' },
};

export const UNIT_STATUSES = ['active', 'retired'] as const;
export const ZUnitStatus = z.enum(UNIT_STATUSES);
export type UnitStatus = z.infer<typeof ZUnitStatus>;

/** What an admin enters for a unit. */
export const ZUnitInput = z
  .object({
    name: ZLocalizedText,
    kind: ZUnitKind,
    /** The unit it belongs to (a window of a service centre, a bureau of the district), if any. */
    parentId: z.optional(z.nullable(ZId)),
  })
  .register(z.globalRegistry, { id: 'UnitInput' });
export type UnitInput = z.infer<typeof ZUnitInput>;

export const ZCreateUnitInput = z.object({ unitId: ZId, ...ZUnitInput.shape }).register(z.globalRegistry, { id: 'CreateUnitInput' });
export const ZUpdateUnitInput = z
  .object({ ...ZUnitInput.shape, rev: z.int().check(z.minimum(1)) })
  .register(z.globalRegistry, { id: 'UpdateUnitInput' });
export const ZUnitStatusInput = z
  .object({ status: ZUnitStatus, rev: z.int().check(z.minimum(1)) })
  .register(z.globalRegistry, { id: 'UnitStatusInput' });

export const ZUnit = z
  .object({
    unitId: ZId,
    name: ZLocalizedText,
    kind: ZUnitKind,
    parentId: z.optional(z.nullable(ZId)),
    status: ZUnitStatus,
    /** Revision, raised by every save: an edit names the revision it started from. */
    rev: z.int().check(z.minimum(1)),
    updatedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'Unit', description: 'A public-service unit being evaluated (被评议单位).' });
export type Unit = z.infer<typeof ZUnit>;
export const ZUnitList = z.object({ units: z.array(ZUnit) });

/**
 * Issues with a unit's parent: it must exist and must not lead back to the unit. `parents` maps every
 * unit id (including ones being written together) to its parent.
 */
export function parentIssues(unitId: string, parentId: string | null | undefined, parents: ReadonlyMap<string, string | null | undefined>, path = 'parentId'): FieldIssue[] {
  if (!parentId) return [];
  if (parentId === unitId) return [{ path, message: M.parentIsSelf }];
  if (!parents.has(parentId)) return [{ path, message: fill(M.unknownParent, { id: parentId }) }];
  const seen = [unitId, parentId];
  for (let at = parents.get(parentId); at; at = parents.get(at)) {
    seen.push(at);
    if (at === unitId) return [{ path, message: fill(M.parentCycle, { path: seen.join(' → ') }) }];
    if (seen.length > parents.size + 1) break;
  }
  return [];
}

/** What the unit use cases need from storage. */
export interface UnitDeps {
  getUnit(unitId: string): Promise<Unit | undefined>;
  listUnits(): Promise<Unit[]>;
  /** Stores a new unit; throws ConflictError('alreadyExists') when the id is taken. */
  createUnit(unit: Unit): Promise<void>;
  /** Replaces a unit if it is still at `expectedRev`; throws ConflictError('staleRevision') otherwise. */
  replaceUnit(unit: Unit, expectedRev: number): Promise<void>;
  now(): Date;
}

const parentMap = (units: readonly Unit[]) => new Map(units.map((u) => [u.unitId, u.parentId]));

/** Every unit, active and retired, by id. */
export async function listUnits(deps: Pick<UnitDeps, 'listUnits'>): Promise<Unit[]> {
  return (await deps.listUnits()).sort((a, b) => a.unitId.localeCompare(b.unitId));
}

/** Adds a unit (active, revision 1). Throws ValidationError for a bad parent, ConflictError for a taken id. */
export async function createUnit(deps: UnitDeps, unitId: string, input: UnitInput): Promise<Unit> {
  const parents = parentMap(await deps.listUnits());
  if (parents.has(unitId)) throw new ConflictError('alreadyExists', { id: unitId });
  const issues = parentIssues(unitId, input.parentId, parents);
  if (issues.length > 0) throw new ValidationError(issues);
  const unit: Unit = { unitId, ...input, parentId: input.parentId ?? null, status: 'active', rev: 1, updatedAt: deps.now().toISOString() };
  await deps.createUnit(unit);
  return unit;
}

/** Changes a unit's name, kind or parent, if nobody saved it since revision `rev`. */
export async function updateUnit(deps: UnitDeps, unitId: string, input: UnitInput & { rev: number }): Promise<Unit> {
  const units = await deps.listUnits();
  const current = units.find((u) => u.unitId === unitId);
  if (!current) throw new NotFoundError('unit', unitId);
  if (current.rev !== input.rev) throw new ConflictError('staleRevision', { rev: current.rev });
  const issues = parentIssues(unitId, input.parentId, parentMap(units));
  if (issues.length > 0) throw new ValidationError(issues);
  const unit: Unit = {
    ...current,
    name: input.name,
    kind: input.kind,
    parentId: input.parentId ?? null,
    rev: current.rev + 1,
    updatedAt: deps.now().toISOString(),
  };
  await deps.replaceUnit(unit, current.rev);
  return unit;
}

/**
 * Retires a unit (it leaves new forms but keeps its ratings) or brings a retired one back. A unit is never
 * deleted, so no rating ever loses the unit it was given to.
 */
export async function setUnitStatus(deps: UnitDeps, unitId: string, input: { status: UnitStatus; rev: number }): Promise<Unit> {
  const current = await deps.getUnit(unitId);
  if (!current) throw new NotFoundError('unit', unitId);
  if (current.rev !== input.rev) throw new ConflictError('staleRevision', { rev: current.rev });
  const unit: Unit = { ...current, status: input.status, rev: current.rev + 1, updatedAt: deps.now().toISOString() };
  await deps.replaceUnit(unit, current.rev);
  return unit;
}
