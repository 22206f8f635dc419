import { describe, expect, it } from 'vitest';
import type { Case } from '../../../../functions/domain/cases/case';
import { computeKpis, kpiSheet, kpiTable, kpiTitle, type KpiReport } from '../../../../functions/domain/cases/kpis';
import { aCase } from '../../../fixtures/cases';

const at = '2026-06-10T02:00:00Z';
const closed = (overrides: Partial<Case> = {}): Case =>
  aCase({ state: 'CLOSED', unitId: 'tax-bureau', assignedAt: at, acceptedAt: at, closedAt: at, closedOnTime: true, ...overrides });

describe('computeKpis', () => {
  it('counts each KPI with its numerator and denominator', () => {
    // prepare: 10 cases
    const cases: Case[] = [
      closed({ callbackCount: 1, callback: { satisfied: true, at } }),
      closed({ callbackCount: 2, reopenCount: 1, callback: { satisfied: true, at } }),
      closed({ closedOnTime: false }),
      closed({ source: 'badReview', callbackCount: 1, callback: { satisfied: true, at } }),
      aCase({ state: 'REOPENED', unitId: 'tax-bureau', assignedAt: at, callbackCount: 1, reopenCount: 1, callback: { satisfied: false, at } }),
      aCase({ state: 'IN_PROGRESS', unitId: 'tax-bureau', assignedAt: at, returnCount: 1 }),
      aCase({ state: 'IN_PROGRESS', unitId: 'tax-bureau', assignedAt: at, source: 'badReview' }),
      aCase({ state: 'RETURNED', assignedAt: at, returnCount: 2 }),
      aCase({ state: 'RECEIVED' }),
      aCase({ state: 'REJECTED', rejectionReason: '不属于受理范围' }),
    ];

    // act
    const kpis = Object.fromEntries(computeKpis(cases).map((k) => [k.key, k]));

    // assert
    expect(kpis.closureRate).toEqual({ key: 'closureRate', numerator: 4, denominator: 9, rate: 4 / 9 });
    expect(kpis.onTimeClosureRate).toEqual({ key: 'onTimeClosureRate', numerator: 3, denominator: 4, rate: 0.75 });
    expect(kpis.satisfactionRate).toEqual({ key: 'satisfactionRate', numerator: 3, denominator: 4, rate: 0.75 });
    expect(kpis.callbackRate).toEqual({ key: 'callbackRate', numerator: 3, denominator: 4, rate: 0.75 });
    expect(kpis.reopenRate).toEqual({ key: 'reopenRate', numerator: 1, denominator: 4, rate: 0.25 });
    expect(kpis.returnRate).toEqual({ key: 'returnRate', numerator: 2, denominator: 8, rate: 0.25 });
    expect(kpis.badReviewRectificationRate).toEqual({ key: 'badReviewRectificationRate', numerator: 1, denominator: 2, rate: 0.5 });
  });

  it('reproduces the source report’s closure rate, 43220 / 44004', () => {
    // prepare
    const cases = [...Array.from({ length: 43220 }, () => closed()), ...Array.from({ length: 784 }, () => aCase({ state: 'IN_PROGRESS' }))];

    // act
    const closure = computeKpis(cases).find((k) => k.key === 'closureRate')!;

    // assert
    expect(closure).toMatchObject({ numerator: 43220, denominator: 44004 });
    expect(closure.rate!.toFixed(4)).toBe('0.9822');
  });

  it('gives no rate where there is nothing to divide by', () => {
    // act
    const kpis = computeKpis([]);

    // assert
    expect(kpis).toHaveLength(7);
    for (const k of kpis) expect(k).toMatchObject({ numerator: 0, denominator: 0, rate: null });
  });
});

describe('the KPI downloads', () => {
  const report = (): KpiReport => ({ from: '2026-06-01', to: '2026-06-30', kind: 'complaint', cases: 3, kpis: computeKpis([closed(), closed({ closedOnTime: false }), aCase()]) });

  it('writes each KPI with numerator, denominator and rate as a percentage, in the request language', () => {
    // act
    const zh = kpiTable(report(), 'zh-CN');
    const en = kpiTable(report(), 'en');

    // assert
    expect(zh[0]).toEqual(['指标', '分子', '分母', '比率']);
    expect(zh[1]).toEqual(['办结率', '2', '3', '66.67%']);
    expect(zh[2]).toEqual(['按时办结率', '1', '2', '50.00%']);
    expect(en[3]).toEqual(['Satisfaction rate', '0', '0', '']);
    expect(kpiTitle(report(), 'zh-CN')).toBe('办件指标 2026-06-01 – 2026-06-30 · 投诉或举报');
  });

  it('keeps numbers as numbers in the workbook, the rate as a fraction shown as a percentage', () => {
    // act
    const sheet = kpiSheet(report(), 'en');

    // assert
    expect(sheet.columns.map((c) => c.format)).toEqual(['text', 'count', 'count', 'percent']);
    expect(sheet.rows[0]).toEqual(['Closure rate', 2, 3, 2 / 3]);
    expect(sheet.rows[2]).toEqual(['Satisfaction rate', 0, 0, null]);
  });
});
