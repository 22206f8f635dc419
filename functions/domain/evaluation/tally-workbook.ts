import type { Lang } from '../lang';
import type { Sheet, SheetCell, SheetColumn, Spreadsheet } from '../sheet';
import { formatInstantCst } from '../time-zone';
import { UNRANKED_LABELS } from './ranking';
import { DONT_KNOW, ratingLabel } from './rating-scale';
import { EXCLUSION_REASONS } from './tally';
import { EXCLUSION_LABELS, type TallyReport } from './tally-report';

/**
 * The tally report as a workbook (XLSX download): one sheet per view — the units in their ranking, per
 * dimension, per respondent group, what was not counted by reason — and a sheet naming the period and its
 * data-as-of time (CST) and explaining each figure with its formula. Rates are fractions shown as
 * percentages, scores points, counts integers: the same numbers as the JSON report, unrounded.
 */

type Texts = {
  title: string;
  sheets: { units: string; dimensions: string; groups: string; exclusions: string; about: string };
  rank: string;
  unranked: string;
  unitId: string;
  unit: string;
  compositeScore: string;
  satisfactionRate: string;
  low: string;
  high: string;
  n: string;
  badReviews: string;
  ratings: string;
  weightCoverage: string;
  ballots: string;
  counted: string;
  excluded: string;
  dontKnow: string;
  computedAt: string;
  dimension: string;
  dimensionN: string;
  score: string;
  dontKnowRatings: string;
  group: string;
  groupId: string;
  weight: string;
  groupN: string;
  item: string;
  explanation: string;
  period: string;
  periodWindow: string;
  window: (opens: string, closes: string) => string;
  dataAsOf: string;
  notRunYet: string;
  lastRun: (at: string, ballots: number, excluded: number) => string;
  minSample: string;
  groupWeights: string;
  /** Each figure and how it is computed. */
  figures: [string, string][];
};

const TEXTS: Record<Lang, Texts> = {
  'zh-CN': {
    title: '满意度统计',
    sheets: { units: '单位排名', dimensions: '各维度', groups: '各评议人类别', exclusions: '未计入原因', about: '说明' },
    rank: '排名',
    unranked: '未排名原因',
    unitId: '单位编号',
    unit: '单位',
    compositeScore: '综合得分',
    satisfactionRate: '满意率',
    low: '满意率95%置信下限',
    high: '满意率95%置信上限',
    n: '有效样本数(N)',
    badReviews: '差评数',
    ratings: '有效评价数',
    weightCoverage: '权重覆盖',
    ballots: '答卷数',
    counted: '计入答卷数',
    excluded: '未计入答卷数',
    dontKnow: '全部不了解的答卷数',
    computedAt: '计算时间(北京时间)',
    dimension: '维度',
    dimensionN: '有效评价数(N)',
    score: '得分',
    dontKnowRatings: `${ratingLabel(DONT_KNOW, 'zh-CN')}(评价数)`,
    group: '评议人类别',
    groupId: '类别编号',
    weight: '权重',
    groupN: '答卷数(N)',
    item: '项目',
    explanation: '说明',
    period: '评议期',
    periodWindow: '评议期时间',
    window: (opens, closes) => `${opens} 至 ${closes}（北京时间）`,
    dataAsOf: '数据截至(北京时间)',
    notRunYet: '尚未统计',
    lastRun: (at, ballots, excluded) => `${at}（读取答卷 ${ballots} 份，其中整份未计入 ${excluded} 份）`,
    minSample: '最低样本数',
    groupWeights: '评议人类别权重',
    figures: [
      ['排名', '按综合得分从高到低排名；得分（保留两位小数）相同者名次并列，如 1、2、2、4。有效样本数少于最低样本数或没有综合得分的单位不排名，列在其后并注明原因。'],
      ['有效样本数(N)', '计入统计、且对该单位至少有一项有效评价（“不了解”除外）的答卷数。每个数字都以它为依据。'],
      ['有效评价数', '各维度有效评价的合计（一份答卷评多个维度，计多条）。'],
      ['满意率', '满意率 =（非常满意 + 满意 + 基本满意）÷ 有效评价数；“不了解”不计入分母。'],
      ['满意率95%置信下限/上限', '满意率的 95% Wilson 置信区间，以 N 为样本量（同一答卷各维度的评价并不独立）。综合得分没有规定的区间，排名旁列出此区间：相邻单位的区间重叠时，两者的差别可能并不显著。'],
      ['等级分值', '五级：非常满意 100、满意 80、基本满意 60、不满意 0、非常不满意 0；三级：满意 100、基本满意 60、不满意 0（以答卷所用评议表版本的设定为准）。'],
      ['维度得分', 'S_d = Σ 分值 × 评价数 ÷ 该维度有效评价数。'],
      ['类别得分', 'S_g = 该类别各答卷得分的平均值；一份答卷的得分 = Σ w_d × 分值 ÷ Σ w_d（w_d 为维度权重，只计所评维度）。'],
      ['综合得分', 'S = Σ W_g × S_g ÷ Σ W_g，对有答卷的加权评议人类别求和（W_g 为类别权重）。'],
      ['权重覆盖', '有答卷的评议人类别的权重之和 Σ W_g；为 100% 时所有加权类别都有答卷。'],
      ['差评数', '对该单位至少有一项评为“不满意”或“非常不满意”的答卷数。'],
      ['答卷数', '答卷数 = N + 全部不了解的答卷数 + 未计入答卷数：每一份答卷要么计入，要么列为未计入并注明原因。'],
      ['未计入原因', EXCLUSION_REASONS.map((r) => EXCLUSION_LABELS[r]['zh-CN']).join('、') + '；同时符合多项时，按此顺序计第一项。'],
    ],
  },
  en: {
    title: 'results',
    sheets: { units: 'Ranking', dimensions: 'Dimensions', groups: 'Respondent groups', exclusions: 'Not counted', about: 'About' },
    rank: 'Rank',
    unranked: 'Not ranked because',
    unitId: 'Unit ID',
    unit: 'Unit',
    compositeScore: 'Composite score',
    satisfactionRate: 'Satisfaction rate',
    low: '95% interval low',
    high: '95% interval high',
    n: 'Responses counted (N)',
    badReviews: 'Bad reviews',
    ratings: 'Valid ratings',
    weightCoverage: 'Weight coverage',
    ballots: 'Responses',
    counted: 'Responses counted',
    excluded: 'Responses not counted',
    dontKnow: "Responses answering don't know throughout",
    computedAt: 'Computed at (China Standard Time)',
    dimension: 'Dimension',
    dimensionN: 'Valid ratings (N)',
    score: 'Score',
    dontKnowRatings: `${ratingLabel(DONT_KNOW, 'en')} (ratings)`,
    group: 'Respondent group',
    groupId: 'Group ID',
    weight: 'Weight',
    groupN: 'Responses (N)',
    item: 'Item',
    explanation: 'Explanation',
    period: 'Evaluation period',
    periodWindow: 'Period window',
    window: (opens, closes) => `${opens} to ${closes} (China Standard Time)`,
    dataAsOf: 'Data as of (China Standard Time)',
    notRunYet: 'not counted yet',
    lastRun: (at, ballots, excluded) => `${at} (${ballots} responses read, ${excluded} of them not counted as a whole)`,
    minSample: 'Minimum sample',
    groupWeights: 'Group weights',
    figures: [
      ['Rank', 'By composite score, highest first; units with equal scores (to two decimals) share a rank, as in 1, 2, 2, 4. Units below the minimum sample or without a composite score are not ranked: they follow, with the reason.'],
      ['Responses counted (N)', 'Counted responses with at least one valid rating of the unit ("don\'t know" is not one). Every figure rests on it.'],
      ['Valid ratings', 'Valid ratings summed over dimensions (a response rating several dimensions gives several).'],
      ['Satisfaction rate', 'Satisfaction rate = (very satisfied + satisfied + basically satisfied) / valid ratings; "don\'t know" is kept out of the denominator.'],
      ['95% interval low / high', "The satisfaction rate's 95% Wilson interval, with N as the sample size (ratings of one response on several dimensions are not independent). The composite score has no defined interval, so this one stands beside the rank: where two neighbours' intervals overlap, they may not really differ."],
      ['Level points', 'Five levels: very satisfied 100, satisfied 80, basically satisfied 60, dissatisfied 0, very dissatisfied 0; three levels: satisfied 100, basically satisfied 60, dissatisfied 0 (as set on the form version each response used).'],
      ['Dimension score', 'S_d = Σ points × count / valid ratings of the dimension.'],
      ['Group score', "S_g = the mean score of the group's responses; a response scores Σ w_d × points / Σ w_d over the dimensions it rated (w_d: dimension weights)."],
      ['Composite score', 'S = Σ W_g × S_g / Σ W_g over the weighted respondent groups with responses (W_g: group weights).'],
      ['Weight coverage', 'Σ W_g of the groups with responses; 100% when every weighted group answered.'],
      ['Bad reviews', 'Responses rating the unit dissatisfied or very dissatisfied on at least one dimension.'],
      ['Responses', 'Responses = N + responses answering "don\'t know" throughout + responses not counted: every response is counted, or shown as not counted with its reason.'],
      ['Reasons not counted', EXCLUSION_REASONS.map((r) => EXCLUSION_LABELS[r].en).join(', ') + '; where several apply, the first in this order is counted.'],
    ],
  },
};

const column = (header: string, format: SheetColumn['format'] = 'text'): SheetColumn => ({ header, format });
const sum = (counts: Partial<Record<string, number>>) => Object.values(counts).reduce<number>((a, n) => a + (n ?? 0), 0);

/** The report as a workbook in `lang`, its rows in the report's order (ranked units by rank, then the unranked). */
export function tallyWorkbook(report: TallyReport, lang: Lang): Spreadsheet {
  const t = TEXTS[lang];
  const { period, run } = report;
  const groupName = new Map(report.groups.map((g) => [g.groupId, g.name[lang]]));
  const standing = (row: TallyReport['rows'][number]): SheetCell[] => [
    row.rank,
    row.unranked === null ? null : UNRANKED_LABELS[row.unranked][lang],
    row.unit.unitId,
    row.unit.name[lang],
  ];
  const tallied = report.rows.filter((r) => r.tally !== null);

  const units: Sheet = {
    name: t.sheets.units,
    columns: [
      column(t.rank, 'count'),
      column(t.unranked),
      column(t.unitId),
      column(t.unit),
      column(t.compositeScore, 'score'),
      column(t.satisfactionRate, 'percent'),
      column(t.low, 'percent'),
      column(t.high, 'percent'),
      column(t.n, 'count'),
      column(t.ratings, 'count'),
      column(t.badReviews, 'count'),
      column(t.weightCoverage, 'percent'),
      column(t.ballots, 'count'),
      column(t.excluded, 'count'),
      column(t.dontKnow, 'count'),
      column(t.computedAt),
    ],
    rows: report.rows.map((row) => {
      const x = row.tally;
      if (!x) return [...standing(row), ...Array<SheetCell>(12).fill(null)];
      return [
        ...standing(row),
        x.compositeScore,
        x.satisfactionRate,
        x.satisfactionInterval?.low ?? null,
        x.satisfactionInterval?.high ?? null,
        x.n,
        x.ratings,
        x.badReviews,
        x.weightCoverage,
        x.ballots,
        sum(x.excluded),
        x.dontKnow,
        formatInstantCst(x.computedAt),
      ];
    }),
  };

  const dimensions: Sheet = {
    name: t.sheets.dimensions,
    columns: [
      column(t.rank, 'count'),
      column(t.unranked),
      column(t.unitId),
      column(t.unit),
      column(t.dimension),
      column(t.dimensionN, 'count'),
      column(t.satisfactionRate, 'percent'),
      column(t.low, 'percent'),
      column(t.high, 'percent'),
      column(t.score, 'score'),
      column(t.dontKnowRatings, 'count'),
    ],
    rows: tallied.flatMap((row) =>
      row.tally!.dimensions.map((d) => [
        ...standing(row),
        d.label[lang],
        d.n,
        d.satisfactionRate,
        d.satisfactionInterval?.low ?? null,
        d.satisfactionInterval?.high ?? null,
        d.score,
        d.dontKnow,
      ]),
    ),
  };

  // The report's groups first (heaviest weight first), then any other a unit was scored in.
  const groupOrder = (groupId: string) => {
    const i = report.groups.findIndex((g) => g.groupId === groupId);
    return i < 0 ? report.groups.length : i;
  };
  const groups: Sheet = {
    name: t.sheets.groups,
    columns: [
      column(t.rank, 'count'),
      column(t.unranked),
      column(t.unitId),
      column(t.unit),
      column(t.groupId),
      column(t.group),
      column(t.weight, 'percent'),
      column(t.groupN, 'count'),
      column(t.score, 'score'),
    ],
    rows: tallied.flatMap((row) =>
      Object.entries(row.tally!.groupScores)
        .sort(([a], [b]) => groupOrder(a) - groupOrder(b) || a.localeCompare(b))
        .map(([groupId, g]) => [...standing(row), groupId, groupName.get(groupId) ?? groupId, period.groupWeights[groupId] ?? null, g.n, g.score]),
    ),
  };

  const exclusions: Sheet = {
    name: t.sheets.exclusions,
    columns: [
      column(t.unitId),
      column(t.unit),
      column(t.ballots, 'count'),
      column(t.counted, 'count'),
      column(t.excluded, 'count'),
      ...EXCLUSION_REASONS.map((r) => column(EXCLUSION_LABELS[r][lang], 'count')),
    ],
    rows: tallied.map(({ unit, tally: x }) => [
      unit.unitId,
      unit.name[lang],
      x!.ballots,
      x!.n + x!.dontKnow,
      sum(x!.excluded),
      ...EXCLUSION_REASONS.map((r) => x!.excluded[r] ?? 0),
    ]),
  };

  const weights = Object.entries(period.groupWeights)
    .sort(([a], [b]) => groupOrder(a) - groupOrder(b) || a.localeCompare(b))
    .map(([g, w]) => `${groupName.get(g) ?? g} ${Number((w * 100).toFixed(2))}%`)
    .join(lang === 'en' ? ', ' : '、');
  const about: Sheet = {
    name: t.sheets.about,
    columns: [column(t.item), column(t.explanation)],
    rows: [
      [t.period, `${period.name[lang]} (${period.periodId})`],
      [t.periodWindow, t.window(formatInstantCst(period.opensAt), formatInstantCst(period.closesAt))],
      [t.dataAsOf, run ? t.lastRun(formatInstantCst(run.computedAt), run.ballots, sum(run.excluded)) : t.notRunYet],
      [t.minSample, String(period.minSample)],
      [t.groupWeights, weights],
      ...t.figures,
    ],
  };

  return { title: `${period.name[lang]} ${t.title}`, sheets: [units, dimensions, groups, exclusions, about] };
}
