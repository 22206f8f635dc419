import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors';
import { fill } from '../messages';
import { cstDate } from '../working-days';
import { CONTACT_RETENTION_DAYS, FINAL_STATES, isOverdue, type Case, type CaseActionInput, type CaseDetail, type CaseListQuery } from './case';
import { attachmentLinks, type AttachmentStorePort } from './attachments';
import { computeKpis, type KpiQuery, type KpiReport } from './kpis';
import { applyAction, staffSees, type CaseActor } from './lifecycle';
import { CASE_MESSAGES as M } from './messages';
import type { CaseDeps, ContactReader } from './ports';

/**
 * The staff side of cases: the inbox (a unit handler's own units only, read from the unit's partition,
 * never by filtering all cases), a case with its history, and actions on it under optimistic locking.
 */

/** A signed-in staff member as the case use cases see them. */
export type StaffActor = Extract<CaseActor, { kind: 'staff' }>;

const DAY_MS = 86_400_000;
/** How far back a supervisor's list reaches when no `from` is given. */
export const DEFAULT_LIST_DAYS = 90;

/** The CST day (`YYYY-MM-DD`) of an ISO instant. */
export const cstDayOf = (iso: string): string => cstDate(new Date(iso));

/** The longest range a list or the KPIs read month by month: five years, so no request reads without end. */
export const MAX_RANGE_MONTHS = 60;

/** Issues with a range of CST days: backwards, or longer than MAX_RANGE_MONTHS. */
function rangeIssues(from: string | undefined, to: string | undefined): FieldIssue[] {
  if (!from || !to) return [];
  if (from > to) return [{ path: 'from', message: M.badRange }];
  if (monthsBetween(from, to, MAX_RANGE_MONTHS + 1).length > MAX_RANGE_MONTHS) return [{ path: 'from', message: fill(M.rangeTooLong, { months: MAX_RANGE_MONTHS }) }];
  return [];
}

/** The months (`YYYY-MM`) from one CST day to another, both included (at most `limit` of them). */
export function monthsBetween(from: string, to: string, limit = Number.POSITIVE_INFINITY): string[] {
  const months: string[] = [];
  let [year, month] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const last = to.slice(0, 7);
  for (;;) {
    const m = `${year}-${String(month).padStart(2, '0')}`;
    if (m > last || months.length >= limit) break;
    months.push(m);
    if (++month > 12) [year, month] = [year + 1, 1];
  }
  return months;
}

/** When a case's contact details expire (epoch seconds) once it has ended; undefined while it is open or without contact. */
export function contactExpiryOf(c: Case): number | undefined {
  if (!c.hasContact || !FINAL_STATES.includes(c.state)) return undefined;
  return Math.floor(Date.parse(c.updatedAt) / 1000) + CONTACT_RETENTION_DAYS * 86_400;
}

/**
 * The cases a staff member may see, newest first, filtered by state, unit, kind, overdue and day of receipt.
 * A unit handler's list is read from their own units' partitions only (naming another unit is refused);
 * a supervisor's from the named unit's partition, or month by month of receipt (the 90 days up to `to`, or
 * today, unless `from` is given; at most five years).
 */
export async function listCases(deps: Pick<CaseDeps, 'listUnitCases' | 'listCasesOfMonths' | 'now'>, actor: StaffActor, query: CaseListQuery): Promise<Case[]> {
  const now = deps.now();
  const monthly = actor.supervisor && !query.unitId;
  const to = query.to ?? (monthly || query.from ? cstDate(now) : undefined);
  const from = query.from ?? (monthly ? cstDate(new Date(Date.parse(`${to}T12:00:00+08:00`) - DEFAULT_LIST_DAYS * DAY_MS)) : undefined);
  const issues = rangeIssues(from, to);
  if (issues.length > 0) throw new ValidationError(issues);
  let cases: Case[];
  if (!actor.supervisor) {
    if (query.unitId && !actor.unitIds.includes(query.unitId)) throw new ValidationError([{ path: 'unitId', message: fill(M.notYourUnit, { id: query.unitId }) }]);
    const units = query.unitId ? [query.unitId] : actor.unitIds;
    cases = (await Promise.all(units.map((u) => deps.listUnitCases(u)))).flat();
  } else if (query.unitId) {
    cases = await deps.listUnitCases(query.unitId);
  } else {
    cases = await deps.listCasesOfMonths(monthsBetween(from!, to!));
  }
  return cases
    .filter((c) => !query.state || c.state === query.state)
    .filter((c) => !query.kind || c.kind === query.kind)
    .filter((c) => query.overdue === undefined || isOverdue(c, now) === (query.overdue === 'true'))
    .filter((c) => (!from || cstDayOf(c.receivedAt) >= from) && (!to || cstDayOf(c.receivedAt) <= to))
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || a.caseId.localeCompare(b.caseId));
}

/** A case the staff member may see; NotFoundError otherwise (a unit handler learns nothing of other units' cases). */
async function visibleCase(deps: Pick<CaseDeps, 'getCase'>, actor: StaffActor, caseId: string): Promise<Case> {
  const c = await deps.getCase(caseId);
  if (!c || !staffSees(actor, c)) throw new NotFoundError('case', caseId);
  return c;
}

/**
 * A case with its events, for staff who may see it. The contact details come only to supervisors (who call
 * citizens back) and only through a function granted the contacts table (`contacts`); the attachments, as
 * download links that expire within minutes, through a function granted the attachments bucket.
 */
export async function getCase(
  deps: Pick<CaseDeps, 'getCase' | 'listEvents' | 'now'> & Partial<ContactReader> & Partial<Pick<AttachmentStorePort, 'describe' | 'downloadUrl'>>,
  actor: StaffActor,
  caseId: string,
): Promise<CaseDetail> {
  const c = await visibleCase(deps, actor, caseId);
  const { describe, downloadUrl } = deps;
  const [events, contact, attachments] = await Promise.all([
    deps.listEvents(caseId),
    actor.supervisor && c.hasContact && deps.getContact ? deps.getContact(caseId) : Promise.resolve(undefined),
    c.attachmentKeys.length > 0 && describe && downloadUrl ? attachmentLinks({ describe, downloadUrl, now: deps.now }, c.attachmentKeys) : Promise.resolve(undefined),
  ]);
  return { case: c, events, ...(contact ? { contact } : {}), ...(attachments ? { attachments } : {}) };
}

/**
 * A staff action on a case (lifecycle.ts says who may take which, from which state): written with the
 * event in one transaction on the revision read, and for a unit handler on the case still being with their
 * unit, so of two people acting at once exactly one wins and the other gets 409 with nothing written.
 * With `rev`, a case changed since that revision answers 409 staleRevision at once.
 */
export async function actOnCase(deps: CaseDeps, actor: StaffActor, caseId: string, input: CaseActionInput): Promise<Case> {
  const c = await visibleCase(deps, actor, caseId);
  if (input.rev !== undefined && input.rev !== c.rev) throw new ConflictError('staleRevision', { rev: c.rev });
  if (input.action === 'assign') {
    const unit = await deps.getUnit(input.unitId);
    if (!unit) throw new ValidationError([{ path: 'unitId', message: fill(M.unknownUnit, { id: input.unitId }) }]);
    if (unit.status !== 'active') throw new ValidationError([{ path: 'unitId', message: fill(M.retiredUnit, { id: input.unitId }) }]);
  }
  const { rev: _rev, ...command } = input;
  const { case: next, event } = applyAction(c, command as CaseActionInput, actor, deps.now(), await deps.workingCalendar());
  const asUnit = !actor.supervisor && c.unitId !== null;
  await deps.saveTransition(next, event, { rev: c.rev, ...(asUnit ? { unitId: c.unitId! } : {}) }, contactExpiryOf(next));
  return next;
}

/**
 * The KPIs (kpis.ts) of the cases received from `from` to `to` (CST days, both included), of one unit (its
 * partition) or all (month by month), and of one kind if asked.
 */
export async function caseKpis(deps: Pick<CaseDeps, 'listUnitCases' | 'listCasesOfMonths'>, query: KpiQuery): Promise<KpiReport> {
  const issues = rangeIssues(query.from, query.to);
  if (issues.length > 0) throw new ValidationError(issues);
  const cases = (query.unitId ? await deps.listUnitCases(query.unitId) : await deps.listCasesOfMonths(monthsBetween(query.from, query.to))).filter(
    (c) => cstDayOf(c.receivedAt) >= query.from && cstDayOf(c.receivedAt) <= query.to && (!query.kind || c.kind === query.kind),
  );
  return { ...query, cases: cases.length, kpis: computeKpis(cases) };
}
