import { isOverdue, type Case, type CaseKind } from '../cases/case';
import { computeKpis } from '../cases/kpis';
import { cstDayOf } from '../cases/workflow';
import type { UnitSnapshot } from '../evaluation/snapshot';
import type { LocalizedText } from '../text';
import type { Unit } from '../units/unit';
import { cstDate } from '../working-days';
import type { LedgerItem } from '../ledger/ledger';
import { ledgerProgress } from '../ledger/progress';
import { BELOW_THRESHOLD_SHOWN, MOVERS_SHOWN, type BriefingFigures, type BriefingThresholds, type BriefingWindow, type Ratio, type UnitStanding } from './briefing';

/**
 * The figures of a briefing, from plain values: pure, so the golden test feeds fixed snapshots, cases and
 * ledger items and a fixed time and reads the figures back.
 *
 * - Ratings, per evaluation period open during the window: each unit's last snapshot of the window (its
 *   standing at the end) against its last snapshot before the window (the start); new ratings are the net
 *   change of valid ratings N (an appeal upheld in the window takes one away).
 * - Score changes: the units whose composite score rose or fell most (MOVERS_SHOWN each way).
 * - Below threshold: units with a sufficient sample whose composite score or 满意率 at the end is under
 *   the thresholds (a setting; by default 80 points and 90 %), lowest score first.
 * - Cases (complaints and bad reviews): received in the window, closed in the window, overdue at the time
 *   of the figures; the KPIs of kpis.ts over the cases received from 1 January to the window's end (本年累计).
 * - Repeat complaints: two or more cases of the same kind about the same unit received in the window.
 * - Ledger progress: ledger/progress.ts's figures (整改完成率 = closed or published / on the ledger), and the
 *   items identified and closed in the window.
 */

/** A ledger item as the briefing counts it: its state, deadline, and when it was identified and closed. */
export type LedgerFact = Pick<LedgerItem, 'state' | 'dueAt' | 'identifiedAt' | 'closedAt'>;

export interface FigureInputs {
  window: BriefingWindow;
  /** The data-as-of time: the window's end, or now for a window not yet over. */
  asOf: Date;
  thresholds: BriefingThresholds;
  units: readonly Pick<Unit, 'unitId' | 'name'>[];
  /** Each period open during the window with its units' snapshots (any order). */
  periods: readonly { periodId: string; name: LocalizedText; snapshots: readonly UnitSnapshot[] }[];
  /** Cases received in the months the briefing reads (at least the window and the year to its end). */
  cases: readonly Case[];
  /** Cases still open whose deadline has passed at `asOf` (the open index), whenever received. */
  openPastDue: readonly Case[];
  ledger: readonly LedgerFact[];
}

/** The sources counted as cases (the ledger is counted apart). */
const CASE_SOURCES = new Set<Case['source']>(['complaint', 'badReview']);
const inWindow = (day: string, w: BriefingWindow) => day >= w.from && day <= w.to;
const ratio = (numerator: number, denominator: number): Ratio => ({ numerator, denominator, rate: denominator === 0 ? null : numerator / denominator });

/** The unit's last snapshot on or before `day` (snapshots of one unit, any order). */
function lastOnOrBefore(snapshots: readonly UnitSnapshot[], day: string): UnitSnapshot | undefined {
  let found: UnitSnapshot | undefined;
  for (const s of snapshots) if (s.day <= day && (!found || s.day > found.day)) found = s;
  return found;
}

/** The figures of a briefing (see the module's comment for what each counts). */
export function briefingFigures(input: FigureInputs): BriefingFigures {
  const { window: w, asOf, thresholds } = input;
  const asOfIso = asOf.toISOString();
  // Instants are compared as times: stored ones may carry an offset (`+08:00`) rather than `Z`.
  const by = (iso: string) => Date.parse(iso) <= asOf.getTime();
  const lastDay = cstDate(asOf) < w.to ? cstDate(asOf) : w.to;
  const dayBefore = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const names = new Map(input.units.map((u) => [u.unitId, u.name]));
  const nameOf = (unitId: string): LocalizedText => names.get(unitId) ?? { 'zh-CN': unitId, en: unitId };

  // ---- ratings and scores
  const standings: UnitStanding[] = [];
  const periods = [...input.periods]
    .sort((a, b) => a.periodId.localeCompare(b.periodId))
    .map((p) => {
      const byUnit = new Map<string, UnitSnapshot[]>();
      for (const s of p.snapshots) byUnit.set(s.unitId, [...(byUnit.get(s.unitId) ?? []), s]);
      let newRatings = 0;
      let n = 0;
      let unitsRated = 0;
      for (const [unitId, snapshots] of [...byUnit].sort(([a], [b]) => a.localeCompare(b))) {
        const end = lastOnOrBefore(snapshots, lastDay);
        if (!end) continue;
        const start = lastOnOrBefore(snapshots, dayBefore(w.from));
        unitsRated++;
        n += end.n;
        newRatings += end.n - (start?.n ?? 0);
        const previousScore = start?.compositeScore ?? null;
        const below: UnitStanding['below'] = [];
        if (!end.insufficientSample) {
          if (end.compositeScore !== null && end.compositeScore < thresholds.compositeScore) below.push('compositeScore');
          if (end.satisfactionRate !== null && end.satisfactionRate < thresholds.satisfactionRate) below.push('satisfactionRate');
        }
        standings.push({
          periodId: p.periodId,
          unitId,
          unitName: nameOf(unitId),
          n: end.n,
          compositeScore: end.compositeScore,
          previousScore,
          change: end.compositeScore !== null && previousScore !== null ? end.compositeScore - previousScore : null,
          satisfactionRate: end.satisfactionRate,
          rank: end.rank,
          insufficientSample: end.insufficientSample,
          below,
        });
      }
      return { periodId: p.periodId, name: p.name, newRatings, n, unitsRated };
    });
  const changed = standings.filter((s) => s.change !== null && s.change !== 0);
  const byUnit = (a: UnitStanding, b: UnitStanding) => a.periodId.localeCompare(b.periodId) || a.unitId.localeCompare(b.unitId);
  const risers = changed.filter((s) => s.change! > 0).sort((a, b) => b.change! - a.change! || byUnit(a, b)).slice(0, MOVERS_SHOWN);
  const fallers = changed.filter((s) => s.change! < 0).sort((a, b) => a.change! - b.change! || byUnit(a, b)).slice(0, MOVERS_SHOWN);
  const below = standings
    .filter((s) => s.below.length > 0)
    .sort((a, b) => (a.compositeScore ?? Infinity) - (b.compositeScore ?? Infinity) || (a.satisfactionRate ?? Infinity) - (b.satisfactionRate ?? Infinity) || byUnit(a, b));

  // ---- cases
  const cases = input.cases.filter((c) => CASE_SOURCES.has(c.source) && by(c.receivedAt));
  const received = cases.filter((c) => inWindow(cstDayOf(c.receivedAt), w));
  const closed = cases.filter((c) => c.state === 'CLOSED' && c.closedAt !== undefined && by(c.closedAt) && inWindow(cstDayOf(c.closedAt), w));
  const overdue = input.openPastDue.filter((c) => CASE_SOURCES.has(c.source) && by(c.receivedAt) && isOverdue(c, asOf));
  const kpiFrom = `${w.to.slice(0, 4)}-01-01`;
  const kpiCases = cases.filter((c) => cstDayOf(c.receivedAt) >= kpiFrom && cstDayOf(c.receivedAt) <= w.to);

  // ---- repeat complaints
  const repeats = new Map<string, { unitId: string; kind: CaseKind; count: number }>();
  for (const c of received) {
    const unitId = c.unitId ?? c.requestedUnitId;
    if (!unitId || c.state === 'REJECTED') continue;
    const key = `${unitId}\u0000${c.kind}`;
    repeats.set(key, { unitId, kind: c.kind, count: (repeats.get(key)?.count ?? 0) + 1 });
  }

  // ---- ledger: the ledger's own progress figures (ledger/progress.ts), of the items identified by asOf
  const ledger = input.ledger.filter((l) => by(l.identifiedAt));
  const progress = ledgerProgress(ledger, asOf);

  return {
    asOf: asOfIso,
    thresholds,
    ratings: {
      periods,
      newRatings: periods.reduce((sum, p) => sum + p.newRatings, 0),
      risers,
      fallers,
      belowThreshold: below.slice(0, BELOW_THRESHOLD_SHOWN),
      belowThresholdCount: below.length,
    },
    cases: { received: received.length, closed: closed.length, overdue: overdue.length, kpiFrom, kpiTo: w.to, kpis: computeKpis(kpiCases) },
    repeatComplaints: [...repeats.values()]
      .filter((r) => r.count >= 2)
      .sort((a, b) => b.count - a.count || a.unitId.localeCompare(b.unitId) || a.kind.localeCompare(b.kind))
      .map((r) => ({ ...r, unitName: nameOf(r.unitId) })),
    ledger: {
      total: progress.total,
      ledgered: progress.ledgered,
      completed: progress.completed,
      overdue: progress.overdue,
      newInWindow: ledger.filter((l) => inWindow(cstDayOf(l.identifiedAt), w)).length,
      closedInWindow: ledger.filter((l) => l.closedAt !== undefined && by(l.closedAt) && inWindow(cstDayOf(l.closedAt), w)).length,
      completionRate: ratio(progress.completed, progress.ledgered),
    },
  };
}
