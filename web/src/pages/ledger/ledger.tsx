import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { LEDGER_LEVELS, LEDGER_STATES, isLedgerOverdue, type LedgerLevel, type LedgerListQuery, type LedgerState } from '../../../../functions/domain/ledger/ledger';
import { LEDGER_LEVEL_LABELS, LEDGER_STATE_LABELS } from '../../../../functions/domain/ledger/messages';
import type { LedgerList } from '../../../../functions/domain/ledger/progress';
import { exportLedger, listLedger } from '../../../../functions/routes/ledger';
import { call, download } from '../../app/api';
import { FailureNotice, errorAt, failureOf } from '../../app/components/fields';
import { FilterSelect } from '../../app/components/filter-select';
import { Loading, Notice, mount } from '../../app/components/frame';
import { ScrollTable } from '../../app/components/scroll-table';
import { StaffShell } from '../../app/components/staff-shell';
import { useLoad } from '../../app/components/use-load';
import { saveFile } from '../../app/files';
import { formatPercent } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { ledgerStaff } from '../../messages/ledger';
import { formatCstDay } from '../cases/case-views';
import { loadUnits, unitName, unitOptions } from '../cases/units';
import { ImportLedger } from './import';
import { LedgerStateBadge, categories, categoryName, isSupervisor, loadCategories } from './ledger-views';
import { NewLedgerItem } from './new-item';

/**
 * The rectification ledger page (整改台账, ledger.html): the views — by level, unit, category, owner and
 * state, and the overdue items — with the view's progress (整改完成率 with its numerator and denominator,
 * items by state, overdue), the view exported as XLSX in the import template's shape, and for supervisors
 * the import from XLSX with its row-by-row check. A unit handler sees their units' items, supervisors every
 * item: the API scopes what each person may list; the page only asks. A problem found is entered here too (查摆登记).
 */

interface Filters {
  level: LedgerLevel | '';
  unitId: string;
  category: string;
  owner: string;
  state: LedgerState | '';
  overdue: boolean;
}

const EMPTY_FILTERS: Filters = { level: '', unitId: '', category: '', owner: '', state: '', overdue: false };

const queryOf = (f: Filters): LedgerListQuery => ({
  ...(f.level ? { level: f.level } : {}),
  ...(f.unitId ? { unitId: f.unitId } : {}),
  ...(f.category ? { category: f.category } : {}),
  ...(f.owner.trim() ? { owner: f.owner.trim() } : {}),
  ...(f.state ? { state: f.state } : {}),
  ...(f.overdue ? { overdue: 'true' as const } : {}),
});

/** 整改完成率 with its numerator and denominator, the overdue count, and the items by state. */
function ProgressPanel({ list }: { list: LedgerList }) {
  const m = messages(ledgerStaff);
  const p = list.progress;
  return (
    <section aria-labelledby="progress-heading" class="panel ledger-progress" id="ledger-progress">
      <h2 id="progress-heading">{m.progressHeading}</h2>
      <p class="muted small">{m.progressIntro}</p>
      <dl class="ledger-figures">
        <div data-figure="completion">
          <dt>{m.completionRate}</dt>
          <dd>
            <span class="figure" id="completion-rate">
              {p.completionRate === null ? m.completionNone : formatPercent(p.completionRate)}
            </span>
            <span class="block small" id="completion-fraction" data-numerator={p.completed} data-denominator={p.ledgered}>
              {m.completionFraction({ completed: p.completed, ledgered: p.ledgered })}
            </span>
          </dd>
        </div>
        <div data-figure="overdue">
          <dt>{m.overdueCount}</dt>
          <dd>
            <span class="figure" id="overdue-count">
              {p.overdue}
            </span>
          </dd>
        </div>
        <div data-figure="total">
          <dt>{m.totalCount}</dt>
          <dd>
            <span class="figure" id="total-count">
              {p.total}
            </span>
          </dd>
        </div>
      </dl>
      <ScrollTable id="by-state" class="ledger-by-state" captionId="by-state-caption" caption={m.byStateCaption}>
        <thead>
          <tr>
            <th scope="col">{m.colState}</th>
            <th scope="col">{m.colCount}</th>
          </tr>
        </thead>
        <tbody>
          {LEDGER_STATES.map((s) => (
            <tr key={s} data-state={s}>
              <th scope="row">{local(LEDGER_STATE_LABELS[s])}</th>
              <td data-col="count">{p.byState[s]}</td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}

function Ledger() {
  const m = messages(ledgerStaff);
  const filters = useSignal<Filters>(EMPTY_FILTERS);
  // The filters of the view shown: what an export exports, whatever was changed in the form since.
  const shown = useSignal<Filters>(EMPTY_FILTERS);
  const { data: list, failure, busy, load } = useLoad(async () => {
    const asked = filters.value;
    const found = await call(listLedger, { query: queryOf(asked) });
    shown.value = asked;
    return found;
  });
  const exporting = useSignal(false);
  const exportStatus = useSignal<{ kind: 'success' | 'error'; text: string } | undefined>(undefined);

  useEffect(() => {
    loadUnits();
    loadCategories();
  }, []);

  const onExport = async () => {
    exporting.value = true;
    exportStatus.value = undefined;
    try {
      const { blob, filename } = await download(exportLedger, { query: queryOf(shown.value) }, m.exportFile);
      saveFile(blob, filename);
      exportStatus.value = { kind: 'success', text: m.downloaded({ name: filename }) };
    } catch (err) {
      exportStatus.value = { kind: 'error', text: failureOf(err).message };
    } finally {
      exporting.value = false;
    }
  };

  const f = filters.value;
  const fields = failure.value?.fields ?? {};
  const set = (patch: Partial<Filters>) => (filters.value = { ...filters.value, ...patch });
  const supervisor = isSupervisor();
  const now = new Date();
  const items = list.value?.items;
  return (
    <>
      <h1>{m.ledgerTitle}</h1>
      <p class="muted">{supervisor ? m.introSupervisor : m.introHandler}</p>
      {list.value && <ProgressPanel list={list.value} />}
      <section aria-labelledby="ledger-heading" class="ledger-section">
        <h2 id="ledger-heading">{m.listHeading}</h2>
        <NewLedgerItem />
        <form
          id="ledger-filters"
          class="toolbar ledger-filters"
          aria-label={m.filtersLegend}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void load();
          }}
        >
          <FilterSelect
            id="filter-level"
            label={m.filterLevel}
            anyLabel={m.filterAny}
            value={f.level}
            options={LEDGER_LEVELS.map((l) => ({ value: l, label: local(LEDGER_LEVEL_LABELS[l]) }))}
            onChange={(v) => set({ level: v as LedgerLevel | '' })}
            error={errorAt(fields, 'level')}
          />
          <FilterSelect id="filter-unit" label={m.filterUnit} anyLabel={m.filterAny} value={f.unitId} options={unitOptions(isSupervisor())} onChange={(v) => set({ unitId: v })} error={errorAt(fields, 'unitId')} />
          <FilterSelect
            id="filter-category"
            label={m.filterCategory}
            anyLabel={m.filterAny}
            value={f.category}
            options={categories.value.map((c) => ({ value: c.id, label: local(c.name) }))}
            onChange={(v) => set({ category: v })}
            error={errorAt(fields, 'category')}
          />
          <div class="field">
            <label for="filter-owner">{m.filterOwner}</label>
            <input
              id="filter-owner"
              type="text"
              value={f.owner}
              aria-describedby="filter-owner-hint filter-owner-error"
              aria-invalid={Boolean(errorAt(fields, 'owner'))}
              onInput={(e) => set({ owner: (e.currentTarget as HTMLInputElement).value })}
            />
            <p id="filter-owner-hint" class="muted small">
              {m.filterOwnerHint}
            </p>
            <p id="filter-owner-error" class="field-error" hidden={!errorAt(fields, 'owner')}>
              {errorAt(fields, 'owner') ?? ''}
            </p>
          </div>
          <FilterSelect
            id="filter-state"
            label={m.filterState}
            anyLabel={m.filterAny}
            value={f.state}
            options={LEDGER_STATES.map((s) => ({ value: s, label: local(LEDGER_STATE_LABELS[s]) }))}
            onChange={(v) => set({ state: v as LedgerState | '' })}
            error={errorAt(fields, 'state')}
          />
          <label class="choice">
            <input type="checkbox" id="filter-overdue" checked={f.overdue} onChange={(e) => set({ overdue: (e.currentTarget as HTMLInputElement).checked })} />
            <span>{m.filterOverdue}</span>
          </label>
          <button type="submit" class="secondary" id="filter-apply" disabled={busy.value}>
            {m.apply}
          </button>
        </form>
        {failure.value && <FailureNotice id="ledger-failure" failure={failure.value} placed={['level', 'unitId', 'category', 'owner', 'state']} onReload={() => void load()} />}
        <div class="actions">
          <button type="button" class="secondary" id="export-view" disabled={exporting.value || !items} onClick={() => void onExport()}>
            {exporting.value ? m.exporting : m.exportView}
          </button>
        </div>
        {exportStatus.value && (
          <Notice kind={exportStatus.value.kind} id="export-status">
            {exportStatus.value.text}
          </Notice>
        )}
        {!items ? (
          !failure.value && <Loading />
        ) : items.length === 0 ? (
          <p id="ledger-none">{m.noItems}</p>
        ) : (
          <ScrollTable id="ledger-table" class="ledger-table" captionId="ledger-caption" caption={m.itemsCaption({ count: items.length })}>
            <thead>
              <tr>
                <th scope="col">{m.colProblem}</th>
                <th scope="col">{m.colLevel}</th>
                <th scope="col">{m.colCategory}</th>
                <th scope="col">{m.colUnit}</th>
                <th scope="col">{m.colOwner}</th>
                <th scope="col">{m.colState}</th>
                <th scope="col">{m.colDue}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const late = isLedgerOverdue(item, now);
                return (
                  <tr key={item.caseId} data-case-id={item.caseId} data-state={item.state} class={late ? 'overdue' : undefined}>
                    <th scope="row" class="ledger-problem">
                      <a href={`ledger-item.html?id=${encodeURIComponent(item.caseId)}`}>{item.problem}</a>
                    </th>
                    <td>{local(LEDGER_LEVEL_LABELS[item.level])}</td>
                    <td>{categoryName(item.category)}</td>
                    <td>{unitName(item.unitId)}</td>
                    <td>{item.owner ?? ''}</td>
                    <td>
                      <LedgerStateBadge state={item.state} />
                      {item.disclose && item.state !== 'PUBLISHED' && <span class="badge ledger-disclose">{m.disclosed}</span>}
                    </td>
                    <td data-col="due">
                      {item.dueDate ? formatCstDay(item.dueDate) : m.noDue}
                      {late && <span class="badge badge-overdue">{m.overdue}</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </ScrollTable>
        )}
      </section>
      {supervisor && <ImportLedger onImported={() => void load()} />}
    </>
  );
}

function Page() {
  const m = messages(ledgerStaff);
  return (
    <StaffShell roles={['supervisor', 'admin', 'unitHandler']} title={m.ledgerTitle}>
      <Ledger />
    </StaffShell>
  );
}

mount(<Page />);
