import * as z from 'zod/mini';
import { ValidationError } from '../errors';
import { fill, messageOfSchemaIssue, type Message } from '../messages';
import { ZId } from '../ids';
import { ZImportMessage, ZRowIssues, importInputShape, planIssues, readSheet, templateHeader, type SheetTemplate } from '../sheet-import';
import { NAME_MAX_LENGTH } from '../text';
import { UNIT_MESSAGES as M } from './messages';
import { UNIT_KINDS, UNIT_KIND_LABELS, parentIssues, type Unit, type UnitKind } from './unit';

/**
 * Bulk import of units from a spreadsheet (CSV or XLSX, read into rows of text by the platform): every row
 * is checked, the admin sees what each row would do — create, update, leave unchanged, or why it is
 * wrong — and an import with any bad row writes nothing.
 */

/** The import template's columns: the key used in issue paths, and the headers accepted for it (either language). */
export const IMPORT_COLUMNS = {
  unitId: ['编号', '单位编号', 'unitid', 'id'],
  nameZh: ['名称', '单位名称', '中文名称', 'name', 'namezh', 'namezhcn', 'chinesename'],
  nameEn: ['英文名称', 'nameen', 'englishname'],
  kind: ['类型', '单位类型', 'kind', 'type', 'unitkind'],
  parentId: ['上级单位编号', '上级编号', '上级单位', 'parentid', 'parent', 'parentunitid'],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;

/** The template's header row as offered for download, in Chinese (the first alias of each column). */
export const IMPORT_TEMPLATE_HEADER = templateHeader(IMPORT_COLUMNS);

/** The most units one import may hold. */
export const IMPORT_MAX_ROWS = 2000;

const TEMPLATE: SheetTemplate<ImportColumn> = {
  columns: IMPORT_COLUMNS,
  required: ['unitId', 'nameZh', 'nameEn', 'kind'],
  maxRows: IMPORT_MAX_ROWS,
  messages: M,
};

/** The largest file an import takes (the base64 text is a third larger). */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;

export const ZUnitImportInput = z.object(importInputShape(IMPORT_MAX_BYTES)).register(z.globalRegistry, { id: 'UnitImportInput' });

export const ZImportAction = z.enum(['create', 'update', 'unchanged', 'invalid']);
export type ImportAction = z.infer<typeof ZImportAction>;

export const ZImportPlan = z
  .object({
    /** Problems with the file as a whole (unreadable, a missing column, no rows). */
    fileIssues: z.array(ZImportMessage),
    /** Headers of the file that name no column of the template: their cells are not read. */
    ignoredColumns: z.array(z.string()),
    rows: z.array(
      z.object({
        /** The row's number in the sheet (the header is row 1). */
        row: z.int(),
        unitId: z.string(),
        action: ZImportAction,
        /** The names as read (possibly empty on a bad row). */
        name: z.optional(ZImportMessage),
        kind: z.optional(z.enum(UNIT_KINDS)),
        parentId: z.optional(z.nullable(z.string())),
        issues: ZRowIssues,
      }),
    ),
    counts: z.object({ create: z.int(), update: z.int(), unchanged: z.int(), invalid: z.int() }),
    /** True when nothing is wrong: the import may be written. */
    valid: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'UnitImportPlan', description: 'What an import would do, row by row.' });
export type ImportPlan = z.infer<typeof ZImportPlan>;

export const ZUnitImportResult = z
  .object({ plan: ZImportPlan, written: z.int() })
  .register(z.globalRegistry, { id: 'UnitImportResult' });
type PlanRow = ImportPlan['rows'][number];

/** A kind from its key or its label in either language (`bureau`, `局`, `Bureau`). */
function parseKind(value: string): UnitKind | undefined {
  const v = value.trim().toLowerCase();
  return UNIT_KINDS.find((k) => k.toLowerCase() === v || Object.values(UNIT_KIND_LABELS[k]).some((l) => l.toLowerCase() === v));
}

/** "Kind X is not valid", listing the kinds by their names in each language. */
const unknownKind = (value: string): Message => ({
  'zh-CN': fill(M.unknownKind, { value, kinds: UNIT_KINDS.map((k) => UNIT_KIND_LABELS[k]['zh-CN']).join('、') })['zh-CN'],
  en: fill(M.unknownKind, { value, kinds: UNIT_KINDS.map((k) => UNIT_KIND_LABELS[k].en).join(', ') }).en,
});

const firstMessage = (result: { success: false; error: { issues: { message: string }[] } }, fallback: Message): Message =>
  messageOfSchemaIssue(result.error.issues[0]?.message ?? '') ?? fallback;

/**
 * Reads rows of text (header first) against the catalog's units and says what each row would do. Blank
 * rows are skipped; row numbers are the sheet's own. Nothing is written here.
 */
export function planImport(table: readonly (readonly string[])[], existing: readonly Unit[]): ImportPlan {
  const { fileIssues, ignoredColumns, lines } = readSheet(table, TEMPLATE);
  if (fileIssues.length > 0) return { fileIssues, ignoredColumns, rows: [], counts: { create: 0, update: 0, unchanged: 0, invalid: 0 }, valid: false };

  const byId = new Map(existing.map((u) => [u.unitId, u]));
  const firstRowOf = new Map<string, number>();
  const rows: PlanRow[] = lines.map(({ row, cell }) => {
    const issues: PlanRow['issues'] = [];
    const unitId = cell('unitId');
    const idCheck = ZId.safeParse(unitId);
    if (!unitId) issues.push({ column: 'unitId', message: M.required });
    else if (!idCheck.success) issues.push({ column: 'unitId', message: firstMessage(idCheck, M.required) });
    else if (firstRowOf.has(unitId)) issues.push({ column: 'unitId', message: fill(M.duplicateInFile, { id: unitId, row: firstRowOf.get(unitId)! }) });
    else firstRowOf.set(unitId, row);

    const name = { 'zh-CN': cell('nameZh'), en: cell('nameEn') };
    for (const [column, text] of [['nameZh', name['zh-CN']], ['nameEn', name.en]] as const) {
      if (!text) issues.push({ column, message: M.required });
      else if (text.length > NAME_MAX_LENGTH) issues.push({ column, message: fill(M.tooLong, { max: NAME_MAX_LENGTH }) });
    }
    const kindText = cell('kind');
    const kind = kindText ? parseKind(kindText) : undefined;
    if (!kindText) issues.push({ column: 'kind', message: M.required });
    else if (!kind) issues.push({ column: 'kind', message: unknownKind(kindText) });
    const parentId = cell('parentId') || null;
    return { row, unitId, action: 'invalid' as ImportAction, name, ...(kind ? { kind } : {}), parentId, issues };
  });

  // Parents may be other rows of the same file, so they are checked against the catalog as it would be after the import.
  const parents = new Map<string, string | null | undefined>(existing.map((u) => [u.unitId, u.parentId]));
  for (const r of rows) if (r.unitId) parents.set(r.unitId, r.parentId);
  for (const r of rows) {
    for (const issue of parentIssues(r.unitId, r.parentId, parents, 'parentId')) r.issues.push({ column: 'parentId', message: issue.message });
    if (r.issues.length > 0) continue;
    const current = byId.get(r.unitId);
    const same =
      current &&
      current.name['zh-CN'] === r.name?.['zh-CN'] &&
      current.name.en === r.name?.en &&
      current.kind === r.kind &&
      (current.parentId ?? null) === r.parentId;
    r.action = !current ? 'create' : same ? 'unchanged' : 'update';
  }
  const counts = { create: 0, update: 0, unchanged: 0, invalid: 0 };
  for (const r of rows) counts[r.action] += 1;
  return { fileIssues, ignoredColumns, rows, counts, valid: counts.invalid === 0 };
}

/** What importUnits needs from storage. */
export interface ImportDeps {
  listUnits(): Promise<Unit[]>;
  /** Creates and replaces units together; each replacement only if the unit is still at its read revision. */
  writeUnits(changes: { create: Unit[]; replace: { unit: Unit; expectedRev: number }[] }): Promise<void>;
  now(): Date;
}

/**
 * Plans an import and, unless `dryRun`, writes it: new units are created active, changed ones updated
 * (their status kept), unchanged ones left alone. Any bad row makes it a ValidationError naming every bad
 * row and column, and nothing is written.
 */
export async function importUnits(
  deps: ImportDeps,
  table: readonly (readonly string[])[] | undefined,
  options: { dryRun: boolean },
): Promise<{ plan: ImportPlan; written: number }> {
  const existing = await deps.listUnits();
  const plan: ImportPlan = table
    ? planImport(table, existing)
    : { fileIssues: [M.fileUnreadable], ignoredColumns: [], rows: [], counts: { create: 0, update: 0, unchanged: 0, invalid: 0 }, valid: false };
  if (options.dryRun) return { plan, written: 0 };
  if (!plan.valid) throw new ValidationError(planIssues(plan));

  const byId = new Map(existing.map((u) => [u.unitId, u]));
  const updatedAt = deps.now().toISOString();
  const create: Unit[] = [];
  const replace: { unit: Unit; expectedRev: number }[] = [];
  for (const r of plan.rows) {
    if (r.action === 'unchanged' || !r.name || !r.kind) continue;
    const current = byId.get(r.unitId);
    const fields = { name: r.name, kind: r.kind, parentId: r.parentId ?? null, updatedAt };
    if (current) replace.push({ unit: { ...current, ...fields, rev: current.rev + 1 }, expectedRev: current.rev });
    else create.push({ unitId: r.unitId, ...fields, status: 'active', rev: 1 });
  }
  await deps.writeUnits({ create, replace });
  return { plan, written: create.length + replace.length };
}
