import * as z from 'zod/mini';
import { NotFoundError } from '../errors';
import type { Lang } from '../lang';
import { ZLocalizedText } from '../text';
import { formatInstantCst } from '../time-zone';
import { ZUnit, type Unit } from '../units/unit';
import type { Form, FormVersion } from './form';
import { ZPeriod, type Period } from './period';
import { UNRANKED_LABELS, ZUnrankedReason, rankUnits } from './ranking';
import { DONT_KNOW, RATING_LEVELS, ratingLabel } from './rating-scale';
import { ZRespondentGroup, type RespondentGroup } from './respondent-group';
import { EXCLUSION_REASONS, ZTally, ZTallyRun, type ExclusionReason, type Tally, type TallyRun } from './tally';

/**
 * A period's tallies as supervisors read them: every unit of its forms, with its figures and their N, and
 * its place in the ranking (ranking.ts): the ranked units first by rank, then the unranked ones.
 */
export const ZTallyReport = z
  .object({
    period: z.pick(ZPeriod, { periodId: true, name: true, minSample: true, groupWeights: true, opensAt: true, closesAt: true }),
    /** The last tally run; null until the scheduled tally has run for this period. */
    run: z.nullable(ZTallyRun),
    /** The respondent groups named in the figures. */
    groups: z.array(z.pick(ZRespondentGroup, { groupId: true, name: true })),
    /** The dimensions any unit was rated on, in the order of the newest form version. */
    dimensions: z.array(z.object({ dimensionId: z.string(), label: ZLocalizedText })),
    rows: z.array(
      z.object({
        unit: z.pick(ZUnit, { unitId: true, name: true, kind: true, status: true }),
        tally: z.nullable(ZTally),
        /**
         * Standard competition rank (1, 2, 2, 4) by composite score, among the units with a sufficient sample
         * and a composite score; null when unranked. Shown with the 满意率's 95% interval (tally
         * `satisfactionInterval`): domain.md defines no interval for the composite score.
         */
        rank: z.nullable(z.int().check(z.minimum(1))),
        /** Why the unit is not ranked; null when it is. */
        unranked: z.nullable(ZUnrankedReason),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'TallyReport' });
export type TallyReport = z.infer<typeof ZTallyReport>;

/** What tallyReport needs from storage. */
export interface TallyReportDeps {
  getPeriod(periodId: string): Promise<Period | undefined>;
  listFormsOfPeriod(periodId: string): Promise<Form[]>;
  getFormVersion(formId: string, version: number): Promise<FormVersion | undefined>;
  getUnits(unitIds: string[]): Promise<Unit[]>;
  listGroups(): Promise<RespondentGroup[]>;
  getTallyRun(periodId: string): Promise<TallyRun | undefined>;
  listTallies(periodId: string): Promise<Tally[]>;
}

/**
 * The tally report of a period: its ranked units by rank, then the unranked ones; each part in the order
 * of the units of its forms' latest versions, then any other unit a stored ballot named (so an excluded
 * ballot is never out of sight). Throws NotFoundError.
 */
export async function tallyReport(deps: TallyReportDeps, periodId: string): Promise<TallyReport> {
  const [period, forms, run, tallies, groups] = await Promise.all([
    deps.getPeriod(periodId),
    deps.listFormsOfPeriod(periodId),
    deps.getTallyRun(periodId),
    deps.listTallies(periodId),
    deps.listGroups(),
  ]);
  if (!period) throw new NotFoundError('period', periodId);
  const versions = (
    await Promise.all(forms.filter((f) => f.latestVersion > 0).map((f) => deps.getFormVersion(f.formId, f.latestVersion)))
  ).filter((v): v is FormVersion => v !== undefined);
  const unitIds = [...new Set([...versions.flatMap((v) => v.content.unitIds), ...tallies.map((t) => t.unitId)])];
  const units = new Map((await deps.getUnits(unitIds)).map((u) => [u.unitId, u]));
  const byUnit = new Map(tallies.map((t) => [t.unitId, t]));

  const dimensions = new Map<string, TallyReport['dimensions'][number]>();
  for (const t of tallies) for (const d of t.dimensions) if (!dimensions.has(d.dimensionId)) dimensions.set(d.dimensionId, { dimensionId: d.dimensionId, label: d.label });
  // Heaviest weight first (the general public, usually), then the rest by id: stored maps keep no key order.
  const weightOf = (groupId: string) => period.groupWeights[groupId] ?? -1;
  const usedGroups = new Set([...Object.keys(period.groupWeights), ...tallies.flatMap((t) => Object.keys(t.groupScores))]);

  return {
    period: {
      periodId: period.periodId,
      name: period.name,
      minSample: period.minSample,
      groupWeights: period.groupWeights,
      opensAt: period.opensAt,
      closesAt: period.closesAt,
    },
    run: run ?? null,
    groups: groups
      .filter((g) => usedGroups.has(g.groupId))
      .sort((a, b) => weightOf(b.groupId) - weightOf(a.groupId) || a.groupId.localeCompare(b.groupId))
      .map(({ groupId, name }) => ({ groupId, name })),
    dimensions: [...dimensions.values()],
    rows: rankUnits(
      unitIds.map((id) => {
        const u = units.get(id);
        const unit = u
          ? { unitId: u.unitId, name: u.name, kind: u.kind, status: u.status }
          : { unitId: id, name: { 'zh-CN': id, en: id }, kind: 'department' as const, status: 'retired' as const };
        return { unit, tally: byUnit.get(id) ?? null };
      }),
    ),
  };
}

const HEADERS: Record<Lang, Record<string, string>> = {
  'zh-CN': {
    unitId: '单位编号',
    unit: '单位',
    rank: '排名',
    unranked: '未排名原因',
    n: '有效样本数(N)',
    ballots: '答卷数',
    excluded: '未计入答卷数',
    dontKnow: '全部不了解的答卷数',
    ratings: '有效评价数',
    satisfactionRate: '满意率(%)',
    low: '满意率95%置信下限(%)',
    high: '满意率95%置信上限(%)',
    badReviews: '差评数',
    compositeScore: '综合得分',
    weightCoverage: '权重覆盖(%)',
    insufficientSample: '样本不足',
    computedAt: '计算时间(北京时间)',
    score: '得分',
    yes: '是',
    no: '否',
  },
  en: {
    unitId: 'Unit ID',
    unit: 'Unit',
    rank: 'Rank',
    unranked: 'Not ranked because',
    n: 'Responses counted (N)',
    ballots: 'Responses',
    excluded: 'Responses not counted',
    dontKnow: "Responses answering don't know throughout",
    ratings: 'Valid ratings',
    satisfactionRate: 'Satisfaction rate (%)',
    low: '95% interval low (%)',
    high: '95% interval high (%)',
    badReviews: 'Bad reviews',
    compositeScore: 'Composite score',
    weightCoverage: 'Weight coverage (%)',
    insufficientSample: 'Insufficient sample',
    computedAt: 'Computed at (China Standard Time)',
    score: 'score',
    yes: 'yes',
    no: 'no',
  },
};

/**
 * Each reason a ballot is not counted, as the report, the CSV and the supervisor page name it. `flagged` is
 * the unit's flagged ballots still awaiting review.
 */
export const EXCLUSION_LABELS: Record<ExclusionReason, Record<Lang, string>> = {
  unreadable: { 'zh-CN': '无法读取', en: 'unreadable' },
  unknownFormVersion: { 'zh-CN': '评议表版本不存在', en: 'unknown form version' },
  outsidePeriod: { 'zh-CN': '不在评议期内', en: 'outside the period' },
  unitNotOnForm: { 'zh-CN': '单位不在该版评议表上', en: 'unit not on its form version' },
  invalidAnswers: { 'zh-CN': '答案不符合评议表规则', en: 'answers break the form rules' },
  appealUpheld: { 'zh-CN': '申诉复核成立', en: 'appeal upheld' },
  flagged: { 'zh-CN': '已标记待复核', en: 'flagged, awaiting review' },
  excludedOnReview: { 'zh-CN': '复核后排除', en: 'excluded on review' },
  unverifiedGroup: { 'zh-CN': '评议主体未经邀请核验', en: 'unverified group' },
};

const percent = (x: number | null | undefined): string => (x == null ? '' : (x * 100).toFixed(2));
const score = (x: number | null | undefined): string => (x == null ? '' : x.toFixed(2));
const count = (x: number | undefined): string => String(x ?? 0);

/**
 * The report as a table of text cells (header first) for CSV and spreadsheet downloads, in the report's
 * order (ranked units by rank, then the unranked): per unit its rank or why it has none, its counts, N,
 * 满意率 with its interval, scores per group and per dimension, and what was not counted and why
 * (a column per reason, in EXCLUSION_REASONS order, so that 答卷数 = N + 全部不了解 + the reasons' columns).
 * A unit without a tally yet has empty figure cells; rates are percentages with two decimals; the time is CST.
 */
export function tallyTable(report: TallyReport, lang: Lang): string[][] {
  const h = HEADERS[lang]!;
  const groupName = (g: TallyReport['groups'][number]) => g.name[lang];
  const header = [
    h.unitId!,
    h.unit!,
    h.rank!,
    h.unranked!,
    h.n!,
    h.ballots!,
    ...EXCLUSION_REASONS.map((r) => `${h.excluded}: ${EXCLUSION_LABELS[r][lang]}`),
    h.dontKnow!,
    ...RATING_LEVELS.map((k) => ratingLabel(k, lang)),
    ratingLabel(DONT_KNOW, lang) + (lang === 'en' ? ' (ratings)' : '(评价数)'),
    h.ratings!,
    h.satisfactionRate!,
    h.low!,
    h.high!,
    h.badReviews!,
    ...report.groups.flatMap((g) => [`${groupName(g)} N`, `${groupName(g)} ${h.score}`]),
    ...report.dimensions.flatMap((d) => [`${d.label[lang]} N`, `${d.label[lang]} ${h.satisfactionRate}`, `${d.label[lang]} ${h.score}`]),
    h.compositeScore!,
    h.weightCoverage!,
    h.insufficientSample!,
    h.computedAt!,
  ];
  const rows = report.rows.map(({ unit, tally: t, rank, unranked }) => {
    const standing = [unit.unitId, unit.name[lang], rank === null ? '' : String(rank), unranked === null ? '' : UNRANKED_LABELS[unranked][lang]];
    if (!t) return [...standing, ...header.slice(standing.length).map(() => '')];
    const dimensionById = new Map(t.dimensions.map((d) => [d.dimensionId, d]));
    return [
      ...standing,
      String(t.n),
      String(t.ballots),
      ...EXCLUSION_REASONS.map((r) => count(t.excluded[r])),
      String(t.dontKnow),
      ...RATING_LEVELS.map((k) => count(t.counts[k])),
      count(t.dimensions.reduce((a, d) => a + d.dontKnow, 0)),
      String(t.ratings),
      percent(t.satisfactionRate),
      percent(t.satisfactionInterval?.low),
      percent(t.satisfactionInterval?.high),
      String(t.badReviews),
      ...report.groups.flatMap((g) => {
        const s = t.groupScores[g.groupId];
        return [count(s?.n), score(s?.score)];
      }),
      ...report.dimensions.flatMap((d) => {
        const dt = dimensionById.get(d.dimensionId);
        return [dt ? String(dt.n) : '', percent(dt?.satisfactionRate), score(dt?.score)];
      }),
      score(t.compositeScore),
      percent(t.weightCoverage),
      t.insufficientSample ? h.yes! : h.no!,
      formatInstantCst(t.computedAt),
    ];
  });
  return [header, ...rows];
}
