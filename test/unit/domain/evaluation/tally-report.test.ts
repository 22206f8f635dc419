import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../functions/domain/errors';
import type { FormVersion } from '../../../../functions/domain/evaluation/form';
import { rankUnits } from '../../../../functions/domain/evaluation/ranking';
import { EXCLUSION_REASONS } from '../../../../functions/domain/evaluation/tally';
import { EXCLUSION_LABELS, tallyReport, tallyTable, type TallyReportDeps } from '../../../../functions/domain/evaluation/tally-report';
import { toCsv } from '../../../../functions/platform/csv';
import {
  aForm,
  aFormContent,
  aFormVersion,
  aGroup,
  aPeriod,
  aTally,
  aTallyReport,
  aTallyRun,
  aUnit,
  aUnitWithId,
} from '../../../fixtures/catalog';

describe('tallyReport', () => {
  const VERSIONS: Record<string, FormVersion> = {
    'windows@2': aFormVersion({ formId: 'windows', version: 2, content: aFormContent({ unitIds: ['service-centre', 'tax-bureau'] }) }),
    'annual@1': aFormVersion({ formId: 'annual', content: aFormContent({ unitIds: ['tax-bureau', 'land-office'] }) }),
    'unpublished@0': aFormVersion({ formId: 'unpublished', content: aFormContent({ unitIds: ['never-shown'] }) }),
  };
  const deps = (overrides: Partial<TallyReportDeps> = {}): TallyReportDeps => ({
    getPeriod: async (id) => (id === '2026-annual' ? aPeriod({ groupWeights: { enterprise: 0.4, citizen: 0.6 } }) : undefined),
    listFormsOfPeriod: async () => [
      aForm({ formId: 'windows', latestVersion: 2 }),
      aForm({ formId: 'annual' }),
      aForm({ formId: 'unpublished', status: 'draft', latestVersion: 0 }),
    ],
    getFormVersion: async (formId, version) => VERSIONS[`${formId}@${version}`],
    getUnits: async (ids) =>
      [aUnit(), aUnitWithId('service-centre'), aUnitWithId('land-office', { status: 'retired' })].filter((u) => ids.includes(u.unitId)),
    listGroups: async () => [aGroup('citizen'), aGroup('enterprise'), aGroup('deputy'), aGroup('tourist')],
    getTallyRun: async () => aTallyRun(),
    listTallies: async () => [
      aTally({ unitId: 'tax-bureau', groupScores: { citizen: { n: 2, score: 50 }, tourist: { n: 1, score: 0 } } }),
      aTally({ unitId: 'stray-unit', n: 0, groupScores: {} }),
    ],
    ...overrides,
  });

  it("lists the units of the forms' latest versions in form order, then any other unit a ballot named", async () => {
    const report = await tallyReport(deps(), '2026-annual');

    expect(report.rows.map((r) => [r.unit.unitId, r.unit.status, r.tally?.unitId ?? null])).toEqual([
      ['service-centre', 'active', null],
      ['tax-bureau', 'active', 'tax-bureau'],
      ['land-office', 'retired', null],
      ['stray-unit', 'retired', 'stray-unit'],
    ]);
  });

  it('puts the ranked units first, by composite score, and lists the others after them in that order, with why', async () => {
    const listTallies = async () => [
      aTally({ unitId: 'tax-bureau', compositeScore: 70, insufficientSample: false }),
      aTally({ unitId: 'land-office', compositeScore: 85, insufficientSample: false }),
      aTally({ unitId: 'stray-unit', n: 0, compositeScore: null, insufficientSample: true }),
    ];

    const report = await tallyReport(deps({ listTallies }), '2026-annual');

    expect(report.rows.map((r) => [r.unit.unitId, r.rank, r.unranked])).toEqual([
      ['land-office', 1, null],
      ['tax-bureau', 2, null],
      ['service-centre', null, 'noTally'],
      ['stray-unit', null, 'insufficientSample'],
    ]);
  });

  it('names a unit the catalog does not know by its id', async () => {
    const report = await tallyReport(deps(), '2026-annual');

    expect(report.rows.find((r) => r.unit.unitId === 'stray-unit')?.unit.name).toEqual({ 'zh-CN': 'stray-unit', en: 'stray-unit' });
  });

  it('names the weighted groups heaviest first (stored maps keep no key order), then any other group that answered, and no other', async () => {
    const report = await tallyReport(deps(), '2026-annual');

    expect(report.groups.map((g) => g.groupId)).toEqual(['citizen', 'enterprise', 'tourist']);
  });

  it('carries the period, its last run and the dimensions rated', async () => {
    const report = await tallyReport(deps(), '2026-annual');

    expect(report.period).toMatchObject({ periodId: '2026-annual', minSample: 3, groupWeights: { enterprise: 0.4, citizen: 0.6 } });
    expect(report.run).toEqual(aTallyRun());
    expect(report.dimensions).toEqual([{ dimensionId: 'overall', label: { 'zh-CN': '总体评价', en: 'Overall' } }]);
  });

  it('has no run before the first tally', async () => {
    const report = await tallyReport(deps({ getTallyRun: async () => undefined, listTallies: async () => [] }), '2026-annual');

    expect(report.run).toBeNull();
    expect(report.rows.every((r) => r.tally === null)).toBe(true);
  });

  it('does not know a period that does not exist', async () => {
    const report = tallyReport(deps(), 'nope');

    await expect(report).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('tallyTable', () => {
  const ZH_HEADER = [
    '单位编号',
    '单位',
    '排名',
    '未排名原因',
    '有效样本数(N)',
    '答卷数',
    '未计入答卷数: 无法读取',
    '未计入答卷数: 评议表版本不存在',
    '未计入答卷数: 不在评议期内',
    '未计入答卷数: 单位不在该版评议表上',
    '未计入答卷数: 答案不符合评议表规则',
    '未计入答卷数: 申诉复核成立',
    '未计入答卷数: 已标记待复核',
    '未计入答卷数: 复核后排除',
    '未计入答卷数: 评议主体未经邀请核验',
    '全部不了解的答卷数',
    '非常满意',
    '满意',
    '基本满意',
    '不满意',
    '非常不满意',
    '不了解(评价数)',
    '有效评价数',
    '满意率(%)',
    '满意率95%置信下限(%)',
    '满意率95%置信上限(%)',
    '差评数',
    '群众 N',
    '群众 得分',
    '总体评价 N',
    '总体评价 满意率(%)',
    '总体评价 得分',
    '综合得分',
    '权重覆盖(%)',
    '样本不足',
    '计算时间(北京时间)',
  ];

  it('heads the table in Chinese, with a column pair per group and three columns per dimension', () => {
    const table = tallyTable(aTallyReport(), 'zh-CN');

    expect(table[0]).toEqual(ZH_HEADER);
  });

  it('heads the table in English', () => {
    const table = tallyTable(aTallyReport(), 'en');

    expect(table[0]).toEqual([
      'Unit ID',
      'Unit',
      'Rank',
      'Not ranked because',
      'Responses counted (N)',
      'Responses',
      'Responses not counted: unreadable',
      'Responses not counted: unknown form version',
      'Responses not counted: outside the period',
      'Responses not counted: unit not on its form version',
      'Responses not counted: answers break the form rules',
      'Responses not counted: appeal upheld',
      'Responses not counted: flagged, awaiting review',
      'Responses not counted: excluded on review',
      'Responses not counted: unverified group',
      "Responses answering don't know throughout",
      'Very satisfied',
      'Satisfied',
      'Basically satisfied',
      'Dissatisfied',
      'Very dissatisfied',
      "Don't know (ratings)",
      'Valid ratings',
      'Satisfaction rate (%)',
      '95% interval low (%)',
      '95% interval high (%)',
      'Bad reviews',
      'Citizen N',
      'Citizen score',
      'Overall N',
      'Overall Satisfaction rate (%)',
      'Overall score',
      'Composite score',
      'Weight coverage (%)',
      'Insufficient sample',
      'Computed at (China Standard Time)',
    ]);
  });

  it('gives a unit its standing, counts, percentages with two decimals, scores, and the time in China Standard Time', () => {
    const table = tallyTable(aTallyReport(), 'zh-CN');

    expect(table[1]).toEqual([
      'tax-bureau',
      '区税务局',
      '',
      '样本不足',
      '2',
      '4',
      '1',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '1',
      '1',
      '0',
      '0',
      '1',
      '0',
      '1',
      '2',
      '50.00',
      '9.45',
      '90.55',
      '1',
      '2',
      '50.00',
      '2',
      '50.00',
      '50.00',
      '50.00',
      '50.00',
      '是',
      '2026-06-15 10:00:00',
    ]);
  });

  it('rounds rates to two decimals and says "no" to a sufficient sample in English', () => {
    const tally = aTally({ satisfactionRate: 2 / 3, weightCoverage: 1, compositeScore: 200 / 3, insufficientSample: false });
    const report = aTallyReport({ rows: rankUnits([{ unit: aTallyReport().rows[0]!.unit, tally }]) });

    const [header, row] = tallyTable(report, 'en');

    const cell = (name: string) => row![header!.indexOf(name)];
    expect([cell('Satisfaction rate (%)'), cell('Composite score'), cell('Weight coverage (%)'), cell('Insufficient sample')]).toEqual([
      '66.67',
      '66.67',
      '100.00',
      'no',
    ]);
  });

  it('leaves every figure empty for a unit without a tally yet, and says why it is not ranked', () => {
    const table = tallyTable(aTallyReport(), 'en');

    expect(table[2]).toEqual(['service-centre', 'Service Centre', '', 'not tallied yet', ...ZH_HEADER.slice(4).map(() => '')]);
  });

  it('lists the units by rank, ties sharing theirs, then the unranked with the reason', () => {
    const unit = (unitId: string) => ({ ...aTallyReport().rows[0]!.unit, unitId, name: { 'zh-CN': unitId, en: unitId } });
    const ranked = (unitId: string, compositeScore: number) => ({ unit: unit(unitId), tally: aTally({ unitId, compositeScore, insufficientSample: false }) });
    const report = aTallyReport({
      rows: rankUnits([
        { unit: unit('small'), tally: aTally({ unitId: 'small' }) },
        ranked('b', 75),
        ranked('a', 88.5),
        ranked('c', 75),
      ]),
    });

    const [header, ...rows] = tallyTable(report, 'zh-CN');

    const columns = ['单位编号', '排名', '未排名原因', '综合得分'].map((h) => header!.indexOf(h));
    expect(rows.map((r) => columns.map((i) => r[i]))).toEqual([
      ['a', '1', '', '88.50'],
      ['b', '2', '', '75.00'],
      ['c', '2', '', '75.00'],
      ['small', '', '样本不足', '50.00'],
    ]);
  });

  it('leaves the cells of a group or dimension a unit was not rated in empty, with a zero count for the group', () => {
    const report = aTallyReport({
      groups: [
        { groupId: 'citizen', name: { 'zh-CN': '群众', en: 'Citizen' } },
        { groupId: 'enterprise', name: { 'zh-CN': '企业', en: 'Enterprise' } },
      ],
      dimensions: [
        { dimensionId: 'overall', label: { 'zh-CN': '总体评价', en: 'Overall' } },
        { dimensionId: 'attitude', label: { 'zh-CN': '服务态度', en: 'Attitude' } },
      ],
    });

    const [header, row] = tallyTable(report, 'en');

    const cells = (...names: string[]) => names.map((name) => row![header!.indexOf(name)]);
    expect(cells('Enterprise N', 'Enterprise score')).toEqual(['0', '']);
    expect(cells('Attitude N', 'Attitude Satisfaction rate (%)', 'Attitude score')).toEqual(['', '', '']);
    expect(cells('Overall N', 'Overall score')).toEqual(['2', '50.00']);
  });
});

describe('tallyTable exclusions', () => {
  it('names every reason a ballot is not counted, in Chinese and in English', () => {
    const labels = EXCLUSION_REASONS.map((r) => [EXCLUSION_LABELS[r]['zh-CN'], EXCLUSION_LABELS[r].en]);

    expect(labels.flat().every((label) => label.trim().length > 0)).toBe(true);
    expect(new Set(labels.map(([zh]) => zh)).size).toBe(EXCLUSION_REASONS.length);
    expect(new Set(labels.map(([, en]) => en)).size).toBe(EXCLUSION_REASONS.length);
  });

  it("gives a unit's flagged ballots awaiting review, its appeals upheld and the rest a column each, adding up to its responses", () => {
    // 12 responses: N 5, 不了解 1, and 6 not counted for four of the new reasons
    const tally = aTally({
      ballots: 12,
      n: 5,
      dontKnow: 1,
      excluded: { appealUpheld: 1, flagged: 3, excludedOnReview: 1, unverifiedGroup: 1 },
    });
    const report = aTallyReport({ rows: rankUnits([{ unit: aTallyReport().rows[0]!.unit, tally }]) });

    const [header, row] = tallyTable(report, 'en');

    const cell = (name: string) => Number(row![header!.indexOf(name)]);
    const notCounted = header!.filter((h) => h.startsWith('Responses not counted: ')).map(cell);
    expect([
      cell('Responses not counted: appeal upheld'),
      cell('Responses not counted: flagged, awaiting review'),
      cell('Responses not counted: excluded on review'),
      cell('Responses not counted: unverified group'),
    ]).toEqual([1, 3, 1, 1]);
    expect(cell('Responses counted (N)') + cell("Responses answering don't know throughout") + notCounted.reduce((a, b) => a + b, 0)).toBe(
      cell('Responses'),
    );
  });

  it('keeps a unit name that looks like a formula from running in a spreadsheet', () => {
    const unit = { ...aTallyReport().rows[0]!.unit, name: { 'zh-CN': '=HYPERLINK("http://x")', en: '=HYPERLINK("http://x")' } };
    const report = aTallyReport({ rows: rankUnits([{ unit, tally: aTally() }]) });

    const csv = toCsv(tallyTable(report, 'zh-CN'));

    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
  });
});
