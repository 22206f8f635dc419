import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { CASE_KINDS, CASE_STATES, isOverdue, type CaseKind, type CaseListQuery, type CaseState } from '../../../../functions/domain/cases/case';
import { CASE_KIND_LABELS, CASE_KPI_LABELS, CASE_SOURCE_LABELS, CASE_STATE_LABELS } from '../../../../functions/domain/cases/messages';
import { cstParts } from '../../../../functions/domain/time-zone';
import { caseKpis, listCases } from '../../../../functions/routes/cases';
import { call } from '../../app/api';
import { FailureNotice, errorAt } from '../../app/components/fields';
import { FilterSelect } from '../../app/components/filter-select';
import { Loading, mount } from '../../app/components/frame';
import { ScrollTable } from '../../app/components/scroll-table';
import { StaffShell } from '../../app/components/staff-shell';
import { useLoad } from '../../app/components/use-load';
import { formatDateTime, formatPercent } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { staff } from '../../app/session';
import { casesStaff } from '../../messages/cases';
import { StateBadge, formatCstDay } from './case-views';
import { loadUnits, unitName, unitOptions } from './units';

/**
 * The staff cases page (来件办理, cases.html): a unit handler's inbox of their units' cases, or for
 * supervisors every case, filtered by state, unit, kind and overdue, with overdue cases marked; and for
 * supervisors the KPI panel (办结率 … 差评整改率), each KPI as its rate with numerator and denominator, for a
 * range of days of receipt, a unit and a kind. The API scopes what each person may list; the page only asks.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The CST day of an instant, `YYYY-MM-DD`. */
function cstDay(at: Date): string {
  const p = cstParts(at.toISOString());
  return `${p.year}-${p.month}-${p.day}`;
}

const isSupervisor = () => Boolean(staff.value?.roles.some((r) => r === 'supervisor' || r === 'admin'));

interface Filters {
  state: CaseState | '';
  unitId: string;
  kind: CaseKind | '';
  overdue: boolean;
}

const queryOf = (f: Filters): CaseListQuery => ({
  ...(f.state ? { state: f.state } : {}),
  ...(f.unitId ? { unitId: f.unitId } : {}),
  ...(f.kind ? { kind: f.kind } : {}),
  ...(f.overdue ? { overdue: 'true' as const } : {}),
});

function CaseList() {
  const m = messages(casesStaff);
  const filters = useSignal<Filters>({ state: '', unitId: '', kind: '', overdue: false });
  const { data: cases, failure, busy, load } = useLoad(async () => (await call(listCases, { query: queryOf(filters.value) })).cases);

  const f = filters.value;
  const fields = failure.value?.fields ?? {};
  const set = (patch: Partial<Filters>) => (filters.value = { ...filters.value, ...patch });
  const now = new Date();
  const list = cases.value;
  return (
    <section aria-labelledby="cases-heading" class="cases-section">
      <h2 id="cases-heading">{m.listHeading}</h2>
      <form
        id="case-filters"
        class="toolbar case-filters"
        aria-label={m.filtersLegend}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <FilterSelect
          id="filter-state"
          label={m.filterState}
          anyLabel={m.filterAny}
          value={f.state}
          options={CASE_STATES.map((s) => ({ value: s, label: local(CASE_STATE_LABELS[s]) }))}
          onChange={(v) => set({ state: v as CaseState | '' })}
          error={errorAt(fields, 'state')}
        />
        <FilterSelect id="filter-unit" label={m.filterUnit} anyLabel={m.filterAny} value={f.unitId} options={unitOptions(isSupervisor())} onChange={(v) => set({ unitId: v })} error={errorAt(fields, 'unitId')} />
        <FilterSelect
          id="filter-kind"
          label={m.filterKind}
          anyLabel={m.filterAny}
          value={f.kind}
          options={CASE_KINDS.map((k) => ({ value: k, label: local(CASE_KIND_LABELS[k]) }))}
          onChange={(v) => set({ kind: v as CaseKind | '' })}
          error={errorAt(fields, 'kind')}
        />
        <label class="choice">
          <input type="checkbox" id="filter-overdue" checked={f.overdue} onChange={(e) => set({ overdue: (e.currentTarget as HTMLInputElement).checked })} />
          <span>{m.filterOverdue}</span>
        </label>
        <button type="submit" class="secondary" id="filter-apply" disabled={busy.value}>
          {m.apply}
        </button>
      </form>
      {failure.value && <FailureNotice id="cases-failure" failure={failure.value} placed={['state', 'unitId', 'kind']} onReload={() => void load()} />}
      {!list ? (
        !failure.value && <Loading />
      ) : list.length === 0 ? (
        <p id="cases-none">{m.noCases}</p>
      ) : (
        <ScrollTable id="cases-table" class="cases-table" captionId="cases-caption" caption={m.casesCaption({ count: list.length })}>
          <thead>
            <tr>
              <th scope="col">{m.colNumber}</th>
              <th scope="col">{m.colKind}</th>
              <th scope="col">{m.colUnit}</th>
              <th scope="col">{m.colState}</th>
              <th scope="col">{m.colReceived}</th>
              <th scope="col">{m.colDue}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((c) => {
              const late = isOverdue(c, now);
              return (
                <tr key={c.caseId} data-case-id={c.caseId} data-tracking-number={c.trackingNumber} data-state={c.state} class={late ? 'overdue' : undefined}>
                  <th scope="row">
                    <a href={`case.html?id=${encodeURIComponent(c.caseId)}`}>{c.trackingNumber}</a>
                  </th>
                  <td>
                    {local(CASE_KIND_LABELS[c.kind])}
                    {c.source !== 'complaint' && <span class="muted small block">{local(CASE_SOURCE_LABELS[c.source])}</span>}
                  </td>
                  <td>{c.unitId ? unitName(c.unitId) : m.noUnit}</td>
                  <td>
                    <StateBadge state={c.state} />
                  </td>
                  <td>{formatDateTime(c.receivedAt)}</td>
                  <td data-col="due">
                    {formatCstDay(c.dueDate)}
                    {late && <span class="badge badge-overdue">{m.overdue}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </ScrollTable>
      )}
    </section>
  );
}

function KpiPanel() {
  const m = messages(casesStaff);
  const today = new Date();
  const range = useSignal({ from: cstDay(new Date(today.getTime() - 29 * DAY_MS)), to: cstDay(today), unitId: '', kind: '' as CaseKind | '' });
  const { data: report, failure, busy, load } = useLoad(() => {
    const r = range.value;
    return call(caseKpis, { query: { from: r.from, to: r.to, ...(r.unitId ? { unitId: r.unitId } : {}), ...(r.kind ? { kind: r.kind } : {}) } });
  });

  const r = range.value;
  const fields = failure.value?.fields ?? {};
  const set = (patch: Partial<typeof r>) => (range.value = { ...range.value, ...patch });
  const rep = report.value;
  const dateField = (id: string, key: 'from' | 'to', label: string) => {
    const error = errorAt(fields, key);
    return (
      <div class="field">
        <label for={id}>{label}</label>
        <input id={id} type="date" value={r[key]} required aria-describedby={`${id}-error`} aria-invalid={Boolean(error)} onInput={(e) => set({ [key]: (e.currentTarget as HTMLInputElement).value })} />
        <p id={`${id}-error`} class="field-error" hidden={!error}>
          {error ?? ''}
        </p>
      </div>
    );
  };
  return (
    <section aria-labelledby="kpi-heading" class="panel kpi-panel" id="kpi-panel">
      <h2 id="kpi-heading">{m.kpiHeading}</h2>
      <p class="muted small">{m.kpiIntro}</p>
      <form
        id="kpi-form"
        class="toolbar"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        {dateField('kpi-from', 'from', m.kpiFrom)}
        {dateField('kpi-to', 'to', m.kpiTo)}
        <FilterSelect id="kpi-unit" label={m.filterUnit} anyLabel={m.filterAny} value={r.unitId} options={unitOptions(isSupervisor())} onChange={(v) => set({ unitId: v })} error={errorAt(fields, 'unitId')} />
        <FilterSelect
          id="kpi-kind"
          label={m.filterKind}
          anyLabel={m.filterAny}
          value={r.kind}
          options={CASE_KINDS.map((k) => ({ value: k, label: local(CASE_KIND_LABELS[k]) }))}
          onChange={(v) => set({ kind: v as CaseKind | '' })}
          error={errorAt(fields, 'kind')}
        />
        <button type="submit" class="secondary" id="kpi-show" disabled={busy.value}>
          {m.kpiShow}
        </button>
      </form>
      {failure.value && <FailureNotice id="kpi-failure" failure={failure.value} placed={['from', 'to', 'unitId', 'kind']} onReload={() => void load()} />}
      {!rep ? (
        !failure.value && <Loading />
      ) : (
        <ScrollTable id="kpi-table" class="kpi-table" data-cases={rep.cases} captionId="kpi-caption" caption={m.kpiCaption({ from: formatCstDay(rep.from), to: formatCstDay(rep.to), count: rep.cases })}>
          <thead>
            <tr>
              <th scope="col">{m.colKpi}</th>
              <th scope="col">{m.colRate}</th>
              <th scope="col">{m.colFraction}</th>
            </tr>
          </thead>
          <tbody>
            {rep.kpis.map((k) => (
              <tr key={k.key} data-kpi={k.key}>
                <th scope="row">{local(CASE_KPI_LABELS[k.key])}</th>
                <td data-col="rate">{k.rate === null ? m.noRate : formatPercent(k.rate)}</td>
                <td>
                  <span data-col="numerator">{k.numerator}</span> / <span data-col="denominator">{k.denominator}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </section>
  );
}

function Inbox() {
  const m = messages(casesStaff);
  useEffect(() => loadUnits(), []);
  const supervisor = isSupervisor();
  return (
    <>
      <h1>{m.inboxTitle}</h1>
      <p class="muted">{supervisor ? m.inboxIntroSupervisor : m.inboxIntroHandler}</p>
      {supervisor && <KpiPanel />}
      <CaseList />
    </>
  );
}

function Page() {
  const m = messages(casesStaff);
  return (
    <StaffShell roles={['supervisor', 'admin', 'unitHandler']} title={m.inboxTitle}>
      <Inbox />
    </StaffShell>
  );
}

mount(<Page />);
