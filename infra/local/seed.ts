import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RESPONDENT_GROUPS, type Form, type Period, type RespondentGroup, type Unit } from '../../functions/domain/catalog';
import { DONT_KNOW, RATING_LEVELS, type Rating } from '../../functions/domain/rating-scale';
import { submitResponse, type ResponseInput, type SubmitResponseDeps } from '../../functions/domain/response';
import { catalogStore } from '../../functions/store/catalog-store';
import { responseStore } from '../../functions/store/response-store';
import type { TableKey } from '../../functions/store/tables';
import { uuidV5 } from './ids';
import { TIME_ZONE, TIME_ZONE_OFFSET } from '../../functions/domain/time-zone';

/**
 * The demo data of `npm start` (and of the tests that want a realistic district): the district 示范区 with
 * ten units, one published five-level form for an evaluation period covering the current year (Asia/Shanghai),
 * and deterministic demo ratings submitted through the real submitResponse use case. Every id is fixed, so
 * seeding again overwrites the catalog with the same values and meets the same ratings: nothing is counted twice.
 */

/** The units of 示范区 (demo district). */
export const DEMO_UNITS: readonly Unit[] = [
  { unitId: 'service-centre', kind: 'serviceCentre', name: { 'zh-CN': '区政务服务中心', en: 'District Administrative Service Centre' } },
  { unitId: 'tax-bureau', kind: 'bureau', name: { 'zh-CN': '区税务局', en: 'District Tax Bureau' } },
  {
    unitId: 'market-supervision',
    kind: 'bureau',
    name: { 'zh-CN': '区市场监督管理局', en: 'District Market Supervision Administration' },
  },
  {
    unitId: 'human-resources',
    kind: 'bureau',
    name: { 'zh-CN': '区人力资源和社会保障局', en: 'District Human Resources and Social Security Bureau' },
  },
  {
    unitId: 'household-registration',
    kind: 'branch',
    name: { 'zh-CN': '区公安分局户政大厅', en: 'District Public Security Sub-bureau, Household Registration Hall' },
  },
  {
    unitId: 'real-estate-registration',
    kind: 'serviceCentre',
    name: { 'zh-CN': '区不动产登记中心', en: 'District Real Estate Registration Centre' },
  },
  { unitId: 'chengguan-town', kind: 'township', name: { 'zh-CN': '城关镇人民政府', en: 'Chengguan Town Government' } },
  { unitId: 'qingshui-town', kind: 'township', name: { 'zh-CN': '清水镇人民政府', en: 'Qingshui Town Government' } },
  { unitId: 'dongguan-subdistrict', kind: 'township', name: { 'zh-CN': '东关街道办事处', en: 'Dongguan Subdistrict Office' } },
  { unitId: 'xinhe-subdistrict', kind: 'township', name: { 'zh-CN': '新河街道办事处', en: 'Xinhe Subdistrict Office' } },
];

/**
 * How many demo ratings each unit gets and how well it is rated (0 = badly, 1 = well). With the period's
 * minimum sample of 30, the first five units are ranked and the others show "insufficient sample".
 */
export const DEMO_RATINGS_PER_UNIT: Readonly<Record<string, { ratings: number; quality: number }>> = {
  'service-centre': { ratings: 64, quality: 0.9 },
  'tax-bureau': { ratings: 48, quality: 0.75 },
  'market-supervision': { ratings: 41, quality: 0.55 },
  'human-resources': { ratings: 37, quality: 0.7 },
  'household-registration': { ratings: 34, quality: 0.85 },
  'real-estate-registration': { ratings: 22, quality: 0.35 },
  'chengguan-town': { ratings: 15, quality: 0.65 },
  'qingshui-town': { ratings: 9, quality: 0.5 },
  'dongguan-subdistrict': { ratings: 4, quality: 0.8 },
  'xinhe-subdistrict': { ratings: 0, quality: 0.5 },
};

export const DEMO_MIN_SAMPLE = 30;

/** W_g of the demo period: 群众 0.5, 企业 0.3, 人大代表、政协委员 0.1, 特邀监督员 0.1. */
export const DEMO_GROUP_WEIGHTS: Readonly<Record<RespondentGroup, number>> = {
  citizen: 0.5,
  enterprise: 0.3,
  deputy: 0.1,
  appointedSupervisor: 0.1,
};

/** How often each group answers in the demo ratings (citizens most). */
const GROUP_SHARE: Readonly<Record<RespondentGroup, number>> = {
  citizen: 0.6,
  enterprise: 0.25,
  deputy: 0.08,
  appointedSupervisor: 0.07,
};

const DEMO_COMMENTS = [
  '办事效率高，窗口工作人员态度很好。',
  '排队时间较长，希望高峰期多开窗口。',
  '材料清单一次性告知，不用来回跑。',
  '电话咨询一直占线，打不通。',
  '网上预约很方便。',
  '工作人员对政策解释不够清楚。',
];

/** The year it is now in China (the demo period is that calendar year, in +08:00). */
export function shanghaiYear(now: Date): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: TIME_ZONE, year: 'numeric' }).format(now));
}

/** The demo evaluation period: the whole calendar year of `now` in Asia/Shanghai. */
export function demoPeriod(now: Date): Period {
  const year = shanghaiYear(now);
  return {
    periodId: `${year}-annual`,
    name: { 'zh-CN': `${year}年度评议`, en: `${year} annual evaluation` },
    opensAt: `${year}-01-01T00:00:00${TIME_ZONE_OFFSET}`,
    closesAt: `${year + 1}-01-01T00:00:00${TIME_ZONE_OFFSET}`,
    groupWeights: { ...DEMO_GROUP_WEIGHTS },
    minSample: DEMO_MIN_SAMPLE,
  };
}

/** The demo form, published for `period`: five levels plus 不了解, every group, every demo unit. */
export function demoForm(period: Period): Form {
  const year = period.periodId.split('-')[0];
  return {
    formId: `${period.periodId}-satisfaction`,
    periodId: period.periodId,
    title: { 'zh-CN': `示范区${year}年度政务服务满意度评议`, en: `Demo District ${year} public-service satisfaction survey` },
    scale: 'five',
    allowDontKnow: true,
    groups: [...RESPONDENT_GROUPS],
    unitIds: DEMO_UNITS.map((u) => u.unitId),
    commentMaxLength: 500,
  };
}

/** A small seeded PRNG (mulberry32): the same seed gives the same demo ratings on every machine. */
function random(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T extends string>(weights: Readonly<Record<T, number>>, r: number): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let left = r * total;
  for (const [key, weight] of entries) {
    left -= weight;
    if (left < 0) return key;
  }
  return entries[entries.length - 1]![0];
}

/** Level weights for a unit of the given quality: between a poorly and a well rated unit. */
function levelWeights(quality: number): Record<(typeof RATING_LEVELS)[number], number> {
  const good = [0.5, 0.3, 0.13, 0.05, 0.02];
  const poor = [0.1, 0.2, 0.25, 0.25, 0.2];
  return Object.fromEntries(RATING_LEVELS.map((level, i) => [level, quality * good[i]! + (1 - quality) * poor[i]!])) as Record<
    (typeof RATING_LEVELS)[number],
    number
  >;
}

/** One demo rating with the instant it is submitted at. */
export interface DemoRating {
  input: ResponseInput & { submissionId: string };
  submittedAt: Date;
}

/**
 * The demo ratings of a form: per unit the number in DEMO_RATINGS_PER_UNIT, with levels, groups, a few
 * comments and 不了解 answers drawn from a PRNG seeded by period and unit, submitted at instants spread
 * between the period's opening and `now`. Submission ids are name-based UUIDs, fixed for ever.
 */
export function demoRatings(form: Form, period: Period, now: Date): DemoRating[] {
  const opensAt = Date.parse(period.opensAt);
  const span = Math.max(0, Math.min(now.getTime(), Date.parse(period.closesAt) - 1) - opensAt);
  const ratings: DemoRating[] = [];
  for (const unitId of form.unitIds) {
    const plan = DEMO_RATINGS_PER_UNIT[unitId] ?? { ratings: 0, quality: 0.5 };
    const next = random(`pingyi-demo:${period.periodId}:${unitId}`);
    const levels = levelWeights(plan.quality);
    for (let i = 0; i < plan.ratings; i++) {
      const rating: Rating = next() < 0.05 ? DONT_KNOW : pick(levels, next());
      const group = pick(GROUP_SHARE, next());
      const comment = next() < 0.12 ? DEMO_COMMENTS[Math.floor(next() * DEMO_COMMENTS.length)] : undefined;
      const at = opensAt + Math.floor(next() * span);
      ratings.push({
        input: {
          formId: form.formId,
          periodId: period.periodId,
          unitId,
          rating,
          group,
          ...(comment ? { comment } : {}),
          submissionId: uuidV5(`pingyi-demo-rating:${period.periodId}:${unitId}:${i}`),
        },
        submittedAt: new Date(at),
      });
    }
  }
  return ratings;
}

/** What seedDemo wrote. */
export interface DemoSeed {
  formId: string;
  periodId: string;
  units: number;
  /** Demo ratings submitted (a re-seed submits the same ones and stores none of them again). */
  ratings: number;
}

const SEED_CONCURRENCY = 16;

/**
 * Writes the demo district into the catalog and submits its demo ratings through submitResponse, wired to
 * the real stores as on AWS (see functions/store/deps.ts), except that each rating is stamped with its
 * demo instant. Idempotent: run it on every start.
 */
export async function seedDemo(
  db: DynamoDBDocumentClient,
  tables: Pick<Record<TableKey, string>, 'catalog' | 'responses'>,
  now: Date = new Date(),
): Promise<DemoSeed> {
  const catalog = catalogStore(db, tables.catalog);
  const responses = responseStore(db, tables.responses);
  const period = demoPeriod(now);
  const form = demoForm(period);

  await Promise.all(DEMO_UNITS.map((unit) => catalog.putUnit(unit)));
  await catalog.putPeriod(period);
  await catalog.putForm(form);

  const ratings = demoRatings(form, period, now);
  // Every demo rating is on the same form: read it back once rather than once per rating.
  const formAndPeriod = catalog.loadFormAndPeriod(form.formId, period.periodId);
  const depsAt = (submittedAt: Date): SubmitResponseDeps => ({
    loadFormAndPeriod: () => formAndPeriod,
    putResponseOnce: responses.putResponseOnce,
    newId: () => {
      throw new Error('demo ratings carry their own submission ids');
    },
    now: () => submittedAt,
  });
  for (let start = 0; start < ratings.length; start += SEED_CONCURRENCY) {
    await Promise.all(
      ratings.slice(start, start + SEED_CONCURRENCY).map(({ input, submittedAt }) => submitResponse(depsAt(submittedAt), input)),
    );
  }
  return { formId: form.formId, periodId: period.periodId, units: DEMO_UNITS.length, ratings: ratings.length };
}
