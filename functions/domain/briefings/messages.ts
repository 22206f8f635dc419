import type { Message } from '../messages';

/** The messages of the briefings context's rules, in both languages (API answers and the pages). */
export const BRIEFING_MESSAGES = {
  badBriefingId: {
    'zh-CN': '简报编号应为 weekly-<周一日期> 或 monthly-<年-月>。',
    en: 'A briefing id is weekly-<Monday, YYYY-MM-DD> or monthly-<YYYY-MM>.',
  },
  tooEarly: { 'zh-CN': '日期不能早于 {min}。', en: 'The day cannot be before {min}.' },
  futureWindow: { 'zh-CN': '该时段尚未开始，不能起草。', en: 'This week or month has not begun; there is nothing to draft.' },
  badOffice: { 'zh-CN': '请填写发文机关（1 至 {max} 个字）。', en: 'Give the issuing office (1 to {max} characters).' },
  badScoreThreshold: { 'zh-CN': '综合得分门槛应为 0 至 100 之间的数。', en: 'The composite score threshold must be a number from 0 to 100.' },
  badRateThreshold: {
    'zh-CN': '满意率门槛应为 0 至 1 之间的小数（0.9 即 90%）。',
    en: 'The satisfaction rate threshold must be a fraction from 0 to 1 (0.9 is 90 %).',
  },
  badNumber: { 'zh-CN': '期号应为 1 至 {max} 之间的整数。', en: 'An issue number must be a whole number from 1 to {max}.' },
  numberTaken: {
    'zh-CN': '第{last}期已发布，期号不能重复：下一期至少为第{min}期。',
    en: 'No. {last} is published already and a number never repeats: the next one must be at least {min}.',
  },
} as const satisfies Record<string, Message>;

/**
 * The words of a briefing as a document (the DOCX and the printable page both read these, so the two
 * show the same text): titles, section headings, column headers.
 */
export const BRIEFING_TEXT = {
  title: { weekly: { 'zh-CN': '评议工作简报', en: 'Evaluation Work Briefing' }, monthly: { 'zh-CN': '评议工作月报告', en: 'Evaluation Work Monthly Report' } },
  number: { 'zh-CN': '第{n}期', en: 'No. {n}' },
  draft: { 'zh-CN': '（草稿，发布时编号）', en: '(Draft: numbered when published)' },
  window: { 'zh-CN': '统计时段：{from} 至 {to}（北京时间）', en: 'Period covered: {from} to {to} (China Standard Time)' },
  asOf: { 'zh-CN': '数据截至 {at}', en: 'Figures as of {at}' },
  sections: {
    ratings: { 'zh-CN': '一、评议情况', en: '1. Ratings' },
    below: { 'zh-CN': '二、低于标准的单位', en: '2. Units below threshold' },
    cases: { 'zh-CN': '三、来件办理', en: '3. Cases' },
    repeat: { 'zh-CN': '四、重复投诉', en: '4. Repeat complaints' },
    ledger: { 'zh-CN': '五、整改台账进展', en: '5. Rectification ledger' },
    typicalExperience: { 'zh-CN': '六、典型经验', en: '6. Typical experience' },
    problemsFound: { 'zh-CN': '七、发现问题', en: '7. Problems found' },
    nextSteps: { 'zh-CN': '八、下一步工作', en: '8. Next steps' },
  },
  ratingsSummary: {
    'zh-CN': '本期新增有效评价 {n} 条，涉及评议期 {periods} 个。',
    en: '{n} new valid ratings in {periods} evaluation period(s).',
  },
  noPeriods: { 'zh-CN': '本期无进行中的评议期。', en: 'No evaluation period was open.' },
  risers: { 'zh-CN': '综合得分上升较多的单位：', en: 'Largest rises of the composite score:' },
  fallers: { 'zh-CN': '综合得分下降较多的单位：', en: 'Largest falls of the composite score:' },
  noMoves: { 'zh-CN': '各单位综合得分与上期相比无变化。', en: 'No composite score changed.' },
  belowSummary: {
    'zh-CN': '综合得分低于 {score} 分或满意率低于 {rate} 的单位共 {count} 个（样本不足的单位不作评判）。',
    en: '{count} unit(s) with a composite score under {score} or a satisfaction rate under {rate} (units with too small a sample are not judged).',
  },
  belowShown: { 'zh-CN': '以下列出其中 {shown} 个。', en: 'The first {shown} are listed.' },
  casesSummary: {
    'zh-CN': '本期受理来件 {received} 件，办结 {closed} 件；截至统计时点逾期未办结 {overdue} 件。',
    en: '{received} case(s) received and {closed} closed in the period; {overdue} overdue at the time of the figures.',
  },
  kpiNote: { 'zh-CN': '以下指标按 {from} 至 {to} 受理的来件累计计算：', en: 'KPIs of the cases received from {from} to {to}:' },
  repeatNone: { 'zh-CN': '本期无重复投诉。', en: 'No repeat complaints in the period.' },
  repeatNote: {
    'zh-CN': '同一单位、同一类别本期受理 2 件及以上的，列为重复投诉：',
    en: 'Two or more cases of the same kind about the same unit received in the period:',
  },
  ledgerSummary: {
    'zh-CN': '台账问题共 {total} 个，其中列入台账 {ledgered} 个，已销号 {completed} 个，整改中 {open} 个（逾期 {overdue} 个）；本期新增 {added} 个，本期销号 {closedNow} 个；整改完成率 {rate}（{completed}/{ledgered}）。',
    en: '{total} ledger item(s), {ledgered} on the ledger: {completed} closed, {open} in rectification ({overdue} overdue); {added} added and {closedNow} closed in the period; completion rate {rate} ({completed}/{ledgered}).',
  },
  empty: { 'zh-CN': '（无）', en: '(none)' },
  columns: {
    period: { 'zh-CN': '评议期', en: 'Period' },
    newRatings: { 'zh-CN': '新增评价', en: 'New ratings' },
    n: { 'zh-CN': '有效评价（N）', en: 'Valid ratings (N)' },
    unitsRated: { 'zh-CN': '参评单位', en: 'Units rated' },
    unit: { 'zh-CN': '单位', en: 'Unit' },
    score: { 'zh-CN': '综合得分', en: 'Composite score' },
    change: { 'zh-CN': '较上期', en: 'Change' },
    satisfaction: { 'zh-CN': '满意率', en: 'Satisfaction rate' },
    rank: { 'zh-CN': '排名', en: 'Rank' },
    kpi: { 'zh-CN': '指标', en: 'KPI' },
    numerator: { 'zh-CN': '分子', en: 'Numerator' },
    denominator: { 'zh-CN': '分母', en: 'Denominator' },
    rate: { 'zh-CN': '比率', en: 'Rate' },
    kind: { 'zh-CN': '类别', en: 'Kind' },
    count: { 'zh-CN': '件数', en: 'Cases' },
    total: { 'zh-CN': '问题总数', en: 'Items' },
    ledgered: { 'zh-CN': '列入台账', en: 'On the ledger' },
    closed: { 'zh-CN': '已销号', en: 'Closed' },
    open: { 'zh-CN': '整改中', en: 'In rectification' },
    overdue: { 'zh-CN': '逾期', en: 'Overdue' },
    added: { 'zh-CN': '本期新增', en: 'Added' },
    closedNow: { 'zh-CN': '本期销号', en: 'Closed in period' },
    completion: { 'zh-CN': '整改完成率', en: 'Completion rate' },
  },
  unranked: { 'zh-CN': '样本不足', en: 'Insufficient sample' },
  notWritten: { 'zh-CN': '（未填写）', en: '(not written)' },
} as const;
