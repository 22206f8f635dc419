import { useComputed, useSignal } from '@preact/signals';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { PeriodTrend, SnapshotList, UnitSnapshot } from '../../../../functions/domain/evaluation/snapshot';
import type { TallyReport } from '../../../../functions/domain/evaluation/tally-report';
import { UNIT_KINDS, UNIT_KIND_LABELS, type UnitKind } from '../../../../functions/domain/units/unit';
import { SUPERVISORS } from '../../../../functions/routes/route';
import {
  exportResponses,
  getResponseExport,
  listPeriodTrend,
  listSnapshots,
  listTallies,
} from '../../../../functions/routes/evaluation';
import { call } from '../../app/api';
import { failureOf } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { LoadFailed } from '../../app/components/load-failed';
import { ScrollTable } from '../../app/components/scroll-table';
import { StaffShell } from '../../app/components/staff-shell';
import { formatDate, formatDateTime, formatPercent, formatScore } from '../../app/format';
import { PeriodField, usePeriodChoice } from '../../app/periods';
import { staff } from '../../app/session';
import { lang, local, messages } from '../../app/i18n';
import { dashboard, tallies } from '../../messages/tallies';
import { Chart, type ChartOption } from './chart';
import { TallyDownloadButtons, TallyDownloadStatus, useTallyDownload } from './tally-downloads';

/**
 * The supervisors' dashboard (评议看板): for a period, filtered by unit kind and respondent group, the units
 * in their ranking as a bar chart of 满意率 with its 95% interval as error bars (or, with a group chosen,
 * that group's score), the unranked units in grey after them, and the same as a table with N; scores per
 * dimension and per respondent group; the trend of the chosen units day by day within the period (its
 * daily snapshots) and period by period (each period's last snapshot); and the CSV and XLSX downloads.
 * Every chart has a name for assistive technology and a table with its numbers. Times are CST.
 */

type Row = TallyReport['rows'][number];

/** How many of the ranked units the trends show unless one unit is chosen. */
const TOP_UNITS = 5;
const COLOR = { ranked: '#1d4ed8', unranked: '#9ca3af', interval: '#111827' } as const;
/** Line colours of the trends, told apart by the legend and the tables too. */
const LINE_COLORS = ['#1d4ed8', '#b45309', '#047857', '#be123c', '#6d28d9', '#0e7490', '#4d7c0f', '#a21caf', '#374151', '#c2410c'];

const percentOf = (x: number | null | undefined) => (x == null ? null : Math.round(x * 10000) / 100);
const round1 = (x: number | null | undefined) => (x == null ? null : Math.round(x * 10) / 10);

function Dashboard() {
  const m = messages(dashboard);
  const report = useSignal<TallyReport | undefined>(undefined);
  const kind = useSignal<UnitKind | ''>('');
  const group = useSignal('');
  /** '' for the top ranked units, else one unit. */
  const trendUnit = useSignal('');
  const snapshots = useSignal<SnapshotList | undefined>(undefined);
  const periodTrend = useSignal<PeriodTrend | undefined>(undefined);
  const problem = useSignal<string | undefined>(undefined);
  const { periods, periodId, load: loadPeriods } = usePeriodChoice(problem, () => loadReport());

  const loadReport = async () => {
    if (!periodId.value) return;
    problem.value = undefined;
    try {
      const got = await call(listTallies, { params: { periodId: periodId.value } });
      if (got.period.periodId === periodId.value) report.value = got;
    } catch (err) {
      problem.value = failureOf(err).message;
    }
  };

  useEffect(() => {
    void loadPeriods();
  }, []);

  const visible = useComputed(() => (report.value?.rows ?? []).filter((r) => kind.value === '' || r.unit.kind === kind.value));
  /** The units the trends show: the chosen one, or the first ranked ones under the filters. */
  const trendUnits = useComputed(() => {
    if (trendUnit.value && visible.value.some((r) => r.unit.unitId === trendUnit.value)) return [trendUnit.value];
    const ranked = visible.value.filter((r) => r.rank !== null);
    return (ranked.length > 0 ? ranked : visible.value.filter((r) => r.tally)).slice(0, TOP_UNITS).map((r) => r.unit.unitId);
  });
  const trendKey = useComputed(() => `${periodId.value}|${trendUnits.value.join(',')}`);

  useEffect(() => {
    const units = trendUnits.value;
    const forPeriod = periodId.value;
    snapshots.value = undefined;
    periodTrend.value = undefined;
    if (!forPeriod || units.length === 0) return;
    let stale = false;
    const query = { units: units.join(',') };
    Promise.all([call(listSnapshots, { params: { periodId: forPeriod }, query }), call(listPeriodTrend, { query })]).then(
      ([s, t]) => {
        if (stale) return;
        snapshots.value = s;
        periodTrend.value = t;
      },
      (err: unknown) => {
        if (!stale) problem.value = failureOf(err).message;
      },
    );
    return () => {
      stale = true;
    };
  }, [trendKey.value]);

  if (!periods.value) {
    return (
      <>
        <h1>{m.heading}</h1>
        {problem.value ? <LoadFailed message={`${m.loadFailed} ${problem.value}`} retry={m.tryAgain} onRetry={() => void loadPeriods()} /> : <Loading />}
      </>
    );
  }
  const r = report.value;
  const groupName = (groupId: string) => {
    const g = r?.groups.find((x) => x.groupId === groupId);
    return g ? local(g.name) : groupId;
  };
  return (
    <>
      <h1>{m.heading}</h1>
      {periods.value.length === 0 ? (
        <p>{messages(tallies).noPeriods}</p>
      ) : (
        <div class="toolbar dashboard-filters">
          <PeriodField
            periods={periods.value}
            value={periodId.value}
            label={messages(tallies).periodLabel}
            onPick={(id) => {
              periodId.value = id;
              report.value = undefined;
              group.value = '';
              trendUnit.value = '';
              void loadReport();
            }}
          />
          <div class="field">
            <label for="filter-kind">{m.kindLabel}</label>
            <select id="filter-kind" value={kind.value} onChange={(e) => (kind.value = (e.currentTarget as HTMLSelectElement).value as UnitKind | '')}>
              <option value="">{m.allKinds}</option>
              {UNIT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {local(UNIT_KIND_LABELS[k])}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="filter-group">{m.groupLabel}</label>
            <select id="filter-group" value={group.value} onChange={(e) => (group.value = (e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{m.allGroups}</option>
              {(r?.groups ?? []).map((g) => (
                <option key={g.groupId} value={g.groupId}>
                  {local(g.name)}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {problem.value && <LoadFailed message={`${m.loadFailed} ${problem.value}`} retry={m.tryAgain} onRetry={() => void loadPeriods()} />}
      {!r ? (
        periodId.value && !problem.value && <Loading />
      ) : (
        <>
          <p class="muted small" id="as-of">
            {r.run ? m.asOf({ at: formatDateTime(r.run.computedAt) }) : m.notRunYet} {m.minSample({ min: r.period.minSample })}{' '}
            {m.shown({ shown: visible.value.length, all: r.rows.length })}
          </p>
          <Downloads periodId={r.period.periodId} />
          {visible.value.length === 0 ? (
            <p id="no-units">{m.noUnits}</p>
          ) : (
            <>
              <Ranking rows={visible.value} group={group.value} groupName={groupName} />
              <Dimensions report={r} rows={visible.value} />
              <Groups report={r} rows={visible.value} group={group.value} groupName={groupName} />
              <section aria-labelledby="trend-heading">
                <h2 id="trend-heading">{m.trendHeading}</h2>
                <div class="field">
                  <label for="trend-unit">{m.trendUnitLabel}</label>
                  <select id="trend-unit" value={trendUnit.value} onChange={(e) => (trendUnit.value = (e.currentTarget as HTMLSelectElement).value)}>
                    <option value="">{m.topUnits({ n: TOP_UNITS })}</option>
                    {visible.value
                      .filter((row) => row.tally)
                      .map((row) => (
                        <option key={row.unit.unitId} value={row.unit.unitId}>
                          {local(row.unit.name)}
                        </option>
                      ))}
                  </select>
                </div>
                <Trends rows={r.rows} units={trendUnits.value} snapshots={snapshots.value} periodTrend={periodTrend.value} group={group.value} groupName={groupName} />
              </section>
            </>
          )}
        </>
      )}
    </>
  );
}

/** The CSV and XLSX of the period's whole report, with the file names the server chose. */
function Downloads({ periodId }: { periodId: string }) {
  const downloads = useTallyDownload();
  return (
    <div class="actions dashboard-downloads">
      <TallyDownloadButtons periodId={periodId} state={downloads} />
      <TallyDownloadStatus state={downloads} />
      <RawExport periodId={periodId} />
    </div>
  );
}

/** How long the page waits between asking for an export in progress: soon at first, then every few seconds. */
const EXPORT_POLL_MS = [1_000, 1_000, 2_000, 3_000, 5_000] as const;

/**
 * The raw anonymised responses of the period. The API queues the export and the export function writes the
 * file (to S3 on AWS); the page asks for it until it is done, then follows the link it gets, which expires
 * soon. Only admins are offered the text answers (the API refuses others).
 */
function RawExport({ periodId }: { periodId: string }) {
  const t = messages(tallies);
  const isAdmin = useComputed(() => staff.value?.roles.includes('admin') ?? false);
  const includeText = useSignal(false);
  const busy = useSignal(false);
  const status = useSignal<{ kind: 'success' | 'error' | 'info'; text: string } | undefined>(undefined);
  // The export being waited for; cleared when the period changes or the page goes, which ends the waiting.
  const waiting = useRef<string | undefined>(undefined);
  useEffect(() => () => void (waiting.current = undefined), [periodId]);
  const onExport = async () => {
    busy.value = true;
    status.value = undefined;
    try {
      let job = await call(exportResponses, { params: { periodId }, body: { includeText: isAdmin.value && includeText.value } });
      const exportId = job.exportId;
      waiting.current = exportId;
      for (let asked = 0; job.state === 'queued' || job.state === 'running'; asked++) {
        status.value = { kind: 'info', text: job.state === 'queued' ? t.rawQueued : t.rawRunning({ since: formatDateTime(job.startedAt ?? job.requestedAt) }) };
        await new Promise((resolve) => setTimeout(resolve, EXPORT_POLL_MS[Math.min(asked, EXPORT_POLL_MS.length - 1)]));
        if (waiting.current !== exportId) {
          // Another period is shown now: its export is not this one.
          status.value = undefined;
          return;
        }
        job = await call(getResponseExport, { params: { periodId, exportId } });
      }
      if (job.state === 'done' && job.url) {
        // Absolute on AWS (a presigned S3 link); on the API's own origin under `npm start`.
        const link = document.createElement('a');
        link.href = new URL(job.url, location.href).href;
        link.download = job.filename ?? '';
        link.hidden = true;
        document.body.append(link);
        link.click();
        link.remove();
        status.value = { kind: 'success', text: t.rawExported({ rows: job.rows ?? 0, expires: formatDateTime(job.expiresAt ?? job.finishedAt ?? job.requestedAt) }) };
      } else {
        status.value = { kind: 'error', text: job.state === 'expired' ? t.rawExpired : t.rawFailed({ failure: job.failure ?? 'internal' }) };
      }
    } catch (err) {
      status.value = { kind: 'error', text: failureOf(err).message };
    } finally {
      busy.value = false;
    }
  };
  return (
    <div class="raw-export">
      {isAdmin.value && (
        <label class="choice">
          <input
            type="checkbox"
            id="raw-include-text"
            checked={includeText.value}
            onChange={(e) => (includeText.value = (e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {t.rawIncludeText}
        </label>
      )}
      <button type="button" class="secondary" id="export-raw" disabled={busy.value} onClick={() => void onExport()}>
        {busy.value ? t.rawExporting : t.rawExport}
      </button>
      {status.value && (
        <Notice kind={status.value.kind} id="export-status">
          {status.value.text}
        </Notice>
      )}
    </div>
  );
}

const unrankedLabel = (row: Row) => {
  const m = messages(dashboard);
  return row.unranked === 'insufficientSample' ? m.insufficientSample : row.unranked === 'noCompositeScore' ? m.noCompositeScore : m.notRanked;
};

/**
 * The ranking as a horizontal bar chart — ranked units first by rank, then the unranked in grey — and as a
 * table with rank, N, 满意率 and its interval, and the composite score (or the chosen group's score and N).
 */
function Ranking({ rows, group, groupName }: { rows: Row[]; group: string; groupName: (id: string) => string }) {
  const m = messages(dashboard);
  const charted = rows.filter((r) => r.tally);
  const groupLabel = group ? groupName(group) : '';
  const option = useMemo<ChartOption>(() => {
    const names = charted.map((r) => local(r.unit.name));
    const valueOf = (r: Row) => (group ? round1(r.tally!.groupScores[group]?.score) : percentOf(r.tally!.satisfactionRate));
    const intervals = group
      ? []
      : charted.flatMap((r, i) => {
          const ci = r.tally!.satisfactionInterval;
          return ci ? [[percentOf(ci.low)!, percentOf(ci.high)!, i]] : [];
        });
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 8, bottom: 24, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: group ? '{value}' : '{value}%' } },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 110, overflow: 'truncate' } },
      series: [
        {
          name: m.rankingHeading,
          type: 'bar',
          barGap: '-100%',
          barMaxWidth: 22,
          itemStyle: { color: COLOR.ranked },
          data: charted.map((r) => (r.rank !== null ? valueOf(r) : null)),
        },
        {
          name: m.notRanked,
          type: 'bar',
          barGap: '-100%',
          barMaxWidth: 22,
          itemStyle: { color: COLOR.unranked },
          data: charted.map((r) => (r.rank === null ? valueOf(r) : null)),
        },
        {
          name: m.colRate,
          type: 'custom',
          encode: { x: [0, 1], y: 2 },
          data: intervals,
          z: 10,
          tooltip: { show: false },
          renderItem: (_params, api) => {
            const y = api.value(2);
            const low = api.coord([api.value(0), y]);
            const high = api.coord([api.value(1), y]);
            const cap = Math.min(10, (api.size!([0, 1]) as number[])[1]! * 0.4);
            const style = { stroke: COLOR.interval, lineWidth: 1.5, fill: 'none' };
            return {
              type: 'group',
              children: [
                { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
                { type: 'line', shape: { x1: low[0], y1: low[1]! - cap / 2, x2: low[0], y2: low[1]! + cap / 2 }, style },
                { type: 'line', shape: { x1: high[0], y1: high[1]! - cap / 2, x2: high[0], y2: high[1]! + cap / 2 }, style },
              ],
            };
          },
        },
      ],
    };
  }, [rows, group, lang.value]);
  const label = group ? m.groupChartLabel({ units: charted.length, group: groupLabel }) : m.rateChartLabel({ units: charted.length });
  return (
    <section aria-labelledby="ranking-heading">
      <h2 id="ranking-heading">{m.rankingHeading}</h2>
      {charted.length > 0 && (
        <>
          {/* One row of bars per unit: the box grows with the units (classes in steps, no inline style). */}
          <Chart id="ranking-chart" class={`chart-bars chart-rows-${Math.min(40, Math.max(3, charted.length))}`} option={option} label={label} />
          <p class="muted small">{group ? m.groupChartNote({ group: groupLabel }) : m.rateChartNote}</p>
        </>
      )}
      <ScrollTable id="ranking-table" caption={m.rankingTableLabel}>
        <thead>
          <tr>
            <th scope="col" class="num">
              {m.colRank}
            </th>
            <th scope="col">{m.colUnit}</th>
            <th scope="col" class="num">
              {m.colN}
            </th>
            <th scope="col" class="num">
              {m.colRate}
            </th>
            <th scope="col" class="num">
              {m.colScore}
            </th>
            {group && (
              <>
                <th scope="col" class="num">
                  {m.colGroupN({ group: groupLabel })}
                </th>
                <th scope="col" class="num">
                  {m.colGroupScore({ group: groupLabel })}
                </th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const t = row.tally;
            const g = group ? t?.groupScores[group] : undefined;
            return (
              <tr key={row.unit.unitId} data-unit-id={row.unit.unitId} class={row.rank === null ? 'unranked' : undefined}>
                <td class="num" data-col="rank">
                  {row.rank ?? <span class="muted">{unrankedLabel(row)}</span>}
                </td>
                <th scope="row">{local(row.unit.name)}</th>
                <td class="num" data-col="n">
                  {t ? t.n : m.none}
                </td>
                <td class="num" data-col="satisfactionRate">
                  {t?.satisfactionRate == null ? (
                    m.none
                  ) : (
                    <>
                      {formatPercent(t.satisfactionRate)}
                      {t.satisfactionInterval && (
                        <span class="interval">
                          {formatPercent(t.satisfactionInterval.low)}–{formatPercent(t.satisfactionInterval.high)}
                        </span>
                      )}
                    </>
                  )}
                </td>
                <td class="num" data-col="compositeScore">
                  {t?.compositeScore == null ? m.none : formatScore(t.compositeScore)}
                </td>
                {group && (
                  <>
                    <td class="num" data-col="groupN">
                      {g ? g.n : 0}
                    </td>
                    <td class="num" data-col="groupScore">
                      {g ? formatScore(g.score) : m.none}
                    </td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </ScrollTable>
    </section>
  );
}

/** Each unit's score and N per dimension. */
function Dimensions({ report, rows }: { report: TallyReport; rows: Row[] }) {
  const m = messages(dashboard);
  if (report.dimensions.length === 0) return null;
  return (
    <section aria-labelledby="dimensions-heading">
      <h2 id="dimensions-heading">{m.dimensionsHeading}</h2>
      <ScrollTable id="dimensions-table" caption={m.dimensionsTableLabel}>
        <thead>
          <tr>
            <th scope="col">{m.colUnit}</th>
            {report.dimensions.map((d) => (
              <th key={d.dimensionId} scope="col" class="num">
                {local(d.label)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows
            .filter((row) => row.tally)
            .map((row) => {
              const byId = new Map(row.tally!.dimensions.map((d) => [d.dimensionId, d]));
              return (
                <tr key={row.unit.unitId} data-unit-id={row.unit.unitId}>
                  <th scope="row">{local(row.unit.name)}</th>
                  {report.dimensions.map((d) => {
                    const dt = byId.get(d.dimensionId);
                    return (
                      <td key={d.dimensionId} class="num" data-dimension-id={d.dimensionId}>
                        {dt?.score == null ? m.none : formatScore(dt.score)}
                        {dt && <span class="interval">N {dt.n}</span>}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
        </tbody>
      </ScrollTable>
    </section>
  );
}

/** Each unit's score and N per respondent group (only the chosen group when one is). */
function Groups({ report, rows, group, groupName }: { report: TallyReport; rows: Row[]; group: string; groupName: (id: string) => string }) {
  const m = messages(dashboard);
  const groups = report.groups.filter((g) => !group || g.groupId === group);
  if (groups.length === 0) return null;
  return (
    <section aria-labelledby="groups-heading">
      <h2 id="groups-heading">{m.groupsHeading}</h2>
      <ScrollTable id="groups-table" caption={m.groupsTableLabel}>
        <thead>
          <tr>
            <th scope="col">{m.colUnit}</th>
            {groups.map((g) => (
              <th key={g.groupId} scope="col" class="num">
                {groupName(g.groupId)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows
            .filter((row) => row.tally)
            .map((row) => (
              <tr key={row.unit.unitId} data-unit-id={row.unit.unitId}>
                <th scope="row">{local(row.unit.name)}</th>
                {groups.map((g) => {
                  const s = row.tally!.groupScores[g.groupId];
                  return (
                    <td key={g.groupId} class="num" data-group-id={g.groupId}>
                      {s ? formatScore(s.score) : m.none}
                      {s && <span class="interval">N {s.n}</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}

/**
 * The chosen units' composite score (or the chosen group's score) day by day within the period, and period
 * by period, each as a line chart and a table.
 */
function Trends({
  rows,
  units,
  snapshots,
  periodTrend,
  group,
  groupName,
}: {
  rows: Row[];
  units: string[];
  snapshots: SnapshotList | undefined;
  periodTrend: PeriodTrend | undefined;
  group: string;
  groupName: (id: string) => string;
}) {
  const m = messages(dashboard);
  if (units.length === 0) return null;
  if (!snapshots || !periodTrend) return <Loading />;
  const nameOf = (unitId: string) => {
    const row = rows.find((r) => r.unit.unitId === unitId);
    return row ? local(row.unit.name) : unitId;
  };
  const measure = group ? m.measureGroup({ group: groupName(group) }) : m.measureScore;
  const valueOf = (s: UnitSnapshot | undefined) => (s ? round1(group ? s.groupScores[group]?.score : s.compositeScore) : null);
  const days = snapshots.days.map((d) => d.day);
  const byDay = snapshots.units.map((u) => ({ unitId: u.unitId, at: new Map(u.snapshots.map((s) => [s.day, s])) }));
  const periodNames = periodTrend.periods.map((p) => local(p.period.name));
  const byPeriod = units.map((unitId) => ({ unitId, at: periodTrend.periods.map((p) => p.units.find((s) => s.unitId === unitId)) }));
  const dayLabel = (day: string) => formatDate(`${day}T12:00:00+08:00`);

  const lines = (categories: string[], series: { unitId: string; values: (number | null)[] }[]): ChartOption => ({
    animation: false,
    color: LINE_COLORS,
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { type: 'plain', top: 0 },
    xAxis: { type: 'category', data: categories, boundaryGap: false },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: series.map((s) => ({ name: nameOf(s.unitId), type: 'line', connectNulls: false, showSymbol: true, symbolSize: 7, data: s.values })),
  });

  const dailyOption = lines(
    days.map(dayLabel),
    byDay.map((u) => ({ unitId: u.unitId, values: days.map((d) => valueOf(u.at.get(d))) })),
  );
  const periodOption = lines(
    periodNames,
    byPeriod.map((u) => ({ unitId: u.unitId, values: u.at.map((s) => valueOf(s)) })),
  );

  return (
    <>
      <h3 id="daily-heading">{m.dailyHeading}</h3>
      {days.length === 0 ? (
        <p class="muted" id="no-snapshots">
          {m.noSnapshots}
        </p>
      ) : (
        <>
          <Chart id="daily-chart" class="chart-lines" option={dailyOption} label={m.dailyChartLabel({ measure, days: days.length })} />
          <TrendTable
            id="daily-table"
            head={m.colDay}
            categories={snapshots.days.map((d) => ({ key: d.day, label: dayLabel(d.day), title: formatDateTime(d.computedAt) }))}
            units={byDay.map((u) => ({ unitId: u.unitId, name: nameOf(u.unitId), values: days.map((d) => valueOf(u.at.get(d))) }))}
          />
        </>
      )}
      <h3 id="periods-heading">{m.periodsHeading}</h3>
      {periodTrend.periods.length === 0 ? (
        <p class="muted">{m.noPeriodTrend}</p>
      ) : (
        <>
          <Chart id="periods-chart" class="chart-lines" option={periodOption} label={m.periodsChartLabel({ measure, periods: periodNames.length })} />
          <TrendTable
            id="periods-table"
            head={m.colPeriod}
            categories={periodTrend.periods.map((p, i) => ({ key: p.period.periodId, label: periodNames[i]!, title: undefined }))}
            units={byPeriod.map((u) => ({ unitId: u.unitId, name: nameOf(u.unitId), values: u.at.map((s) => valueOf(s)) }))}
          />
        </>
      )}
    </>
  );
}

/** A trend's numbers: a row per day (or period), a column per unit, behind a disclosure. */
function TrendTable({
  id,
  head,
  categories,
  units,
}: {
  id: string;
  head: string;
  categories: { key: string; label: string; title: string | undefined }[];
  units: { unitId: string; name: string; values: (number | null)[] }[];
}) {
  const m = messages(dashboard);
  return (
    <details class="trend-table">
      <summary>{m.asTable}</summary>
      <div class="table-scroll" role="region" aria-label={head} tabIndex={0}>
        <table id={id}>
          <thead>
            <tr>
              <th scope="col">{head}</th>
              {units.map((u) => (
                <th key={u.unitId} scope="col" class="num">
                  {u.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => (
              <tr key={c.key} data-key={c.key}>
                <th scope="row" title={c.title}>
                  {c.label}
                </th>
                {units.map((u) => (
                  <td key={u.unitId} class="num" data-unit-id={u.unitId}>
                    {u.values[i] == null ? m.none : formatScore(u.values[i]!)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function Page() {
  const m = messages(dashboard);
  return (
    <StaffShell roles={SUPERVISORS} title={m.heading}>
      <Dashboard />
    </StaffShell>
  );
}

mount(<Page />);
