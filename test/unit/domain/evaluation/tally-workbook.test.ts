import { describe, expect, it } from 'vitest';
import { rankUnits } from '../../../../functions/domain/evaluation/ranking';
import { EXCLUSION_REASONS } from '../../../../functions/domain/evaluation/tally';
import type { TallyReport } from '../../../../functions/domain/evaluation/tally-report';
import { tallyWorkbook } from '../../../../functions/domain/evaluation/tally-workbook';
import type { Sheet } from '../../../../functions/domain/sheet';
import { aTally, aTallyReport } from '../../../fixtures/catalog';

/**
 * Three units of aTallyReport()'s period: land-office and tax-bureau ranked (tied at 75), service-centre
 * tallied with an insufficient sample, quiet-unit not tallied yet.
 */
const unit = (unitId: string, zh: string) => ({ unitId, name: { 'zh-CN': zh, en: unitId }, kind: 'department' as const, status: 'active' as const });
const REPORT: TallyReport = aTallyReport({
  rows: rankUnits([
    { unit: unit('service-centre', '区政务服务中心'), tally: aTally({ unitId: 'service-centre' }) },
    { unit: unit('tax-bureau', '区税务局'), tally: aTally({ compositeScore: 75, insufficientSample: false, weightCoverage: 1 }) },
    { unit: unit('quiet-unit', '区档案馆'), tally: null },
    { unit: unit('land-office', '区自然资源所'), tally: aTally({ unitId: 'land-office', compositeScore: 75.001, insufficientSample: false }) },
  ]),
});

/** A sheet's rows as records by header. */
const records = (sheet: Sheet) => sheet.rows.map((row) => Object.fromEntries(sheet.columns.map((c, i) => [c.header, row[i]])));

describe('tallyWorkbook', () => {
  it('has a sheet per view and one explaining the figures, named in the language asked for', () => {
    // act
    const zh = tallyWorkbook(REPORT, 'zh-CN');
    const en = tallyWorkbook(REPORT, 'en');

    // assert
    expect(zh.sheets.map((s) => s.name)).toEqual(['单位排名', '各维度', '各评议人类别', '未计入原因', '说明']);
    expect(en.sheets.map((s) => s.name)).toEqual(['Ranking', 'Dimensions', 'Respondent groups', 'Not counted', 'About']);
    expect(zh.title).toBe('2026 年度评议 满意度统计');
    for (const s of [...zh.sheets, ...en.sheets]) {
      expect(s.name.length).toBeLessThanOrEqual(31);
      expect(s.rows.every((row) => row.length === s.columns.length)).toBe(true);
    }
  });

  it('lists the units by rank, tied ones sharing it, then the unranked with why, with unrounded numbers', () => {
    // act
    const units = records(tallyWorkbook(REPORT, 'zh-CN').sheets[0]!);

    // assert
    expect(units.map((u) => [u.排名, u.未排名原因, u.单位编号, u.综合得分])).toEqual([
      [1, null, 'tax-bureau', 75],
      [1, null, 'land-office', 75.001],
      [null, '样本不足', 'service-centre', 50],
      [null, '尚无统计结果', 'quiet-unit', null],
    ]);
    expect(units[0]).toMatchObject({
      满意率: 0.5,
      '满意率95%置信下限': 0.09453120573423074,
      '有效样本数(N)': 2,
      权重覆盖: 1,
      答卷数: 4,
      未计入答卷数: 1,
      '计算时间(北京时间)': '2026-06-15 10:00:00',
    });
  });

  it('shows rates as percentages, scores with two decimals and counts as integers', () => {
    // act
    const units = tallyWorkbook(REPORT, 'en').sheets[0]!;

    // assert
    const format = (header: string) => units.columns.find((c) => c.header === header)?.format;
    expect(['Rank', 'Composite score', 'Satisfaction rate', '95% interval low', 'Weight coverage', 'Responses counted (N)', 'Unit'].map(format)).toEqual([
      'count',
      'score',
      'percent',
      'percent',
      'percent',
      'count',
      'text',
    ]);
  });

  it('gives a row per tallied unit and dimension, and per unit and respondent group with its weight', () => {
    // act
    const [, dimensions, groups] = tallyWorkbook(REPORT, 'en').sheets;

    // assert
    expect(records(dimensions!).map((d) => [d['Unit ID'], d.Dimension, d['Valid ratings (N)'], d['Satisfaction rate'], d.Score])).toEqual([
      ['tax-bureau', 'Overall', 2, 0.5, 50],
      ['land-office', 'Overall', 2, 0.5, 50],
      ['service-centre', 'Overall', 2, 0.5, 50],
    ]);
    expect(records(groups!)[0]).toEqual({
      Rank: 1,
      'Not ranked because': null,
      'Unit ID': 'tax-bureau',
      Unit: 'tax-bureau',
      'Group ID': 'citizen',
      'Respondent group': 'Citizen',
      Weight: 0.5,
      'Responses (N)': 2,
      Score: 50,
    });
  });

  it('counts what was not counted by reason, adding up to the responses', () => {
    // act
    const exclusions = tallyWorkbook(REPORT, 'zh-CN').sheets[3]!;

    // assert
    expect(exclusions.columns.slice(5).map((c) => c.header)).toHaveLength(EXCLUSION_REASONS.length);
    for (const row of exclusions.rows) {
      const [, , ballots, counted, excluded, ...byReason] = row as [string, string, number, number, number, ...number[]];
      expect(counted + excluded).toBe(ballots);
      expect(byReason.reduce((a, b) => a + b, 0)).toBe(excluded);
    }
    expect(records(exclusions)[0]).toMatchObject({ 单位编号: 'tax-bureau', 答卷数: 4, 计入答卷数: 3, 无法读取: 1 });
  });

  it('names the period and its data-as-of time in China Standard Time, and explains every figure in both languages', () => {
    // act
    const zh = tallyWorkbook(REPORT, 'zh-CN').sheets[4]!;
    const en = tallyWorkbook(REPORT, 'en').sheets[4]!;

    // assert
    expect(zh.rows.slice(0, 3)).toEqual([
      ['评议期', '2026 年度评议 (2026-annual)'],
      ['评议期时间', '2026-01-01 00:00:00 至 2027-01-01 00:00:00（北京时间）'],
      ['数据截至(北京时间)', '2026-06-15 10:00:00（读取答卷 4 份，其中整份未计入 1 份）'],
    ]);
    expect(en.rows[2]).toEqual(['Data as of (China Standard Time)', '2026-06-15 10:00:00 (4 responses read, 1 of them not counted as a whole)']);
    expect(zh.rows).toHaveLength(en.rows.length);
    const explained = zh.rows.map(([item]) => item);
    for (const figure of ['排名', '满意率', '综合得分', '类别得分', '维度得分', '权重覆盖', '答卷数']) expect(explained).toContain(figure);
    expect(zh.rows.find(([item]) => item === '综合得分')?.[1]).toContain('Σ W_g × S_g');
  });

  it('says when the period has not been counted yet', () => {
    // act
    const about = tallyWorkbook(aTallyReport({ run: null }), 'zh-CN').sheets[4]!;

    // assert
    expect(about.rows[2]).toEqual(['数据截至(北京时间)', '尚未统计']);
  });
});
