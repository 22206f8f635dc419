import * as z from 'zod';
import { ZId, ZLocalizedText, ZPeriod, ZUnit, type Form, type Period, type Unit } from './catalog';
import { NotFoundError } from './errors';
import { DONT_KNOW, ratingLabel } from './rating-scale';
import { TALLY_LEVEL_COLUMNS, ZTally, ZTallyRun, type Tally, type TallyRun } from './tally';
import type { Lang } from './lang';

/** A period's tallies as supervisors read them: every unit of the form, with its figures and their N. */
export const ZTallyReport = z
  .object({
    period: z.object({ periodId: ZId, name: ZLocalizedText, minSample: ZPeriod.shape.minSample }),
    /** The last tally run; null until the scheduled tally has run for this period. */
    run: ZTallyRun.nullable(),
    rows: z.array(z.object({ unit: ZUnit, tally: ZTally.nullable() })),
  })
  .meta({ id: 'TallyReport' });
export type TallyReport = z.infer<typeof ZTallyReport>;

/** What listTallies needs from storage. */
export interface TallyReportDeps {
  getPeriod(periodId: string): Promise<Period | undefined>;
  listFormsOfPeriod(periodId: string): Promise<Form[]>;
  getUnits(unitIds: string[]): Promise<Unit[]>;
  getTallyRun(periodId: string): Promise<TallyRun | undefined>;
  listTallies(periodId: string): Promise<Tally[]>;
}

/** The tally report of a period, units in the order their forms list them. Throws NotFoundError. */
export async function tallyReport(deps: TallyReportDeps, periodId: string): Promise<TallyReport> {
  const [period, forms, run, tallies] = await Promise.all([
    deps.getPeriod(periodId),
    deps.listFormsOfPeriod(periodId),
    deps.getTallyRun(periodId),
    deps.listTallies(periodId),
  ]);
  if (!period) throw new NotFoundError('period', periodId);
  const unitIds = [...new Set(forms.flatMap((f) => f.unitIds))];
  const units = new Map((await deps.getUnits(unitIds)).map((u) => [u.unitId, u]));
  const byUnit = new Map(tallies.map((t) => [t.unitId, t]));
  return {
    period: { periodId: period.periodId, name: period.name, minSample: period.minSample },
    run: run ?? null,
    rows: unitIds.flatMap((id) => {
      const unit = units.get(id);
      return unit ? [{ unit, tally: byUnit.get(id) ?? null }] : [];
    }),
  };
}

const HEADERS: Record<Lang, Record<string, string>> = {
  'zh-CN': {
    unitId: '单位编号',
    unit: '单位',
    n: '有效样本数(N)',
    satisfactionRate: '满意率(%)',
    low: '满意率95%置信下限(%)',
    high: '满意率95%置信上限(%)',
    badReviews: '差评数',
    compositeScore: '综合得分',
    insufficientSample: '样本不足',
    computedAt: '计算时间',
    yes: '是',
    no: '否',
  },
  en: {
    unitId: 'Unit ID',
    unit: 'Unit',
    n: 'Valid ratings (N)',
    satisfactionRate: 'Satisfaction rate (%)',
    low: '95% interval low (%)',
    high: '95% interval high (%)',
    badReviews: 'Bad reviews',
    compositeScore: 'Composite score',
    insufficientSample: 'Insufficient sample',
    computedAt: 'Computed at',
    yes: 'yes',
    no: 'no',
  },
};

const percent = (x: number | null | undefined): string => (x == null ? '' : (x * 100).toFixed(2));
const score = (x: number | null | undefined): string => (x == null ? '' : x.toFixed(2));

/**
 * The report as a table of text cells (header first) for CSV and spreadsheet downloads. A unit without a
 * tally yet has empty figure cells; rates are percentages with two decimals.
 */
export function tallyTable(report: TallyReport, lang: Lang): string[][] {
  const h = HEADERS[lang];
  const header = [
    h.unitId!,
    h.unit!,
    ...TALLY_LEVEL_COLUMNS.map((k) => ratingLabel(k, lang)),
    ratingLabel(DONT_KNOW, lang),
    h.n!,
    h.satisfactionRate!,
    h.low!,
    h.high!,
    h.badReviews!,
    h.compositeScore!,
    h.insufficientSample!,
    h.computedAt!,
  ];
  const rows = report.rows.map(({ unit, tally: t }) => [
    unit.unitId,
    unit.name[lang],
    ...TALLY_LEVEL_COLUMNS.map((k) => (t ? String(t.counts[k] ?? '') : '')),
    t ? String(t.dontKnow) : '',
    t ? String(t.n) : '',
    percent(t?.satisfactionRate),
    percent(t?.satisfactionInterval?.low),
    percent(t?.satisfactionInterval?.high),
    t ? String(t.badReviews) : '',
    score(t?.compositeScore),
    t ? (t.insufficientSample ? h.yes! : h.no!) : '',
    t?.computedAt ?? '',
  ]);
  return [header, ...rows];
}
