import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../functions/domain/errors';
import { ZExportFile } from '../../../../functions/domain/evaluation/export-job';
import {
  ZResponseExportInput,
  ballotDigest,
  ballotRows,
  cstTime,
  exportPlan,
  exportResponses,
  readBallot,
  type ResponseExportDeps,
} from '../../../../functions/domain/evaluation/response-export';
import { ZResponse, type Response } from '../../../../functions/domain/evaluation/response';
import { formatInstantCst } from '../../../../functions/domain/time-zone';
import { UTF8_BOM, csvChunks } from '../../../../functions/platform/csv';
import { responseKey, toBallot } from '../../../../functions/store/evaluation/response-store';
import type { Appeal, BatchReview } from '../../../../functions/domain/evaluation/review';
import { PeriodTally, flaggedBatchId, unitDay } from '../../../../functions/domain/evaluation/tally';
import type { Period } from '../../../../functions/domain/evaluation/period';
import { aBatchReview, aPeriodAdmitting, anAppeal, clientKeyOf, responseOf, anOpenBallot, ratingOf } from '../../../fixtures/ballots';
import {
  DURING_PERIOD,
  aChoiceQuestion,
  aCommentQuestion,
  aFormContent,
  aFormVersion,
  aGroupQuestion,
  aMultipleChoiceQuestion,
  aPeriod,
  aRatingQuestion,
  aResponse,
  anAllUnitsContent,
  openBallotOf,
  someGroups,
} from '../../../fixtures/catalog';

/**
 * The raw export: which columns, which rows, and what never reaches the file. The file's bytes are what the
 * CSV writer makes of the rows (platform/csv.ts), read back with csv-parse.
 */

const KEY = new Uint8Array(32).fill(7);
const oneUnitVersion = aFormVersion({
  content: aFormContent({
    questions: [aRatingQuestion(), aGroupQuestion(), aCommentQuestion(), aChoiceQuestion(), aMultipleChoiceQuestion()],
  }),
});
const allUnitsVersion = aFormVersion({ formId: 'annual-2026', content: anAllUnitsContent() });

const CLIENT_KEY = 'Q2xpZW50S2V5T2ZUZXN0cw';
const openBallot = aResponse({
  units: { 'tax-bureau': { overall: 'dissatisfied', problems: ['slow', 'rude'], comment: '=HYPERLINK("http://x","点我") 办事太慢' } },
  answers: { group: 'citizen', channel: 'online' },
});
const invitationBallot = aResponse({
  ballotRef: 'i.batch7x-42',
  receiptCode: 'AB12-CD34-EF56',
  admission: { kind: 'invitation', batchId: 'batch7x', groupId: 'deputy' },
  group: 'deputy',
  answers: { group: 'deputy' },
  units: { 'tax-bureau': { overall: 'verySatisfied' } },
});
const allUnitsBallot = aResponse({
  ...openBallotOf('00000000-0000-4000-8000-000000000003'),
  formId: 'annual-2026',
  answers: { group: 'enterprise' },
  group: 'enterprise',
  units: {
    'tax-bureau': { evaluation: { attitude: 'satisfied', efficiency: 'dontKnow', integrity: 'verySatisfied', policy: 'basicallySatisfied' } },
    'service-centre': { evaluation: { attitude: 'dissatisfied', efficiency: 'dissatisfied', integrity: 'satisfied', policy: 'satisfied' } },
  },
});

/** What the tally applies besides the ballots, as a test sets it. */
interface ReviewState {
  period?: Period;
  appeals?: Appeal[];
  batchReviews?: BatchReview[];
  hot?: Set<string>;
}

/** Deps over items in memory; the file's bytes are collected as the sink would write them. */
function fakeDeps(items: Record<string, unknown>[], pageSize = 2, review: ReviewState = {}) {
  const written: Buffer[] = [];
  const deps: ResponseExportDeps = {
    getPeriod: async (id) => (id === '2026-annual' ? (review.period ?? aPeriod()) : undefined),
    toBallot,
    listGroups: async () => someGroups(),
    listAppeals: async () => review.appeals ?? [],
    listBatchReviews: async () => review.batchReviews ?? [],
    hotDays: async () => review.hot ?? new Set(),
    periodFormVersions: async () => [oneUnitVersion, allUnitsVersion],
    async *periodItemPages() {
      for (let i = 0; i < items.length; i += pageSize) yield items.slice(i, i + pageSize);
    },
    async saveExport(_filename, pages) {
      for await (const chunk of csvChunks(pages)) written.push(chunk);
      return { ref: 'exports/file.csv' };
    },
    newExportKey: () => KEY,
    now: () => DURING_PERIOD,
  };
  return { deps, bytes: () => Buffer.concat(written) };
}

const stored = (r: Response) => ({ ...responseKey(r.periodId, r.ballotRef), ...r });
const ITEMS = [stored(openBallot), stored(invitationBallot), stored(allUnitsBallot)];

/** The data rows of a file: below the preamble's blank line and the header. */
function tableOf(bytes: Buffer): { preamble: string[][]; header: string[]; rows: string[][] } {
  const text = bytes.toString('utf8');
  const records = parse(text.slice(1), { relax_column_count: true, skip_empty_lines: false }) as string[][];
  const blank = records.findIndex((r) => r.length === 1 && r[0] === '');
  return { preamble: records.slice(0, blank), header: records[blank + 1]!, rows: records.slice(blank + 2) };
}

describe('exportPlan', () => {
  it('gives one column per question and per dimension, asked once across versions', () => {
    // act
    const plan = exportPlan([oneUnitVersion, allUnitsVersion, oneUnitVersion], 'en', false);

    // assert
    expect(plan.header.slice(0, 7)).toEqual(['Ballot (anonymised)', 'Form', 'Version', 'Submitted at (CST)', 'Respondent group', 'Admission', 'Unit']);
    expect(plan.answers.map((a) => a.header.split(' ')[0])).toEqual([
      'overall',
      'group',
      'channel',
      'problems',
      'evaluation.attitude',
      'evaluation.efficiency',
      'evaluation.integrity',
      'evaluation.policy',
    ]);
  });

  it('has a column for text answers only when they are asked for', () => {
    // act
    const plan = exportPlan([oneUnitVersion], 'zh-CN', true);

    // assert
    expect(plan.answers.map((a) => a.questionId)).toContain('comment');
    expect(plan.answers.find((a) => a.questionId === 'comment')?.header).toBe('comment 意见建议');
  });
});

describe('ballotRows', () => {
  it('makes one row per rated unit, the respondent answers repeated, matrix answers by dimension', () => {
    // prepare
    const plan = exportPlan([allUnitsVersion], 'en', false);

    // act
    const rows = ballotRows(allUnitsBallot, plan, KEY);

    // assert
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r[6])).toEqual(['tax-bureau', 'service-centre']);
    // the answers, then why the row is not counted (no verdict given: counted)
    expect(rows[0]!.slice(7)).toEqual(['enterprise', 'satisfied', 'dontKnow', 'verySatisfied', 'basicallySatisfied', '']);
    expect(rows[0]![0]).toBe(rows[1]![0]);
  });

  it('names a ballot by a digest under the export key, never by its reference', () => {
    // act
    const digest = ballotDigest(KEY, invitationBallot.ballotRef);

    // assert
    expect(digest).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(digest).not.toContain('batch7x');
    expect(ballotDigest(new Uint8Array(32).fill(8), invitationBallot.ballotRef)).not.toBe(digest);
    expect(ballotDigest(KEY, invitationBallot.ballotRef)).toBe(digest);
  });
});

describe('cstTime', () => {
  it('reads as formatInstantCst does', () => {
    // assert
    for (const iso of ['2026-06-15T02:00:00.000Z', '2026-12-31T16:00:00.000Z', '2026-01-01T00:00:00.999Z']) {
      expect(cstTime(Date.parse(iso))).toBe(formatInstantCst(iso));
    }
  });
});

describe('exportResponses', () => {
  it('writes the period, the data-as-of time in CST and one row per ballot and unit', async () => {
    // prepare
    const { deps, bytes } = fakeDeps(ITEMS);

    // act
    const result = await exportResponses(deps, '2026-annual', { lang: 'zh-CN', includeText: false });

    // assert
    expect(ZExportFile.parse(result)).toEqual(result);
    expect(result).toMatchObject({ ref: 'exports/file.csv', rows: 4, ballots: 3, unreadable: 0, dataAsOf: DURING_PERIOD.toISOString() });
    expect(result.filename).toBe('原始答卷-2026-annual-202606151000.csv');
    expect(bytes().subarray(0, 3)).toEqual(Buffer.from(UTF8_BOM, 'utf8'));
    const { preamble, header, rows } = tableOf(bytes());
    expect(preamble).toEqual([
      ['评议期', '2026 年度评议', '2026-annual'],
      ['数据截至（北京时间）', '2026-06-15 10:00:00'],
      ['含文字答案', '否'],
    ]);
    expect(header[0]).toBe('答卷编号（匿名）');
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r[5])).toEqual(['open', 'invitation', 'open', 'open']);
    expect(rows[1]!.slice(1, 7)).toEqual(['district-2026', '1', '2026-06-15 10:00:00', 'deputy', 'invitation', 'tax-bureau']);
    // overall, group, channel, problems (several options joined by ;), then the four dimensions
    expect(rows[0]!.slice(7, 11)).toEqual(['dissatisfied', 'citizen', 'online', 'slow;rude']);
  });

  it('leaves out client keys, receipt codes, submission digests, references, batches and text unless asked', async () => {
    // prepare
    const { deps, bytes } = fakeDeps(ITEMS);

    // act
    await exportResponses(deps, '2026-annual', { lang: 'en', includeText: false });

    // assert
    const text = bytes().toString('utf8');
    for (const secret of [CLIENT_KEY, openBallot.receiptCode, invitationBallot.receiptCode, openBallot.submissionHash, openBallot.ballotRef, 'i.batch7x-42', 'batch7x', '办事太慢', 'HYPERLINK', 'salt']) {
      expect(text).not.toContain(secret);
    }
  });

  it('writes text answers when asked, guarded against formulas', async () => {
    // prepare
    const { deps, bytes } = fakeDeps(ITEMS);

    // act
    const result = await exportResponses(deps, '2026-annual', { lang: 'en', includeText: true });

    // assert
    expect(result.rows).toBe(4);
    const { preamble, header, rows } = tableOf(bytes());
    expect(preamble[2]).toEqual(['Text answers included', 'yes']);
    const comment = header.findIndex((h) => h.startsWith('comment '));
    expect(rows[0]![comment]).toBe(`'=HYPERLINK("http://x","点我") 办事太慢`);
    expect(bytes().toString('utf8')).not.toContain(CLIENT_KEY);
  });

  it('counts what does not read as a ballot and leaves it out', async () => {
    // prepare
    const { deps } = fakeDeps([...ITEMS, { pk: 'P#2026-annual#3', sk: 'B#o.broken', units: { x: {} } }]);

    // act
    const result = await exportResponses(deps, '2026-annual', { lang: 'en', includeText: false });

    // assert
    expect(result).toMatchObject({ ballots: 3, unreadable: 1, rows: 4 });
  });

  it('refuses an unknown period before writing anything', async () => {
    // prepare
    const { deps, bytes } = fakeDeps(ITEMS);

    // act
    const result = exportResponses(deps, 'no-such-period', { lang: 'en', includeText: false });

    // assert
    await expect(result).rejects.toBeInstanceOf(NotFoundError);
    expect(bytes()).toHaveLength(0);
  });
});

describe('exportResponses: why a row is not counted', () => {
  const reasonOf = (row: string[]) => row.at(-1);

  it('names, for the unit of each row, the reason the tally leaves the ballot out, and leaves counted rows empty', async () => {
    // prepare
    const appeals = [anAppeal(invitationBallot.ballotRef), anAppeal(allUnitsBallot.ballotRef, 'upheld', 'service-centre'), anAppeal(openBallot.ballotRef, 'rejected')];
    const { deps, bytes } = fakeDeps(ITEMS, 2, { appeals });

    // act
    await exportResponses(deps, '2026-annual', { lang: 'en', includeText: false });

    // assert
    const { header, rows } = tableOf(bytes());
    expect(header.at(-1)).toBe('Excluded because');
    expect(rows.map((r) => [r[6], reasonOf(r)])).toEqual([
      ['tax-bureau', ''],
      ['tax-bureau', 'appealUpheld appeal upheld'],
      ['tax-bureau', ''],
      ['service-centre', 'appealUpheld appeal upheld'],
    ]);
  });

  it('reads flags on a hot unit day in the order the ballots came, writes those rows last, and agrees with the tally', async () => {
    // prepare: five ballots of one client in a day, two allowed; the review excludes the 3rd and 4th, the 5th awaits it.
    const period = aPeriodAdmitting({ openLimits: { perClientPerUnitPerDay: 2 } });
    const fromPhone = Array.from({ length: 5 }, (_, i) => anOpenBallot(`2026-06-15T10:00:0${i}+08:00`, 'phone-1', ratingOf(i < 2 ? 'satisfied' : 'veryDissatisfied')));
    const batchId = flaggedBatchId('tax-bureau', { kind: 'clientLimit', bucket: '2026-06-15', key: clientKeyOf('phone-1') });
    const batchReviews = [aBatchReview(batchId, [['exclude', '2026-06-15T10:00:03+08:00']])];
    // Stored out of time order (the export reads pages in no order; the flags follow the time the ballots came),
    // the last one read a flagged one.
    const items = [stored(invitationBallot), ...[3, 1, 0, 2, 4].map((i) => stored(responseOf(fromPhone[i]!)))];
    const { deps, bytes } = fakeDeps(items, 2, { period, batchReviews, hot: new Set([unitDay('tax-bureau', '2026-06-15')]) });

    // act
    const result = await exportResponses(deps, '2026-annual', { lang: 'zh-CN', includeText: false });

    // assert
    const { header, rows } = tableOf(bytes());
    expect(header.at(-1)).toBe('不计入原因');
    expect(result.rows).toBe(6);
    expect(rows.map((r) => r[5])).toEqual(['invitation', 'open', 'open', 'open', 'open', 'open']);
    const reasons = rows.slice(1).map((r) => [r[3], reasonOf(r)]);
    expect(reasons.sort()).toEqual([
      ['2026-06-15 10:00:00', ''],
      ['2026-06-15 10:00:01', ''],
      ['2026-06-15 10:00:02', 'excludedOnReview 复核后排除'],
      ['2026-06-15 10:00:03', 'excludedOnReview 复核后排除'],
      ['2026-06-15 10:00:04', 'flagged 已标记待复核'],
    ]);
    const tally = new PeriodTally(period, { groups: someGroups(), appeals: [], batchReviews });
    for (const item of items) tally.add(toBallot(item), aFormVersion());
    const taxBureau = tally.result(DURING_PERIOD).tallies.find((t) => t.unitId === 'tax-bureau')!;
    expect(taxBureau.excluded).toEqual({ excludedOnReview: 2, flagged: 1 });
  });

  it('writes a ballot the tally cannot read with the reason "unreadable"', async () => {
    // prepare: its fields read as a ballot, but its admission is not one the platform stores.
    const broken = { ...stored(openBallot), ballotRef: 'o.brokenbroken', admission: { kind: 'open', day: 'someday', clientKey: '!' } };
    const { deps, bytes } = fakeDeps([broken, stored(invitationBallot)], 2);

    // act
    const result = await exportResponses(deps, '2026-annual', { lang: 'zh-CN', includeText: false });

    // assert
    expect(readBallot(broken)).toBeDefined();
    expect(ZResponse.safeParse(broken).success).toBe(false);
    expect(result).toMatchObject({ ballots: 2, unreadable: 0, rows: 2 });
    expect(tableOf(bytes()).rows.map(reasonOf)).toEqual(['unreadable 无法读取', '']);
  });
});

describe('readBallot', () => {
  it('reads what ZResponse reads, keys and all', () => {
    // assert
    for (const item of ITEMS) {
      expect(ZResponse.safeParse(item).success).toBe(true);
      expect(readBallot(item)).toBe(item);
    }
  });

  it.each([
    ['a reference that is no ballot reference', { ballotRef: 'x' }],
    ['no form', { formId: undefined }],
    ['a version that is not a whole number', { version: 1.5 }],
    ['a time that is no time', { submittedAt: 'yesterday' }],
    ['an unknown admission', { admission: { kind: 'smuggled' } }],
    ['units that are not answers', { units: { 'tax-bureau': 'satisfied' } }],
    ['answers that are a list', { answers: [] }],
  ])('refuses %s', (_, change) => {
    // prepare
    const item: Record<string, unknown> = { ...stored(openBallot), ...change };

    // assert
    expect(readBallot(item)).toBeUndefined();
    expect(ZResponse.safeParse(item).success).toBe(false);
  });
});

describe('ZResponseExportInput', () => {
  it('takes no text by default and refuses anything but a boolean', () => {
    // assert
    expect(ZResponseExportInput.parse({})).toEqual({ includeText: false });
    expect(ZResponseExportInput.safeParse({ includeText: 'yes' }).success).toBe(false);
  });
});
