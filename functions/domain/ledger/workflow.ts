import { attachmentIssues, attachmentLinks } from '../cases/attachments';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { fill } from '../messages';
import type { Spreadsheet } from '../sheet';
import { planIssues } from '../sheet-import';
import type { WorkingCalendar } from '../working-days';
import {
  DEFAULT_LEDGER_CATEGORIES,
  isLedgerOverdue,
  type LedgerActionInput,
  type LedgerCategories,
  type LedgerCategoriesInput,
  type LedgerDetail,
  type LedgerEvent,
  type LedgerItem,
  type LedgerItemInput,
  type LedgerListQuery,
} from './ledger';
import { ledgerWorkbook, planLedgerImport, type LedgerImportResult, type LedgerRow } from './ledger-import';
import { applyLedgerAction, newLedgerItem, resolveDeadline, staffSeesItem, type LedgerActor, type LedgerStaff } from './lifecycle';
import { LEDGER_MESSAGES as M } from './messages';
import type { EvidenceStore, LedgerCategoryStore, LedgerDeps, NewLedgerItem } from './ports';
import { ledgerProgress, type LedgerList } from './progress';

/**
 * The ledger's use cases: the views (a unit handler's own units only, read from their units' partitions,
 * never by filtering every item), an item with its history, new items, actions under optimistic locking,
 * the category list, and the ledger as a workbook (template, import, export).
 */

/** The categories in force: the saved list, or the defaults (the campaign's six aspects) while none was saved. */
export async function ledgerCategories(deps: Pick<LedgerCategoryStore, 'getLedgerCategories'>): Promise<LedgerCategories> {
  const stored = await deps.getLedgerCategories();
  return stored ? { categories: stored.categories, rev: stored.rev, updatedAt: stored.updatedAt } : { categories: [...DEFAULT_LEDGER_CATEGORIES], rev: 0 };
}

/**
 * Saves the category list if nobody saved since `input.rev` was read (409 staleRevision otherwise); a
 * category id given twice is refused. Items keep the category id they were given.
 */
export async function setLedgerCategories(deps: LedgerCategoryStore & { now(): Date }, input: LedgerCategoriesInput): Promise<LedgerCategories> {
  const issues = input.categories.flatMap((c, i) =>
    input.categories.findIndex((o) => o.id === c.id) !== i ? [{ path: `categories.${i}.id`, message: fill(M.duplicateCategory, { id: c.id }) }] : [],
  );
  if (issues.length > 0) throw new ValidationError(issues);
  const current = await deps.getLedgerCategories();
  const currentRev = current?.rev ?? 0;
  if (input.rev !== currentRev) throw new ConflictError('staleRevision', { rev: currentRev });
  const saved = { categories: input.categories, rev: currentRev + 1, updatedAt: deps.now().toISOString() };
  await deps.saveLedgerCategories(saved, currentRev);
  return saved;
}

const byPlace = (a: LedgerItem, b: LedgerItem) => a.identifiedAt.localeCompare(b.identifiedAt) || a.caseId.localeCompare(b.caseId);

/**
 * The items of a view, in the order they were entered (an imported ledger in its rows' order), filtered by
 * level, unit, category, owner, state, source and overdue. A unit handler's items are read from their own
 * units' partitions only (naming another unit is refused); a supervisor's from the named unit's partition,
 * or the whole ledger's.
 */
export async function listLedgerItems(deps: Pick<LedgerDeps, 'listUnitLedger' | 'listAllLedger' | 'now'>, actor: LedgerStaff, query: LedgerListQuery): Promise<LedgerItem[]> {
  let items: LedgerItem[];
  if (!actor.supervisor) {
    if (query.unitId && !actor.unitIds.includes(query.unitId)) throw new ValidationError([{ path: 'unitId', message: fill(M.notYourUnit, { id: query.unitId }) }]);
    const units = query.unitId ? [query.unitId] : actor.unitIds;
    items = (await Promise.all(units.map((u) => deps.listUnitLedger(u)))).flat();
  } else {
    items = query.unitId ? await deps.listUnitLedger(query.unitId) : await deps.listAllLedger();
  }
  const now = deps.now();
  return items
    .filter((i) => !query.level || i.level === query.level)
    .filter((i) => !query.category || i.category === query.category)
    .filter((i) => !query.owner || i.owner === query.owner)
    .filter((i) => !query.state || i.state === query.state)
    .filter((i) => !query.source || i.source === query.source)
    .filter((i) => query.overdue === undefined || isLedgerOverdue(i, now) === (query.overdue === 'true'))
    .sort(byPlace);
}

/** A view with its progress (counts by state, overdue, 整改完成率 with numerator and denominator). */
export async function ledgerView(deps: Pick<LedgerDeps, 'listUnitLedger' | 'listAllLedger' | 'now'>, actor: LedgerStaff, query: LedgerListQuery): Promise<LedgerList> {
  const items = await listLedgerItems(deps, actor, query);
  return { items, progress: ledgerProgress(items, deps.now()) };
}

/** An item the staff member may see; NotFoundError otherwise (a unit handler learns nothing of other units' items). */
async function visibleItem(deps: Pick<LedgerDeps, 'getLedgerItem'>, actor: LedgerStaff, caseId: string): Promise<LedgerItem> {
  const item = await deps.getLedgerItem(caseId);
  if (!item || !staffSeesItem(actor, item)) throw new NotFoundError('ledgerItem', caseId);
  return item;
}

/** An item with its events and, through a function granted the attachments bucket, download links to its evidence. */
export async function getLedgerDetail(deps: Pick<LedgerDeps, 'getLedgerItem' | 'listLedgerEvents' | 'now'> & EvidenceStore, actor: LedgerStaff, caseId: string): Promise<LedgerDetail> {
  const item = await visibleItem(deps, actor, caseId);
  const { describe, downloadUrl } = deps;
  const [events, attachments] = await Promise.all([
    deps.listLedgerEvents(caseId),
    item.evidenceKeys.length > 0 && describe && downloadUrl ? attachmentLinks({ describe, downloadUrl, now: deps.now }, item.evidenceKeys) : Promise.resolve(undefined),
  ]);
  return { item, events, ...(attachments ? { attachments } : {}) };
}

/** Whether the unit exists and is active, and the category is in the list: the issues of an item's references. */
async function referenceIssues(deps: Pick<LedgerDeps, 'getUnit' | 'getLedgerCategories' | 'getCase'>, input: LedgerItemInput) {
  const [unit, { categories }, linked] = await Promise.all([
    deps.getUnit(input.unitId),
    ledgerCategories(deps),
    input.linkedCaseId ? deps.getCase(input.linkedCaseId) : Promise.resolve(undefined),
  ]);
  const issues = [];
  if (!unit) issues.push({ path: 'unitId', message: fill(M.unknownUnit, { id: input.unitId }) });
  else if (unit.status !== 'active') issues.push({ path: 'unitId', message: fill(M.retiredUnit, { id: input.unitId }) });
  if (!categories.some((c) => c.id === input.category)) {
    issues.push({ path: 'category', message: fill(M.unknownCategory, { value: input.category, categories: categories.map((c) => c.id).join('、') }) });
  }
  if (input.linkedCaseId && !linked) issues.push({ path: 'linkedCaseId', message: fill(M.unknownCase, { id: input.linkedCaseId }) });
  return issues;
}

/**
 * Enters a problem on the ledger (lifecycle.ts newLedgerItem says who may enter what): its unit must be
 * active, its category in the list, a linked case must exist. Written with its events in one transaction.
 */
export async function createLedgerItem(deps: LedgerDeps, actor: LedgerStaff, input: LedgerItemInput): Promise<LedgerItem> {
  const issues = await referenceIssues(deps, input);
  if (issues.length > 0) throw new ValidationError(issues);
  const created = newLedgerItem(input, actor, deps.newId(), deps.now(), await deps.workingCalendar());
  await deps.createLedgerItems([created]);
  return created.item;
}

/**
 * Applies an action (lifecycle.ts says who may take which, from which state) and writes it with its event in
 * one transaction on the revision read — and for a unit handler on the item still being their unit's — so of
 * two people acting at once exactly one wins and the other gets 409 with nothing written. `applyLedgerAction`
 * of the store layer (store/ledger/ledger-store.ts) is the same for any caller, the disclosure step among them.
 * Evidence keys are checked against what was uploaded (type, size, first bytes) and claimed before the write.
 */
export async function actOnLedgerItem(
  deps: Pick<LedgerDeps, 'getLedgerItem' | 'saveLedgerTransition' | 'workingCalendar' | 'now'> & EvidenceStore,
  actor: LedgerActor,
  caseId: string,
  input: LedgerActionInput,
): Promise<LedgerItem> {
  const item = actor.kind === 'staff' ? await visibleItem(deps, actor, caseId) : await deps.getLedgerItem(caseId);
  if (!item) throw new NotFoundError('ledgerItem', caseId);
  if (input.rev !== undefined && input.rev !== item.rev) throw new ConflictError('staleRevision', { rev: item.rev });
  const { rev: _rev, ...command } = input;
  const applied = applyLedgerAction(item, command as LedgerActionInput, actor, deps.now(), await deps.workingCalendar());
  if (input.action === 'submitEvidence' && input.evidenceKeys.length > 0) {
    if (!deps.describe || !deps.markAttached) throw new Error('this function is not bound to the attachments bucket');
    const issues = (await attachmentIssues({ describe: deps.describe }, input.evidenceKeys)).map((i) => ({ ...i, path: i.path.replace(/^attachmentKeys/, 'evidenceKeys') }));
    if (issues.length > 0) throw new ValidationError(issues);
    await deps.markAttached(input.evidenceKeys);
  }
  const asUnit = actor.kind === 'staff' && !actor.supervisor;
  await deps.saveLedgerTransition(applied.item, applied.event, { rev: item.rev, ...(asUnit ? { unitId: item.unitId } : {}) });
  return applied.item;
}

/** A row read from a sheet as a new item in its row's state, with one `import` event. */
export function itemOfRow(row: LedgerRow, caseId: string, actor: LedgerStaff, at: Date, calendar: WorkingCalendar): NewLedgerItem {
  const iso = at.toISOString();
  const due = row.deadline ? resolveDeadline(row.deadline, at, calendar) : undefined;
  const ledgered = row.state !== 'IDENTIFIED';
  const done = row.state === 'CLOSED' || row.state === 'PUBLISHED';
  const item: LedgerItem = {
    caseId,
    source: row.source,
    level: row.level,
    category: row.category,
    problem: row.problem,
    unitId: row.unitId,
    ...(row.owner !== undefined ? { owner: row.owner } : {}),
    ...(row.responsibleLeader !== undefined ? { responsibleLeader: row.responsibleLeader } : {}),
    ...(row.measures !== undefined ? { measures: row.measures } : {}),
    ...(row.deadline && due ? { deadline: row.deadline, dueDate: due.dueDate, dueAt: due.dueAt, beyondCalendar: due.beyondCalendar } : {}),
    state: row.state,
    // A line without its day is an update of the import's day.
    progress: row.progress.map((p) => ({ text: p.text, at: p.date ? `${p.date}T12:00:00+08:00` : iso })),
    evidenceKeys: [],
    sendBackCount: 0,
    disclose: row.disclose,
    identifiedAt: iso,
    ...(ledgered ? { ledgeredAt: iso } : {}),
    ...(done ? { closedAt: iso } : {}),
    ...(row.state === 'PUBLISHED' ? { publishedAt: iso } : {}),
    escalation: 'none',
    rev: 1,
    updatedAt: iso,
  };
  const event: LedgerEvent = { caseId, record: 'ledger', seq: 1, at: iso, actor: { kind: 'staff', sub: actor.sub }, action: 'import', from: null, to: row.state, note: `row ${row.row}` };
  return { item, events: [event] };
}

/**
 * Imports a ledger from a sheet's rows (header first): the plan names every bad row and column; with
 * `dryRun`, or when any row is bad, nothing is written (a bad row makes it a ValidationError naming each
 * as `rows.<row>.<column>`). Each row becomes a new item in the state its row names; rows keep their order
 * (each item is entered one millisecond after the row before it).
 */
export async function importLedger(
  deps: LedgerDeps,
  actor: LedgerStaff,
  table: readonly (readonly string[])[] | undefined,
  options: { dryRun: boolean },
): Promise<LedgerImportResult> {
  const [units, { categories }] = await Promise.all([deps.listUnits(), ledgerCategories(deps)]);
  const { plan, rows }: { plan: LedgerImportResult['plan']; rows: LedgerRow[] } = table
    ? planLedgerImport(table, units, categories)
    : { plan: { fileIssues: [M.fileUnreadable], ignoredColumns: [], rows: [], counts: { create: 0, invalid: 0 }, valid: false }, rows: [] };
  if (options.dryRun) return { plan, written: 0, caseIds: [] };
  if (!plan.valid) {
    throw new ValidationError(planIssues(plan));
  }
  const now = deps.now().getTime();
  const calendar = await deps.workingCalendar();
  const created = rows.map((row, i) => itemOfRow(row, deps.newId(), actor, new Date(now + i), calendar));
  await deps.createLedgerItems(created);
  return { plan, written: created.length, caseIds: created.map((c) => c.item.caseId) };
}

/** A view as a workbook in the template's shape (ledger-import.ts), unit and category by name. */
export async function exportLedger(deps: LedgerDeps, actor: LedgerStaff, query: LedgerListQuery): Promise<Spreadsheet> {
  const [items, units, { categories }] = await Promise.all([listLedgerItems(deps, actor, query), deps.listUnits(), ledgerCategories(deps)]);
  return ledgerWorkbook(items, units, categories);
}
