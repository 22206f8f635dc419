import { createHmac } from 'node:crypto';
import * as z from 'zod/mini';
import { NotFoundError } from '../errors';
import type { Lang } from '../lang';
import type { ExportFile } from './export-job';
import type { FormVersion, Question } from './form';
import type { Period } from './period';
import { aboutOf } from './questions';
import type { Response } from './response';
import type { RespondentGroup } from './respondent-group';
import type { Appeal, BatchReview } from './review';
import { EXCLUSION_LABELS } from './tally-report';
import { PeriodTally, type ExclusionReason, type StoredBallot } from './tally';

/**
 * The raw anonymised export of a period (原始答卷导出): one CSV row per ballot and rated unit, for whoever
 * wants to re-derive or study the figures. What it holds and what it never holds:
 * - a ballot is named by a keyed digest of its reference under a key made for this export and then
 *   forgotten: the rows of one ballot share it, but nothing links it to the stored reference (an invitation's
 *   serial names its batch, which may name a person), to a receipt code, or to another export;
 * - never the client key of an open ballot, a salt, a submission digest, a receipt code, an invitation batch,
 *   nor contact data (the responses table holds none);
 * - text answers (short and long text: comments) only when an admin asked for them.
 * Its last column (不计入原因 / Excluded because) says, row by row, why the tally leaves the ballot out for that
 * unit — `excludedOnReview 复核后排除`, `appealUpheld 申诉复核成立` … (EXCLUSION_REASONS, then its label) — or is
 * empty when the ballot counts for it. It is decided by the tally itself (PeriodTally, fed each ballot as it is
 * read) with the review state as it stands when the export is made: what the next tally counts. So anyone can
 * re-derive the published figures from the file alone (infra/ops/rederive-scores.mjs).
 */

/** What the caller asks for. */
export const ZResponseExportInput = z
  .object({
    /** Include short and long text answers (comments). Admins only: a supervisor asking gets 403. */
    includeText: z._default(z.boolean(), false),
  })
  .register(z.globalRegistry, { id: 'ResponseExportInput', description: 'What the raw export of a period holds.' });
export type ResponseExportInput = z.infer<typeof ZResponseExportInput>;

/** One column of answers: a question (or one dimension of a matrix), about the unit or the respondent. */
interface AnswerColumn {
  about: 'unit' | 'respondent';
  questionId: string;
  dimensionId?: string;
  header: string;
}

/**
 * The columns of an export: fixed ones, then every answer column of every version of the period's forms, then
 * why the row is not counted.
 */
export interface ExportPlan {
  header: string[];
  answers: AnswerColumn[];
  includeText: boolean;
  lang: Lang;
}

const FIXED_HEADERS: Record<Lang, string[]> = {
  'zh-CN': ['答卷编号（匿名）', '评议表', '版本', '提交时间（北京时间）', '评议主体', '参评方式', '被评单位'],
  en: ['Ballot (anonymised)', 'Form', 'Version', 'Submitted at (CST)', 'Respondent group', 'Admission', 'Unit'],
};
/** The last column: why the tally leaves the row's ballot out for its unit (empty: counted). */
export const EXCLUDED_HEADER: Record<Lang, string> = { 'zh-CN': '不计入原因', en: 'Excluded because' };

/** An exclusion as the export writes it: the stable reason code, then its label in `lang`. */
export const exclusionCell = (reason: ExclusionReason | undefined, lang: Lang): string =>
  reason === undefined ? '' : `${reason} ${EXCLUSION_LABELS[reason][lang]}`;

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
  return { header: [...FIXED_HEADERS[lang], ...answers.map((a) => a.header), EXCLUDED_HEADER[lang]], answers, includeText, lang };
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
 * ballot goes missing), the respondent's answers repeated on each, and last why the tally leaves it out for
 * that unit (`excluded`, by unit id; '' for the row without a unit). Only what the plan names is read: a
 * client key, a receipt code or a text answer the plan leaves out cannot reach the file.
 */
export function ballotRows(
  response: Response,
  plan: ExportPlan,
  key: Uint8Array,
  excluded: ReadonlyMap<string, ExclusionReason | undefined> = new Map(),
): string[][] {
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
    row.push(exclusionCell(excluded.get(unitId), plan.lang));
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
  /** A stored item as the tally reads it (store/evaluation/response-store.ts toBallot): what is unreadable is the tally's to say. */
  toBallot(item: Record<string, unknown>): StoredBallot;
  /** What the tally applies besides the ballots, read once per export: the groups, the period's appeals and batch reviews. */
  listGroups(): Promise<Pick<RespondentGroup, 'groupId' | 'requiresInvitation'>[]>;
  listAppeals(periodId: string): Promise<Appeal[]>;
  listBatchReviews(periodId: string): Promise<BatchReview[]>;
  /** The unit days (tally.ts unitDay()) where an open ballot passed a limit, as the counters mark them for the tally. */
  hotDays(periodId: string): Promise<ReadonlySet<string>>;
  /**
   * Writes the file from its pages of rows as they come (the writer pulls: backpressure) and keeps it only
   * once it is complete (its `ref`: export-job.ts hands out links to it); on any failure nothing is kept, and
   * the error is thrown.
   */
  saveExport(filename: string, pages: AsyncIterable<readonly (readonly string[])[]>): Promise<{ ref: string }>;
  /** The key of this export's ballot digests: random, used once, never stored. */
  newExportKey(): Uint8Array;
  now(): Date;
}

/** Rows per page of the rows held back until every ballot is read (those of ballots on hot unit days). */
const HELD_PAGE_ROWS = 1_000;

/**
 * Exports the raw anonymised responses of a period as CSV rows streamed to `saveExport`: the preamble
 * (period, data-as-of time in CST), the header, then one row per ballot and unit, page by page, so memory
 * stays bounded whatever the period holds. NotFoundError for an unknown period. Whether the caller may
 * see text answers is the caller's (the API's) concern; this takes `includeText` as given.
 *
 * Each ballot is added to a PeriodTally with the period's groups, appeals, batch reviews and hot days (read
 * once, before the first row), which tells why it leaves each part out as it settles it: at once for every
 * ballot but the open ones of a hot unit day, whose rows are held until all are read (they are flagged by the
 * order they came in) and written last — as many as the tally itself reads to flag them.
 */
export async function exportResponses(
  deps: ResponseExportDeps,
  periodId: string,
  options: { lang: Lang; includeText: boolean },
): Promise<ExportFile> {
  const period = await deps.getPeriod(periodId);
  if (!period) throw new NotFoundError('period', periodId);
  const [versions, groups, appeals, batchReviews, hot] = await Promise.all([
    deps.periodFormVersions(periodId),
    deps.listGroups(),
    deps.listAppeals(periodId),
    deps.listBatchReviews(periodId),
    deps.hotDays(periodId),
  ]);
  const plan = exportPlan(versions, options.lang, options.includeText);
  // The version a ballot is read on, as the tally finds it: one of the period's, or none.
  const versionOf = new Map(versions.filter((v) => v.periodId === periodId).map((v) => [`${v.formId}@${v.version}`, v]));
  const dataAsOf = deps.now();
  const key = deps.newExportKey();
  const counts = { rows: 0, ballots: 0, unreadable: 0 };

  // The tally's verdicts on the parts of the ballot being added, and on those of the ballots held back.
  let added = -1;
  let verdicts = new Map<string, ExclusionReason | undefined>();
  const held = new Map<number, { ballot: Response; verdicts: Map<string, ExclusionReason | undefined> }>();
  const tally = new PeriodTally(
    period,
    { groups, appeals, batchReviews },
    // A ballot is held only after it was added: a verdict on one held is its own, any other is the current ballot's.
    { hot, onPart: (index, unitId, reason) => void (held.get(index)?.verdicts ?? verdicts).set(unitId, reason) },
  );

  async function* pages(): AsyncGenerator<readonly (readonly string[])[]> {
    yield [...exportPreamble(period!, dataAsOf, options.lang, options.includeText), plan.header];
    for await (const items of deps.periodItemPages(periodId)) {
      const rows: string[][] = [];
      for (const item of items) {
        const stored = deps.toBallot(item);
        // An item the tally cannot read is still written (as excluded: unreadable) when its fields read as a ballot.
        const ballot = stored.ok ? stored.response : readBallot(item);
        if (!ballot || ballot.periodId !== periodId) {
          counts.unreadable += 1;
          continue;
        }
        counts.ballots += 1;
        added += 1;
        tally.add(stored, stored.ok ? versionOf.get(`${stored.response.formId}@${stored.response.version}`) : undefined);
        if (verdicts.size < Math.max(Object.keys(ballot.units).length, 1)) {
          // Open, on a hot unit day: settled once every ballot is read.
          held.set(added, { ballot, verdicts });
          verdicts = new Map();
          continue;
        }
        for (const row of ballotRows(ballot, plan, key, verdicts)) rows.push(row);
        verdicts.clear();
      }
      counts.rows += rows.length;
      if (rows.length > 0) yield rows;
    }
    // Settles the held ballots in the order they came: their verdicts arrive now.
    tally.counters();
    let rows: string[][] = [];
    for (const { ballot, verdicts: parts } of held.values()) {
      for (const row of ballotRows(ballot, plan, key, parts)) rows.push(row);
      if (rows.length >= HELD_PAGE_ROWS) {
        counts.rows += rows.length;
        yield rows;
        rows = [];
      }
    }
    held.clear();
    counts.rows += rows.length;
    if (rows.length > 0) yield rows;
  }

  const stamp = cstTime(dataAsOf.getTime()).replace(/[-: ]/g, '').slice(0, 12);
  const filename = `${options.lang === 'en' ? 'responses' : '原始答卷'}-${period.periodId}-${stamp}.csv`;
  const saved = await deps.saveExport(filename, pages());
  return { ref: saved.ref, filename, dataAsOf: dataAsOf.toISOString(), ...counts };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const BALLOT_REF = /^[oir]\.[A-Za-z0-9_-]{4,64}$/;
const ADMISSION_KINDS = new Set(['open', 'invitation', 'serviceRecord']);

/**
 * A stored item as the ballot fields the export reads, or undefined when it does not read as one: for an item
 * the tally cannot read (not a whole response), whether it is still written — its rows marked `unreadable` —
 * or left out and counted as unreadable. Checks the shape of exactly those fields (ZResponse's rules for them).
 * Answers are read cell by cell (cellOf), where anything but text or a list of options is empty.
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
