import { createHmac } from 'node:crypto';
import * as z from 'zod/mini';
import { NotFoundError } from '../errors';
import type { Lang } from '../lang';
import type { FormVersion, Question } from './form';
import type { Period } from './period';
import { aboutOf } from './questions';
import type { Response } from './response';

/**
 * The raw anonymised export of a period (原始答卷导出): one CSV row per ballot and rated unit, for whoever
 * wants to re-derive or study the figures. What it holds and what it never holds:
 * - a ballot is named by a keyed digest of its reference under a key made for this export and then
 *   forgotten: the rows of one ballot share it, but nothing links it to the stored reference (an invitation's
 *   serial names its batch, which may name a person), to a receipt code, or to another export;
 * - never the client key of an open ballot, a salt, a submission digest, a receipt code, an invitation batch,
 *   nor contact data (the responses table holds none);
 * - text answers (short and long text: comments) only when an admin asked for them.
 */

/** What the caller asks for. */
export const ZResponseExportInput = z
  .object({
    /** Include short and long text answers (comments). Admins only: a supervisor asking gets 403. */
    includeText: z._default(z.boolean(), false),
  })
  .register(z.globalRegistry, { id: 'ResponseExportInput', description: 'What the raw export of a period holds.' });
export type ResponseExportInput = z.infer<typeof ZResponseExportInput>;

export const ZResponseExport = z
  .object({
    /** Where to download the file: a presigned link on AWS; a link on the same origin under `npm start`. */
    url: z.string(),
    /** The file's name (it names the period). */
    filename: z.string(),
    /** When the link stops working (the file itself is deleted a day after it was written). */
    expiresAt: z.iso.datetime(),
    /** The time the rows were read from; the file names it in CST. */
    dataAsOf: z.iso.datetime(),
    /** Data rows in the file: one per ballot and rated unit. */
    rows: z.int().check(z.minimum(0)),
    /** Ballots read. */
    ballots: z.int().check(z.minimum(0)),
    /** Stored items that did not read as a ballot (left out, counted here). */
    unreadable: z.int().check(z.minimum(0)),
    includeText: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'ResponseExport', description: 'A raw anonymised export of a period, ready for download.' });
export type ResponseExport = z.infer<typeof ZResponseExport>;

/** One column of answers: a question (or one dimension of a matrix), about the unit or the respondent. */
interface AnswerColumn {
  about: 'unit' | 'respondent';
  questionId: string;
  dimensionId?: string;
  header: string;
}

/** The columns of an export: fixed ones, then every answer column of every version of the period's forms. */
export interface ExportPlan {
  header: string[];
  answers: AnswerColumn[];
  includeText: boolean;
}

const FIXED_HEADERS: Record<Lang, string[]> = {
  'zh-CN': ['答卷编号（匿名）', '评议表', '版本', '提交时间（北京时间）', '评议主体', '参评方式', '被评单位'],
  en: ['Ballot (anonymised)', 'Form', 'Version', 'Submitted at (CST)', 'Respondent group', 'Admission', 'Unit'],
};

const PREAMBLE: Record<Lang, { period: string; asOf: string; text: string; yes: string; no: string }> = {
  'zh-CN': { period: '评议期', asOf: '数据截至（北京时间）', text: '含文字答案', yes: '是', no: '否' },
  en: { period: 'Period', asOf: 'Data as of (CST)', text: 'Text answers included', yes: 'yes', no: 'no' },
};

const isText = (q: Question) => q.type === 'shortText' || q.type === 'longText';

/**
 * The columns for a period's form versions: a question asked in several versions is one column (by its id);
 * a matrix is one column per dimension; text questions only with `includeText`. Headers are the ids with the
 * label of the first version that asks them, in `lang`.
 */
export function exportPlan(versions: readonly FormVersion[], lang: Lang, includeText: boolean): ExportPlan {
  const seen = new Set<string>();
  const answers: AnswerColumn[] = [];
  const add = (column: Omit<AnswerColumn, 'header'>, label: string) => {
    const id = column.dimensionId ? `${column.questionId}.${column.dimensionId}` : column.questionId;
    const key = `${column.about}:${id}`;
    if (seen.has(key)) return;
    seen.add(key);
    answers.push({ ...column, header: `${id} ${label}` });
  };
  for (const version of versions) {
    for (const q of version.content.questions) {
      if (isText(q) && !includeText) continue;
      const about = aboutOf(q);
      if (q.type === 'dimensions') {
        for (const d of q.dimensions) add({ about, questionId: q.id, dimensionId: d.id }, `${q.text[lang]}: ${d.label[lang]}`);
      } else {
        add({ about, questionId: q.id }, q.text[lang]);
      }
    }
  }
  return { header: [...FIXED_HEADERS[lang], ...answers.map((a) => a.header)], answers, includeText };
}

/** The lines above the header: the period, the data-as-of time (CST) and whether text is in. */
export function exportPreamble(period: Pick<Period, 'periodId' | 'name'>, dataAsOf: Date, lang: Lang, includeText: boolean): string[][] {
  const p = PREAMBLE[lang];
  return [
    [p.period, period.name[lang], period.periodId],
    [p.asOf, cstTime(dataAsOf.getTime())],
    [p.text, includeText ? p.yes : p.no],
    [],
  ];
}

const CST_OFFSET_MS = 8 * 3_600_000;

/**
 * An instant as `2026-06-15 10:00:00` in China Standard Time. China keeps no daylight saving, so a fixed
 * offset is exact; it is what domain/time-zone.ts `formatInstantCst` gives, about fifty times faster,
 * which matters a million rows at a time.
 */
export const cstTime = (ms: number): string => new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');

/** A ballot's name in one export: HMAC-SHA256 of its reference under the export's key, 96 bits in base64url. */
export const ballotDigest = (key: Uint8Array, ballotRef: string): string =>
  createHmac('sha256', key).update(ballotRef).digest('base64url').slice(0, 16);

function cellOf(value: unknown, dimensionId: string | undefined): string {
  if (dimensionId !== undefined) {
    const v = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[dimensionId] : undefined;
    return typeof v === 'string' ? v : '';
  }
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string').join(';');
  return '';
}

/**
 * The rows of one ballot: one per unit it rates (a ballot rating none gets one row without a unit, so no
 * ballot goes missing), the respondent's answers repeated on each. Only what the plan names is read: a
 * client key, a receipt code or a text answer the plan leaves out cannot reach the file.
 */
export function ballotRows(response: Response, plan: ExportPlan, key: Uint8Array): string[][] {
  const fixed = [
    ballotDigest(key, response.ballotRef),
    response.formId,
    String(response.version),
    cstTime(Date.parse(response.submittedAt)),
    response.group,
    response.admission.kind,
  ];
  const unitIds = Object.keys(response.units);
  return (unitIds.length > 0 ? unitIds : ['']).map((unitId) => {
    const unitAnswers = response.units[unitId] ?? {};
    const row = [...fixed, unitId];
    for (const column of plan.answers) {
      const scope = column.about === 'unit' ? unitAnswers : response.answers;
      row.push(Object.hasOwn(scope, column.questionId) ? cellOf(scope[column.questionId], column.dimensionId) : '');
    }
    return row;
  });
}

/** The raw stored items of a period, a page at a time (keys and all: only the ballot fields are read). */
export type ItemPages = AsyncIterable<readonly Record<string, unknown>[]>;

/** What exporting needs. */
export interface ResponseExportDeps {
  getPeriod(periodId: string): Promise<Period | undefined>;
  /** The published versions of the period's forms. */
  periodFormVersions(periodId: string): Promise<FormVersion[]>;
  /** Every stored ballot of the period, page by page (shards read side by side; order does not matter). */
  periodItemPages(periodId: string): ItemPages;
  /**
   * Writes the file from its pages of rows as they come (the writer pulls: backpressure) and makes it
   * downloadable only once it is complete; on any failure nothing is handed out, and the error is thrown.
   */
  saveExport(filename: string, pages: AsyncIterable<readonly (readonly string[])[]>): Promise<{ url: string; expiresAt: Date }>;
  /** The key of this export's ballot digests: random, used once, never stored. */
  newExportKey(): Uint8Array;
  now(): Date;
}

/**
 * Exports the raw anonymised responses of a period as CSV rows streamed to `saveExport`: the preamble
 * (period, data-as-of time in CST), the header, then one row per ballot and unit, page by page, so memory
 * stays bounded whatever the period holds. NotFoundError for an unknown period. Whether the caller may
 * see text answers is the caller's (the API's) concern; this takes `includeText` as given.
 */
export async function exportResponses(
  deps: ResponseExportDeps,
  periodId: string,
  options: { lang: Lang; includeText: boolean },
): Promise<ResponseExport> {
  const period = await deps.getPeriod(periodId);
  if (!period) throw new NotFoundError('period', periodId);
  const versions = await deps.periodFormVersions(periodId);
  const plan = exportPlan(versions, options.lang, options.includeText);
  const dataAsOf = deps.now();
  const key = deps.newExportKey();
  const counts = { rows: 0, ballots: 0, unreadable: 0 };

  async function* pages(): AsyncGenerator<readonly (readonly string[])[]> {
    yield [...exportPreamble(period!, dataAsOf, options.lang, options.includeText), plan.header];
    for await (const items of deps.periodItemPages(periodId)) {
      const rows: string[][] = [];
      for (const item of items) {
        const ballot = readBallot(item);
        if (!ballot || ballot.periodId !== periodId) {
          counts.unreadable += 1;
          continue;
        }
        counts.ballots += 1;
        for (const row of ballotRows(ballot, plan, key)) rows.push(row);
      }
      counts.rows += rows.length;
      if (rows.length > 0) yield rows;
    }
  }

  const stamp = cstTime(dataAsOf.getTime()).replace(/[-: ]/g, '').slice(0, 12);
  const filename = `${options.lang === 'en' ? 'responses' : '原始答卷'}-${period.periodId}-${stamp}.csv`;
  const saved = await deps.saveExport(filename, pages());
  return {
    url: saved.url,
    filename,
    expiresAt: saved.expiresAt.toISOString(),
    dataAsOf: dataAsOf.toISOString(),
    ...counts,
    includeText: options.includeText,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const BALLOT_REF = /^[oir]\.[A-Za-z0-9_-]{4,64}$/;
const ADMISSION_KINDS = new Set(['open', 'invitation', 'serviceRecord']);

/**
 * A stored item as the ballot fields the export reads, or undefined when it does not read as one. Checks the
 * shape of exactly those fields (ZResponse's rules for them) rather than parsing the whole item with zod:
 * at about 9 µs an item that would be more than everything else the export does for it, a million items
 * per call. Answers are read cell by cell (cellOf), where anything but text or a list of options is empty.
 */
export function readBallot(item: Record<string, unknown>): Response | undefined {
  const { ballotRef, formId, version, periodId, group, submittedAt, admission, answers, units } = item;
  if (typeof ballotRef !== 'string' || !BALLOT_REF.test(ballotRef)) return undefined;
  if (typeof formId !== 'string' || typeof periodId !== 'string' || typeof group !== 'string') return undefined;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return undefined;
  if (typeof submittedAt !== 'string' || Number.isNaN(Date.parse(submittedAt))) return undefined;
  if (!isRecord(admission) || !ADMISSION_KINDS.has(admission.kind as string)) return undefined;
  if (!isRecord(answers) || !isRecord(units) || !Object.values(units).every(isRecord)) return undefined;
  return item as unknown as Response;
}
