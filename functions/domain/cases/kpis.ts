import * as z from 'zod/mini';
import { ZId } from '../ids';
import type { Lang } from '../lang';
import type { Message } from '../messages';
import type { Sheet } from '../sheet';
import { ZCaseKind, type Case } from './case';
import { CASE_KIND_LABELS, CASE_KPI_LABELS } from './messages';

/**
 * The KPIs supervisors publish about cases (domain.md "KPIs"), each with numerator and denominator, over
 * the cases received in a range of CST days (optionally of one unit and one kind). Counted per case:
 *
 * | key                          | numerator                                   | denominator                          |
 * |------------------------------|---------------------------------------------|--------------------------------------|
 * | closureRate (办结率)          | closed                                      | accepted (received and not rejected) |
 * | onTimeClosureRate (按时办结率) | closed with the closing reply by the deadline | closed                              |
 * | satisfactionRate (满意率)     | whose latest callback was satisfied          | called back                          |
 * | callbackRate (回访率)         | closed and called back                       | closed                               |
 * | reopenRate (重办率)           | closed and reopened at least once            | closed                               |
 * | returnRate (回退率)           | returned at least once                       | assigned at least once               |
 * | badReviewRectificationRate (差评整改率) | bad-review cases closed           | bad-review cases accepted             |
 *
 * The counts live on the case (returnCount, reopenCount, callbackCount), so a range is one read of the
 * cases, not of every event.
 */

export const KPI_KEYS = ['closureRate', 'onTimeClosureRate', 'satisfactionRate', 'callbackRate', 'reopenRate', 'returnRate', 'badReviewRectificationRate'] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

export const ZKpi = z.object({
  key: z.enum(KPI_KEYS),
  numerator: z.int(),
  denominator: z.int(),
  /** numerator / denominator; null when there is nothing to divide by. */
  rate: z.nullable(z.number()),
});
export type Kpi = z.infer<typeof ZKpi>;

export const ZKpiQuery = z
  .object({ from: z.iso.date(), to: z.iso.date(), unitId: z.optional(ZId), kind: z.optional(ZCaseKind) })
  .register(z.globalRegistry, { id: 'CaseKpiQuery' });
export type KpiQuery = z.infer<typeof ZKpiQuery>;

export const ZKpiReport = z
  .object({ from: z.iso.date(), to: z.iso.date(), unitId: z.optional(ZId), kind: z.optional(ZCaseKind), cases: z.int(), kpis: z.array(ZKpi) })
  .register(z.globalRegistry, { id: 'CaseKpiReport', description: 'The case KPIs of a range, each with numerator and denominator.' });
export type KpiReport = z.infer<typeof ZKpiReport>;

const kpi = (key: KpiKey, numerator: number, denominator: number): Kpi => ({ key, numerator, denominator, rate: denominator === 0 ? null : numerator / denominator });

/** Each KPI of these cases (already narrowed to the range, unit and kind asked for). */
export function computeKpis(cases: readonly Case[]): Kpi[] {
  const count = (pick: (c: Case) => boolean) => cases.filter(pick).length;
  const accepted = (c: Case) => c.state !== 'REJECTED';
  const closed = (c: Case) => c.state === 'CLOSED';
  const badReview = (c: Case) => c.source === 'badReview' && accepted(c);
  return [
    kpi('closureRate', count(closed), count(accepted)),
    kpi('onTimeClosureRate', count((c) => closed(c) && c.closedOnTime === true), count(closed)),
    kpi('satisfactionRate', count((c) => c.callback?.satisfied === true), count((c) => c.callbackCount > 0)),
    kpi('callbackRate', count((c) => closed(c) && c.callbackCount > 0), count(closed)),
    kpi('reopenRate', count((c) => closed(c) && c.reopenCount > 0), count(closed)),
    kpi('returnRate', count((c) => c.returnCount > 0), count((c) => c.assignedAt !== undefined)),
    kpi('badReviewRectificationRate', count((c) => badReview(c) && closed(c)), count(badReview)),
  ];
}

const HEADERS = {
  kpi: { 'zh-CN': '指标', en: 'KPI' },
  numerator: { 'zh-CN': '分子', en: 'Numerator' },
  denominator: { 'zh-CN': '分母', en: 'Denominator' },
  rate: { 'zh-CN': '比率', en: 'Rate' },
} as const satisfies Record<string, Message>;

/** The downloads' title: the range, and the unit and kind when narrowed to them. */
export function kpiTitle(report: KpiReport, lang: Lang): string {
  const parts = [`${report.from} – ${report.to}`, ...(report.unitId ? [report.unitId] : []), ...(report.kind ? [CASE_KIND_LABELS[report.kind][lang]] : [])];
  return `${lang === 'en' ? 'Case KPIs' : '办件指标'} ${parts.join(' · ')}`;
}

/** The KPIs as one sheet (XLSX): each KPI's name, numerator, denominator and rate (a fraction, shown as a percentage). */
export function kpiSheet(report: KpiReport, lang: Lang): Sheet {
  return {
    name: lang === 'en' ? 'KPIs' : '办件指标',
    columns: [
      { header: HEADERS.kpi[lang], format: 'text' },
      { header: HEADERS.numerator[lang], format: 'count' },
      { header: HEADERS.denominator[lang], format: 'count' },
      { header: HEADERS.rate[lang], format: 'percent' },
    ],
    rows: report.kpis.map((k) => [CASE_KPI_LABELS[k.key][lang], k.numerator, k.denominator, k.rate]),
  };
}

/** The KPIs as CSV rows: the same columns, the rate as a percentage with two decimals (empty when there is none). */
export function kpiTable(report: KpiReport, lang: Lang): string[][] {
  const sheet = kpiSheet(report, lang);
  return [
    sheet.columns.map((c) => c.header),
    ...report.kpis.map((k) => [CASE_KPI_LABELS[k.key][lang], String(k.numerator), String(k.denominator), k.rate === null ? '' : `${(k.rate * 100).toFixed(2)}%`]),
  ];
}
