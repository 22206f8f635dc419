import { useSignal, type Signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { DONT_KNOW, RATING_LEVELS, ratingLabel } from '../../../../functions/domain/evaluation/rating-scale';
import type { ExclusionReason, Tally } from '../../../../functions/domain/evaluation/tally';
import type { TallyReport } from '../../../../functions/domain/evaluation/tally-report';
import { SUPERVISORS } from '../../../../functions/routes/route';
import { listTallies } from '../../../../functions/routes/evaluation';
import { call } from '../../app/api';
import { failureOf } from '../../app/components/fields';
import { Loading, mount } from '../../app/components/frame';
import { LoadFailed } from '../../app/components/load-failed';
import { ScrollTable } from '../../app/components/scroll-table';
import { StaffShell } from '../../app/components/staff-shell';
import { formatDateTime, formatPercent, formatScore } from '../../app/format';
import { PeriodField, usePeriodChoice } from '../../app/periods';
import { lang, local, messages } from '../../app/i18n';
import { tallies } from '../../messages/tallies';
import { ReviewPanels } from '../review/review-panels';
import { TallyDownloadButtons, TallyDownloadStatus, useTallyDownload } from './tally-downloads';

/**
 * The supervisors' results page (评议统计与复核): a period picked (kept in the URL as `?period=`), the units
 * in their ranking (ranked by composite score, then the unranked with why), each unit's tally with its N —
 * 满意率 with its 95% interval, the composite score and its weight coverage, bad reviews, every stored
 * response either counted or not counted with its reason (stored = counted + excluded, shown per unit) — a
 * per-unit breakdown by dimension and by respondent group, the last run of the scheduled tally, the report
 * as CSV or XLSX; and under it review: flagged batches, appeals and their record.
 */

type Row = TallyReport['rows'][number];

/** Exclusions by reason as one phrase: `不在评议期内 2、无法读取 1`. */
function reasonsText(excluded: Partial<Record<ExclusionReason, number>>): string {
  const labels = messages(tallies).exclusionLabels;
  return (Object.keys(labels) as ExclusionReason[])
    .filter((r) => excluded[r])
    .map((r) => `${labels[r]} ${excluded[r]}`)
    .join(lang.value === 'en' ? ', ' : '、');
}

const sum = (counts: Partial<Record<string, number>>) => Object.values(counts).reduce<number>((a, n) => a + (n ?? 0), 0);

function Rate({ rate, interval }: { rate: number | null; interval: { low: number; high: number } | null }) {
  if (rate === null) return <>{messages(tallies).none}</>;
  return (
    <>
      {formatPercent(rate)}
      {interval && (
        <span class="interval">
          {formatPercent(interval.low)}–{formatPercent(interval.high)}
        </span>
      )}
    </>
  );
}

function Results() {
  const m = messages(tallies);
  const report = useSignal<TallyReport | undefined>(undefined);
  const loading = useSignal(false);
  const problem = useSignal<string | undefined>(undefined);
  const { periods, periodId, load: loadPeriods } = usePeriodChoice(problem, () => loadReport());
  const downloads = useTallyDownload();
  const open = useSignal<ReadonlySet<string>>(new Set());

  const loadReport = async () => {
    if (!periodId.value) return;
    loading.value = true;
    problem.value = undefined;
    try {
      const got = await call(listTallies, { params: { periodId: periodId.value } });
      // A slower answer for a period no longer chosen is dropped.
      if (got.period.periodId === periodId.value) report.value = got;
    } catch (err) {
      report.value = undefined;
      problem.value = failureOf(err).message;
    } finally {
      loading.value = false;
    }
  };

  useEffect(() => {
    void loadPeriods();
  }, []);

  if (!periods.value) {
    return (
      <>
        <h1>{m.heading}</h1>
        {problem.value ? <LoadFailed message={`${m.loadFailed} ${problem.value}`} retry={m.tryAgain} onRetry={() => void loadPeriods()} /> : <Loading />}
      </>
    );
  }
  const r = report.value;
  return (
    <>
      <h1>{m.heading}</h1>
      {periods.value.length === 0 ? (
        <p>{m.noPeriods}</p>
      ) : (
        <div class="toolbar">
          <PeriodField
            periods={periods.value}
            value={periodId.value}
            label={m.periodLabel}
            onPick={(id) => {
              periodId.value = id;
              report.value = undefined;
              open.value = new Set();
              downloads.status.value = undefined;
              void loadReport();
            }}
          />
          <div class="actions">
            <TallyDownloadButtons periodId={periodId.value} state={downloads} />
            <button type="button" class="secondary" id="refresh" disabled={!periodId.value || loading.value} onClick={() => void loadReport()}>
              {m.refresh}
            </button>
          </div>
          <TallyDownloadStatus state={downloads} />
        </div>
      )}
      {problem.value && <LoadFailed message={`${m.loadFailed} ${problem.value}`} retry={m.tryAgain} onRetry={() => void loadReport()} />}
      {r ? <ReportView report={r} open={open} busy={loading.value} /> : loading.value && <Loading />}
      {periodId.value && (
        <ReviewPanels
          key={periodId.value}
          periodId={periodId.value}
          unitName={(unitId) => {
            const row = report.value?.rows.find((x) => x.unit.unitId === unitId);
            return row ? local(row.unit.name) : unitId;
          }}
          onDecided={() => void loadReport()}
        />
      )}
    </>
  );
}

function ReportView({ report, open, busy }: { report: TallyReport; open: Signal<ReadonlySet<string>>; busy: boolean }) {
  const m = messages(tallies);
  const { period, run } = report;
  const groupName = (groupId: string) => {
    const g = report.groups.find((x) => x.groupId === groupId);
    return g ? local(g.name) : groupId;
  };
  const weights = Object.entries(period.groupWeights)
    .map(([g, w]) => `${groupName(g)} ${formatPercent(w)}`)
    .join(lang.value === 'en' ? ', ' : '、');
  const label = m.tableLabel({ period: local(period.name) });
  const wholeExcluded = run ? sum(run.excluded) : 0;
  return (
    <section class="report" aria-labelledby="report-heading" aria-busy={busy}>
      <div class="report-meta">
        <h2 id="report-heading">{local(period.name)}</h2>
        <p class="muted small">{m.window({ opens: formatDateTime(period.opensAt), closes: formatDateTime(period.closesAt) })}</p>
        <p id="last-run" class={run ? undefined : 'notice notice-info'}>
          {run ? m.lastRun({ at: formatDateTime(run.computedAt), ballots: run.ballots, units: run.units }) : m.notRunYet}
          {run && wholeExcluded > 0 && <> {m.lastRunExcluded({ count: wholeExcluded, reasons: reasonsText(run.excluded) })}</>}
        </p>
        <p class="muted small">{m.minSample({ min: period.minSample })}</p>
        <p class="muted small" id="rank-rule">
          {m.rankRule}
        </p>
        <p class="muted small">{m.storedRule}</p>
        {weights && <p class="muted small">{m.weights({ weights })}</p>}
      </div>
      <p class="muted small scroll-hint">{m.scrollHint}</p>
      <ScrollTable id="tally-table" caption={label}>
        <thead>
          <tr>
            <th scope="col">{m.colUnit}</th>
            <th scope="col" class="num">
              {m.colRank}
            </th>
            <th scope="col" class="num">
              {m.colScore}
            </th>
            <th scope="col" class="num">
              {m.colRate}
            </th>
            <th scope="col" class="num">
              {m.colN}
            </th>
            <th scope="col" class="num">
              {m.colBad}
            </th>
            <th scope="col" class="num">
              {m.colDontKnow}
            </th>
            <th scope="col" class="num">
              {m.colStored}
            </th>
            <th scope="col">{m.colExcluded}</th>
          </tr>
        </thead>
        {report.rows.map((row) => (
          <UnitRows
            key={row.unit.unitId}
            row={row}
            tied={row.rank !== null && report.rows.some((x) => x !== row && x.rank === row.rank)}
            open={open}
            groupName={groupName}
            weights={period.groupWeights}
          />
        ))}
      </ScrollTable>
    </section>
  );
}

const COLUMNS = 9;

/**
 * A unit's row, and below it the breakdown it opens: one tbody per unit keeps the two together. Its rank
 * (shared with `tied` others) stands beside its composite score and its 满意率 with the 95% interval.
 */
function UnitRows({
  row: { unit, tally, rank, unranked },
  tied,
  open,
  groupName,
  weights,
}: {
  row: Row;
  tied: boolean;
  open: Signal<ReadonlySet<string>>;
  groupName: (id: string) => string;
  weights: Record<string, number>;
}) {
  const m = messages(tallies);
  const expanded = open.value.has(unit.unitId);
  const detailId = `detail-${unit.unitId}`;
  const toggle = () => {
    const next = new Set(open.value);
    if (expanded) next.delete(unit.unitId);
    else next.add(unit.unitId);
    open.value = next;
  };
  const name = local(unit.name);
  const unitCell = (
    <th scope="row" data-col="unit">
      <span class="unit-name">{name}</span>
      {unit.status === 'retired' && <span class="badge">{m.retired}</span>}
      {unranked === 'insufficientSample' && <span class="badge badge-warn">{m.insufficientSample}</span>}
      {unranked === 'noCompositeScore' && <span class="badge badge-warn">{m.noCompositeScore}</span>}
      {tally && (
        <button type="button" class="link-button" aria-expanded={expanded} aria-controls={detailId} onClick={toggle}>
          {m.details}
          <span class="visually-hidden"> {name}</span>
        </button>
      )}
    </th>
  );
  if (!tally) {
    return (
      <tbody data-unit-id={unit.unitId}>
        <tr>
          {unitCell}
          <td colSpan={COLUMNS - 1} class="muted">
            {m.noTally}
          </td>
        </tr>
      </tbody>
    );
  }
  const excluded = sum(tally.excluded);
  return (
    <tbody data-unit-id={unit.unitId} class={tally.insufficientSample ? 'insufficient' : undefined}>
      <tr>
        {unitCell}
        <td class="num" data-col="rank" data-rank={rank ?? ''}>
          {rank === null ? <span class="muted">{m.notRanked}</span> : rank}
          {tied && <span class="interval">{m.tied}</span>}
        </td>
        <td class="num" data-col="compositeScore">
          {tally.compositeScore === null ? m.none : formatScore(tally.compositeScore)}
          {tally.compositeScore !== null && tally.weightCoverage < 1 && <span class="interval">{m.coverage({ pct: formatPercent(tally.weightCoverage) })}</span>}
        </td>
        <td class="num" data-col="satisfactionRate">
          <Rate rate={tally.satisfactionRate} interval={tally.satisfactionInterval} />
        </td>
        <td class="num" data-col="n">
          {tally.n}
        </td>
        <td class="num" data-col="badReviews">
          {tally.badReviews}
        </td>
        <td class="num" data-col="dontKnow">
          {tally.dontKnow}
        </td>
        {/* Counted = N + 不了解 throughout, read from the tally rather than derived, so the sum is a check that shows. */}
        <td class="num" data-col="stored" data-stored={tally.ballots} data-counted={tally.n + tally.dontKnow} data-excluded={excluded}>
          {m.storedSum({ stored: tally.ballots, counted: tally.n + tally.dontKnow, excluded })}
        </td>
        <td data-col="excluded">
          {excluded === 0 ? '0' : lang.value === 'en' ? `${excluded} (${reasonsText(tally.excluded)})` : `${excluded}（${reasonsText(tally.excluded)}）`}
        </td>
      </tr>
      <tr id={detailId} class="detail" hidden={!expanded}>
        <td colSpan={COLUMNS}>{expanded && <Detail name={name} tally={tally} groupName={groupName} weights={weights} />}</td>
      </tr>
    </tbody>
  );
}

/** A unit's figures per level, per dimension and per respondent group, each with its N. */
function Detail({ name, tally, groupName, weights }: { name: string; tally: Tally; groupName: (id: string) => string; weights: Record<string, number> }) {
  const m = messages(tallies);
  const levels = RATING_LEVELS.filter((l) => tally.counts[l] !== undefined);
  const dimensionDontKnow = tally.dimensions.reduce((a, d) => a + d.dontKnow, 0);
  return (
    <div class="unit-detail" role="region" aria-label={m.detailsOf({ unit: name })} tabIndex={0}>
      <p class="small">
        {m.ratings({ n: tally.ratings })}
        {levels.length > 0 && '：'}
        {levels.map((l, i) => (
          <span key={l} data-level={l}>
            {i > 0 && (lang.value === 'en' ? ', ' : '、')}
            {ratingLabel(l, lang.value)} {tally.counts[l]}
          </span>
        ))}
        {dimensionDontKnow > 0 && `${lang.value === 'en' ? ', ' : '、'}${ratingLabel(DONT_KNOW, lang.value)} ${dimensionDontKnow}`}
      </p>
      <p class="small">{m.dontKnowBallots({ n: tally.dontKnow })}</p>
      {tally.dimensions.length > 0 && (
        <table class="sub-table dimensions-table">
          <caption>{m.dimensionsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.colDimension}</th>
              <th scope="col" class="num">
                N
              </th>
              <th scope="col" class="num">
                {m.colRate}
              </th>
              <th scope="col" class="num">
                {m.colScore}
              </th>
              <th scope="col" class="num">
                {m.colDontKnow}
              </th>
            </tr>
          </thead>
          <tbody>
            {tally.dimensions.map((d) => (
              <tr key={d.dimensionId} data-dimension-id={d.dimensionId}>
                <th scope="row">{local(d.label)}</th>
                <td class="num" data-col="n">
                  {d.n}
                </td>
                <td class="num" data-col="satisfactionRate">
                  <Rate rate={d.satisfactionRate} interval={d.satisfactionInterval} />
                </td>
                <td class="num" data-col="score">
                  {d.score === null ? m.none : formatScore(d.score)}
                </td>
                <td class="num" data-col="dontKnow">
                  {d.dontKnow}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {Object.keys(tally.groupScores).length > 0 && (
        <table class="sub-table groups-table">
          <caption>{m.groupsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.colGroup}</th>
              <th scope="col" class="num">
                N
              </th>
              <th scope="col" class="num">
                {m.colScore}
              </th>
              <th scope="col" class="num">
                {m.colWeight}
              </th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(tally.groupScores).map(([groupId, g]) => (
              <tr key={groupId} data-group-id={groupId}>
                <th scope="row">{groupName(groupId)}</th>
                <td class="num" data-col="n">
                  {g.n}
                </td>
                <td class="num" data-col="score">
                  {formatScore(g.score)}
                </td>
                <td class="num" data-col="weight">
                  {weights[groupId] === undefined ? m.none : formatPercent(weights[groupId])}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Supervisor() {
  const m = messages(tallies);
  return (
    <StaffShell roles={SUPERVISORS} title={m.heading}>
      <Results />
    </StaffShell>
  );
}

mount(<Supervisor />);
