import * as z from 'zod/mini';
import { fill, type Message } from '../messages';
import type { Sheet, SheetCell, Spreadsheet } from '../sheet';
import { ZImportMessage, ZRowIssues, importInputShape, readSheet, templateHeader, type SheetTemplate } from '../sheet-import';
import type { Unit } from '../units/unit';
import { cstDate } from '../working-days';
import {
  LEDGER_LEVELS,
  LEDGER_SOURCES,
  LEDGER_STATES,
  LEDGER_TEXT_MAX,
  LEDGER_PERSON_MAX,
  LEDGER_MAX_WORKING_DAYS,
  type LedgerCategory,
  type LedgerDeadline,
  type LedgerItem,
  type LedgerLevel,
  type LedgerSource,
  type LedgerState,
} from './ledger';
import { LEDGER_LEVEL_LABELS, LEDGER_MESSAGES as M, LEDGER_SOURCE_LABELS, LEDGER_STATE_LABELS } from './messages';

/**
 * The ledger as offices keep it in Excel (整改台账.xlsx): one sheet, one row per problem, in these columns
 * (the template, GET /ledger/template.xlsx, has them with an example row and a sheet of the values each takes):
 *
 * | column   | content                                                                        | required |
 * |----------|--------------------------------------------------------------------------------|----------|
 * | 序号     | the row's number (read for nothing: items are numbered by their place)          | no       |
 * | 层级     | 领导班子, 班子成员, 单位, 干部                                                    | yes      |
 * | 问题类别 | a category's name (or id) of the configured list                                | yes      |
 * | 问题描述 | the problem                                                                     | yes      |
 * | 责任单位 | the unit's name or id                                                            | yes      |
 * | 责任人   | the person responsible                                                           | from 已建账 on |
 * | 责任领导 | the responsible leader                                                           | from 已建账 on |
 * | 整改措施 | the measures                                                                     | from 已建账 on |
 * | 整改时限 | a date (2026-12-31, 2026/12/31, 2026年12月31日) or working days (15个工作日)      | from 已建账 on |
 * | 整改进展 | progress updates, one a line, each `YYYY-MM-DD text`                              | no       |
 * | 状态     | 已查摆, 已建账, 整改中, 待验收, 已验收, 已销号, 已公示 (empty: 已建账 when the four ledger columns are filled, else 已查摆) | no |
 * | 问题来源 | 自查, 督查发现, 群众投诉, 差评 (empty: 自查)                                       | no       |
 * | 是否公示 | 是 / 否 (empty: 否)                                                              | no       |
 *
 * Headers are matched whatever their spacing and case, in Chinese or English. An export writes every item of
 * a view in this same shape (the deadline as its due date), so exporting and importing gives the same sheet.
 */

/** The columns: the key used in issue paths, and the headers accepted for it (the first is the template's). */
export const LEDGER_COLUMNS = {
  seq: ['序号', 'no', 'seq', '#'],
  level: ['层级', '级别', 'level'],
  category: ['问题类别', '类别', 'category'],
  problem: ['问题描述', '存在问题', '问题', 'problem'],
  unit: ['责任单位', '单位', 'unit', 'unitid'],
  owner: ['责任人', 'owner'],
  responsibleLeader: ['责任领导', '分管领导', 'responsibleleader', 'leader'],
  measures: ['整改措施', '措施', 'measures'],
  deadline: ['整改时限', '完成时限', '时限', 'deadline', 'duedate'],
  progress: ['整改进展', '进展情况', '进展', 'progress'],
  state: ['状态', '整改状态', 'state', 'status'],
  source: ['问题来源', '来源', 'source'],
  disclose: ['是否公示', '公示', 'disclose'],
} as const;
export type LedgerColumn = keyof typeof LEDGER_COLUMNS;

/** The template's header row (the first alias of each column). */
export const LEDGER_TEMPLATE_HEADER = templateHeader(LEDGER_COLUMNS);

/** The most items one import may hold (a whole district's ledger: the source report's units found 2,542). */
export const LEDGER_IMPORT_MAX_ROWS = 3000;

const TEMPLATE: SheetTemplate<LedgerColumn> = {
  columns: LEDGER_COLUMNS,
  required: ['level', 'category', 'problem', 'unit'],
  maxRows: LEDGER_IMPORT_MAX_ROWS,
  messages: M,
};

/** The largest file an import takes (the base64 text is a third larger). */
export const LEDGER_IMPORT_MAX_BYTES = 4 * 1024 * 1024;

export const ZLedgerImportInput = z.object(importInputShape(LEDGER_IMPORT_MAX_BYTES)).register(z.globalRegistry, { id: 'LedgerImportInput' });
export type LedgerImportInput = z.infer<typeof ZLedgerImportInput>;

export const ZLedgerImportPlan = z
  .object({
    /** Problems with the file as a whole (unreadable, a missing column, no rows, too many). */
    fileIssues: z.array(ZImportMessage),
    /** Headers that name no column of the template: their cells are not read. */
    ignoredColumns: z.array(z.string()),
    rows: z.array(
      z.object({
        /** The row's number in the sheet (the header is row 1). */
        row: z.int(),
        action: z.enum(['create', 'invalid']),
        problem: z.string(),
        unitId: z.optional(z.string()),
        state: z.optional(z.enum(LEDGER_STATES)),
        issues: ZRowIssues,
      }),
    ),
    counts: z.object({ create: z.int(), invalid: z.int() }),
    /** True when nothing is wrong: the import may be written. */
    valid: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'LedgerImportPlan', description: 'What a ledger import would do, row by row.' });
export type LedgerImportPlan = z.infer<typeof ZLedgerImportPlan>;

export const ZLedgerImportResult = z
  .object({ plan: ZLedgerImportPlan, written: z.int(), caseIds: z.array(z.uuid()) })
  .register(z.globalRegistry, { id: 'LedgerImportResult' });
export type LedgerImportResult = z.infer<typeof ZLedgerImportResult>;

/** One valid row, read: everything a new item needs besides its id and times. */
export interface LedgerRow {
  row: number;
  level: LedgerLevel;
  category: string;
  problem: string;
  unitId: string;
  owner?: string;
  responsibleLeader?: string;
  measures?: string;
  deadline?: LedgerDeadline;
  progress: { text: string; date?: string }[];
  state: LedgerState;
  source: LedgerSource;
  disclose: boolean;
}

/** A value from its key or its label in either language. */
function byLabel<K extends string>(keys: readonly K[], labels: Record<K, Message>, value: string): K | undefined {
  const v = value.trim().toLowerCase();
  return keys.find((k) => k.toLowerCase() === v || Object.values(labels[k]).some((l) => l.toLowerCase() === v));
}

const unknownValue = (value: string, column: string, values: readonly string[]): Message =>
  fill(M.unknownValue, { value, column, values: values.join('、') });

const YES = ['是', 'y', 'yes', 'true', '1'];
const NO = ['否', 'n', 'no', 'false', '0', ''];

const pad = (n: number) => String(n).padStart(2, '0');

/** A deadline cell: a day (2026-12-31, 2026/12/31, 2026年12月31日, or Excel's own date) or working days (15, 15个工作日). */
export function parseDeadline(text: string): LedgerDeadline | undefined {
  const t = text.trim();
  const days = /^(\d{1,3})\s*(个)?\s*(工作日|working days?)?$/i.exec(t);
  if (days) {
    const n = Number(days[1]);
    return n >= 1 && n <= LEDGER_MAX_WORKING_DAYS ? { workingDays: n } : undefined;
  }
  const ymd = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(t);
  // An Excel date cell reads as a JavaScript date text ("Thu Dec 31 2026 08:00:00 GMT+0800 ..."): its UTC day is the cell's day.
  const excel = !ymd && /GMT/.test(t) && !Number.isNaN(Date.parse(t)) ? new Date(Date.parse(t)).toISOString().slice(0, 10) : undefined;
  const date = ymd ? `${ymd[1]}-${pad(Number(ymd[2]))}-${pad(Number(ymd[3]))}` : excel;
  if (!date) return undefined;
  const check = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(check.getTime()) && check.toISOString().slice(0, 10) === date ? { date } : undefined;
}

/** A progress cell: one update a line, `YYYY-MM-DD text` (a line without a day is an update of the import's day). */
export function parseProgress(text: string): { text: string; date?: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const m = /^(\d{4}-\d{2}-\d{2})\s+(.+)$/.exec(line);
      return m ? { date: m[1]!, text: m[2]! } : { text: line };
    });
}

/** The progress updates as one cell, the way parseProgress reads them back. */
export const progressCell = (progress: readonly { text: string; at: string }[]): string =>
  progress.map((p) => `${cstDate(new Date(p.at))} ${p.text.replace(/\s*\n\s*/g, ' ')}`).join('\n');

/** The states that need the four ledger columns. */
const needsLedgerFields = (state: LedgerState) => state !== 'IDENTIFIED';

/**
 * Reads rows of text (header first) against the units and categories and says what each row would do,
 * naming every bad row and column. Blank rows are skipped; row numbers are the sheet's own. Pure.
 */
export function planLedgerImport(
  table: readonly (readonly string[])[],
  units: readonly Pick<Unit, 'unitId' | 'name' | 'status'>[],
  categories: readonly LedgerCategory[],
): { plan: LedgerImportPlan; rows: LedgerRow[] } {
  const { fileIssues, ignoredColumns, lines } = readSheet(table, TEMPLATE);
  if (fileIssues.length > 0) return { plan: { fileIssues, ignoredColumns, rows: [], counts: { create: 0, invalid: 0 }, valid: false }, rows: [] };

  const unitById = new Map(units.map((u) => [u.unitId, u]));
  const unitsByName = new Map<string, Pick<Unit, 'unitId' | 'name' | 'status'>[]>();
  for (const u of units) for (const name of new Set([u.name['zh-CN'], u.name.en])) unitsByName.set(name, [...(unitsByName.get(name) ?? []), u]);
  const categoryOf = (v: string) => categories.find((c) => c.id === v || c.name['zh-CN'] === v || c.name.en.toLowerCase() === v.toLowerCase());

  const read: LedgerRow[] = [];
  const planRows = lines.map(({ row, cell }) => {
    const issues: { column: string; message: Message }[] = [];
    const issue = (column: LedgerColumn, message: Message) => issues.push({ column, message });
    const required = (column: LedgerColumn, max: number): string | undefined => {
      const v = cell(column);
      if (!v) issue(column, M.required);
      else if (v.length > max) issue(column, fill(M.tooLong, { max }));
      else return v;
      return undefined;
    };
    const optional = (column: LedgerColumn, max: number): string | undefined => {
      const v = cell(column);
      if (v.length > max) issue(column, fill(M.tooLong, { max }));
      return v && v.length <= max ? v : undefined;
    };

    const levelText = cell('level');
    const level = byLabel(LEDGER_LEVELS, LEDGER_LEVEL_LABELS, levelText);
    if (!levelText) issue('level', M.required);
    else if (!level) issue('level', unknownValue(levelText, '层级', LEDGER_LEVELS.map((l) => LEDGER_LEVEL_LABELS[l]['zh-CN'])));

    const categoryText = cell('category');
    const category = categoryText ? categoryOf(categoryText) : undefined;
    if (!categoryText) issue('category', M.required);
    else if (!category) issue('category', fill(M.unknownCategory, { value: categoryText, categories: categories.map((c) => c.name['zh-CN']).join('、') }));

    const problem = required('problem', LEDGER_TEXT_MAX);

    const unitText = cell('unit');
    const candidates = unitById.has(unitText) ? [unitById.get(unitText)!] : (unitsByName.get(unitText) ?? []);
    const unit = candidates.length === 1 ? candidates[0] : undefined;
    if (!unitText) issue('unit', M.required);
    else if (!unit) issue('unit', fill(M.unknownUnit, { id: unitText }));
    else if (unit.status !== 'active') issue('unit', fill(M.retiredUnit, { id: unitText }));

    const owner = optional('owner', LEDGER_PERSON_MAX);
    const responsibleLeader = optional('responsibleLeader', LEDGER_PERSON_MAX);
    const measures = optional('measures', LEDGER_TEXT_MAX);
    const deadlineText = cell('deadline');
    const deadline = deadlineText ? parseDeadline(deadlineText) : undefined;
    if (deadlineText && !deadline) issue('deadline', M.badDeadline);

    const stateText = cell('state');
    const complete = owner !== undefined && responsibleLeader !== undefined && measures !== undefined && deadline !== undefined;
    const state = stateText ? byLabel(LEDGER_STATES, LEDGER_STATE_LABELS, stateText) : complete ? 'LEDGERED' : 'IDENTIFIED';
    if (!state) issue('state', unknownValue(stateText, '状态', LEDGER_STATES.map((s) => LEDGER_STATE_LABELS[s]['zh-CN'])));
    else if (needsLedgerFields(state) && !complete) {
      const message = fill(M.ledgerFieldsNeeded, { state: LEDGER_STATE_LABELS[state]['zh-CN'] });
      for (const [column, value] of [['owner', owner], ['responsibleLeader', responsibleLeader], ['measures', measures], ['deadline', deadline]] as const) {
        if (value === undefined && !(column === 'deadline' && deadlineText)) issue(column, message);
      }
    }

    const sourceText = cell('source');
    const source = sourceText ? byLabel(LEDGER_SOURCES, LEDGER_SOURCE_LABELS, sourceText) : 'selfInspection';
    if (!source) issue('source', unknownValue(sourceText, '问题来源', LEDGER_SOURCES.map((s) => LEDGER_SOURCE_LABELS[s]['zh-CN'])));

    const discloseText = cell('disclose').toLowerCase();
    const disclose = YES.includes(discloseText) ? true : NO.includes(discloseText) ? false : undefined;
    if (disclose === undefined) issue('disclose', unknownValue(cell('disclose'), '是否公示', ['是', '否']));

    const progressText = cell('progress');
    const progress = parseProgress(progressText);
    for (const p of progress) if (p.text.length > LEDGER_TEXT_MAX) issue('progress', fill(M.tooLong, { max: LEDGER_TEXT_MAX }));

    if (issues.length === 0) {
      read.push({
        row,
        level: level!,
        category: category!.id,
        problem: problem!,
        unitId: unit!.unitId,
        ...(owner !== undefined ? { owner } : {}),
        ...(responsibleLeader !== undefined ? { responsibleLeader } : {}),
        ...(measures !== undefined ? { measures } : {}),
        ...(deadline ? { deadline } : {}),
        progress,
        state: state!,
        source: source!,
        disclose: disclose!,
      });
    }
    return {
      row,
      action: issues.length === 0 ? ('create' as const) : ('invalid' as const),
      problem: cell('problem'),
      ...(unit ? { unitId: unit.unitId } : {}),
      ...(state ? { state } : {}),
      issues,
    };
  });
  const invalid = planRows.filter((r) => r.action === 'invalid').length;
  return { plan: { fileIssues, ignoredColumns, rows: planRows, counts: { create: planRows.length - invalid, invalid }, valid: invalid === 0 }, rows: read };
}

/**
 * The ledger as a workbook in the template's shape, all in Chinese (the offices' language): one row per item
 * in the order given, the deadline as its due day, progress one update a line.
 */
export function ledgerSheet(items: readonly LedgerItem[], units: readonly Pick<Unit, 'unitId' | 'name'>[], categories: readonly LedgerCategory[]): Sheet {
  const unitName = new Map(units.map((u) => [u.unitId, u.name['zh-CN']]));
  // A unit named like another is written by its id, so the import finds the same unit again.
  const nameCount = new Map<string, number>();
  for (const u of units) nameCount.set(u.name['zh-CN'], (nameCount.get(u.name['zh-CN']) ?? 0) + 1);
  const unitCell = (id: string) => {
    const name = unitName.get(id);
    return name && nameCount.get(name) === 1 ? name : id;
  };
  const categoryName = new Map(categories.map((c) => [c.id, c.name['zh-CN']]));
  const rows: SheetCell[][] = items.map((item, i) => [
    i + 1,
    LEDGER_LEVEL_LABELS[item.level]['zh-CN'],
    categoryName.get(item.category) ?? item.category,
    item.problem,
    unitCell(item.unitId),
    item.owner ?? '',
    item.responsibleLeader ?? '',
    item.measures ?? '',
    item.dueDate ?? '',
    progressCell(item.progress),
    LEDGER_STATE_LABELS[item.state]['zh-CN'],
    LEDGER_SOURCE_LABELS[item.source]['zh-CN'],
    item.disclose ? '是' : '否',
  ]);
  return { name: '整改台账', columns: LEDGER_TEMPLATE_HEADER.map((header, i) => ({ header, format: i === 0 ? 'count' : 'text' })), rows };
}

/** The workbook of a ledger view. */
export const ledgerWorkbook = (items: readonly LedgerItem[], units: readonly Pick<Unit, 'unitId' | 'name'>[], categories: readonly LedgerCategory[]): Spreadsheet => ({
  title: '整改台账',
  sheets: [ledgerSheet(items, units, categories)],
});

/**
 * The import template: the columns with one example row, and a sheet 填写说明 that says, column by
 * column, what it holds and which values it takes (the categories in force among them).
 */
export function ledgerTemplate(categories: readonly LedgerCategory[]): Spreadsheet {
  const example: SheetCell[] = [
    1,
    LEDGER_LEVEL_LABELS.unit['zh-CN'],
    categories[0]?.name['zh-CN'] ?? '',
    '（示例）窗口服务“一次性告知”落实不到位，群众反映多次跑腿。',
    '（填写单位名称或编号）',
    '（责任人姓名）',
    '（责任领导姓名）',
    '（示例）修订一次性告知清单，开展窗口人员培训。',
    '30个工作日',
    '',
    LEDGER_STATE_LABELS.LEDGERED['zh-CN'],
    LEDGER_SOURCE_LABELS.selfInspection['zh-CN'],
    '否',
  ];
  const help: [string, string][] = [
    ['序号', '行号，仅供查看，导入时不读取。'],
    ['层级（必填）', LEDGER_LEVELS.map((l) => LEDGER_LEVEL_LABELS[l]['zh-CN']).join('、')],
    ['问题类别（必填）', categories.map((c) => c.name['zh-CN']).join('、')],
    ['问题描述（必填）', `不超过 ${LEDGER_TEXT_MAX} 字。`],
    ['责任单位（必填）', '单位名称或单位编号。'],
    ['责任人、责任领导、整改措施、整改时限', '状态为“已查摆”以外时必填。'],
    ['整改时限', '日期（2026-12-31、2026/12/31、2026年12月31日）或工作日数（15个工作日，从导入之日起算）。'],
    ['整改进展', '每行一条，格式“YYYY-MM-DD 进展内容”。'],
    ['状态', `${LEDGER_STATES.map((s) => LEDGER_STATE_LABELS[s]['zh-CN']).join('、')}；不填时四项建账内容齐全为“已建账”，否则为“已查摆”。`],
    ['问题来源', `${LEDGER_SOURCES.map((s) => LEDGER_SOURCE_LABELS[s]['zh-CN']).join('、')}；不填为“自查”。`],
    ['是否公示', '是 / 否；不填为“否”。'],
  ];
  return {
    title: '整改台账导入模板',
    sheets: [
      { name: '整改台账', columns: LEDGER_TEMPLATE_HEADER.map((header, i) => ({ header, format: i === 0 ? 'count' : 'text' })), rows: [example] },
      { name: '填写说明', columns: [{ header: '列', format: 'text' }, { header: '填写说明', format: 'text' }], rows: help },
    ],
  };
}
