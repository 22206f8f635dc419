import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ADJUSTMENT_KINDS, type Adjustment, type AdjustmentKind, type CalendarView, type NamedDay } from '../../../../functions/domain/calendar/calendar';
import { CASE_KIND_LABELS } from '../../../../functions/domain/cases/messages';
import type { DeadlineDays, DeadlineSettings } from '../../../../functions/domain/cases/deadline-settings';
import { SUPERVISORS_ENTRY, type DirectoryEntry } from '../../../../functions/domain/notifications/directory';
import type { LocalizedText } from '../../../../functions/domain/text';
import type { Unit } from '../../../../functions/domain/units/unit';
import { deleteCalendarAdjustment, getCalendar, setCalendarAdjustment, setCalendarYear } from '../../../../functions/routes/calendar';
import { getCaseDeadlines, setCaseDeadlines } from '../../../../functions/routes/cases';
import { listNotificationDirectory, saveDirectoryEntry } from '../../../../functions/routes/notifications';
import { listUnits } from '../../../../functions/routes/units';
import { call } from '../../app/api';
import {
  FailureNotice,
  Field,
  LocalizedTextField,
  TextField,
  errorAt,
  failureOf,
  focusFirstError,
  focusSoon,
  withoutErrorsAt,
  type Failure,
  type FieldErrors,
} from '../../app/components/fields';
import { Loading, Notice, mount, type SectionNotice } from '../../app/components/frame';
import { LoadFailed } from '../../app/components/load-failed';
import { ScrollTable } from '../../app/components/scroll-table';
import { StaffShell } from '../../app/components/staff-shell';
import { local, messages } from '../../app/i18n';
import { adminCaseSettings } from '../../messages/admin-case-settings';
import { staffCommon } from '../../messages/staff';

/**
 * The admin's page of the case settings: the working days a new case gets by kind (办理时限), the
 * working-day calendar those days are counted on (工作日历: the covered years, the district's adjustments,
 * a whole year's official schedule entered as lines of text), and where the escalation e-mails go (通知地址:
 * the supervising office's entry and each unit's). Every save names the revision it read; a stale one
 * offers to reload.
 */

/** Whatever a failed load says, for the page's one load notice. */
type Loader = <T>(run: () => Promise<T>) => () => Promise<T | undefined>;

// ---- deadlines ----------------------------------------------------------------------------------

const DEADLINE_KEYS = ['consultation', 'request', 'complaint', 'badReview'] as const satisfies readonly (keyof DeadlineDays)[];

const kindName = (k: keyof DeadlineDays): string => (k === 'badReview' ? messages(adminCaseSettings).badReview : local(CASE_KIND_LABELS[k]));

const daysDraftOf = (days: DeadlineDays) => Object.fromEntries(DEADLINE_KEYS.map((k) => [k, String(days[k])])) as Record<keyof DeadlineDays, string>;

function Deadlines({ start, reload }: { start: DeadlineSettings; reload: () => Promise<DeadlineSettings | undefined> }) {
  const c = messages(staffCommon);
  const m = messages(adminCaseSettings);
  const base = useSignal(start);
  const draft = useSignal(daysDraftOf(start.days));
  const failure = useSignal<Failure | undefined>(undefined);
  const notice = useSignal<SectionNotice | undefined>(undefined);
  const busy = useSignal(false);
  const errors = failure.value?.fields ?? {};

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    notice.value = undefined;
    const local: FieldErrors = {};
    for (const k of DEADLINE_KEYS) if (!/^\d+$/.test(draft.value[k].trim())) local[`days.${k}`] = m.errWholeDays;
    if (Object.keys(local).length > 0) {
      failure.value = { message: c.errFixFields, fields: local };
      focusFirstError('deadlines-form', 'deadlines-failure');
      return;
    }
    busy.value = true;
    failure.value = undefined;
    try {
      const days = Object.fromEntries(DEADLINE_KEYS.map((k) => [k, Number(draft.value[k].trim())])) as DeadlineDays;
      const saved = await call(setCaseDeadlines, { body: { days, rev: base.value.rev } });
      base.value = saved;
      draft.value = daysDraftOf(saved.days);
      notice.value = { kind: 'success', say: () => messages(adminCaseSettings).deadlinesSaved };
      focusSoon('deadlines-notice');
    } catch (err) {
      failure.value = failureOf(err);
      focusFirstError('deadlines-form', 'deadlines-failure');
    } finally {
      busy.value = false;
    }
  };

  const reloadLatest = async () => {
    const latest = await reload();
    if (!latest) return;
    base.value = latest;
    draft.value = daysDraftOf(latest.days);
    failure.value = undefined;
    notice.value = { kind: 'info', say: () => messages(adminCaseSettings).reloaded };
    focusSoon('deadlines-notice');
  };

  return (
    <section aria-labelledby="deadlines-heading">
      <h2 id="deadlines-heading">{m.deadlinesHeading}</h2>
      <p>{m.deadlinesIntro}</p>
      {base.value.rev === 0 && <p class="muted">{m.deadlinesUsingDefaults}</p>}
      {notice.value && (
        <Notice kind={notice.value.kind} id="deadlines-notice">
          {notice.value.say()}
        </Notice>
      )}
      {failure.value && <FailureNotice id="deadlines-failure" failure={failure.value} placed={['days']} onReload={() => void reloadLatest()} />}
      <form id="deadlines-form" class="panel" noValidate onSubmit={(e) => void submit(e)}>
        {DEADLINE_KEYS.map((k) => (
          <TextField
            key={k}
            id={`deadline-${k}`}
            label={kindName(k)}
            hint={m.defaultIs({ days: base.value.defaults[k] })}
            value={draft.value[k]}
            inputMode="numeric"
            required
            error={errorAt(errors, `days.${k}`)}
            onInput={(v) => {
              draft.value = { ...draft.value, [k]: v };
              if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, `days.${k}`) };
            }}
          />
        ))}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy.value}>
            {busy.value ? c.saving : c.save}
          </button>
        </div>
      </form>
    </section>
  );
}

// ---- calendar -----------------------------------------------------------------------------------

const kindLabel = (k: AdjustmentKind) => (k === 'dayOff' ? messages(adminCaseSettings).kindDayOff : messages(adminCaseSettings).kindWorkday);

function AdjustmentForm({ onSaved }: { onSaved: (a: Adjustment) => void }) {
  const c = messages(staffCommon);
  const m = messages(adminCaseSettings);
  const date = useSignal('');
  const kind = useSignal<AdjustmentKind>('dayOff');
  const name = useSignal<LocalizedText>({ 'zh-CN': '', en: '' });
  const failure = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const errors = failure.value?.fields ?? {};
  const clear = (path: string) => {
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, path) };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    failure.value = undefined;
    try {
      const saved = await call(setCalendarAdjustment, { params: { date: date.value.trim() }, body: { kind: kind.value, name: name.value } });
      date.value = '';
      name.value = { 'zh-CN': '', en: '' };
      onSaved(saved);
    } catch (err) {
      failure.value = failureOf(err, { idPath: 'date' });
      focusFirstError('adjustment-form', 'adjustment-failure');
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="panel admin-editor" aria-labelledby="adjustment-add-heading">
      <h4 id="adjustment-add-heading">{m.adjustmentAddHeading}</h4>
      {failure.value && <FailureNotice id="adjustment-failure" failure={failure.value} placed={['date', 'kind', 'name']} onReload={() => undefined} />}
      <form id="adjustment-form" noValidate onSubmit={(e) => void submit(e)}>
        <TextField
          id="adjustment-date"
          label={m.adjustmentDate}
          hint={m.adjustmentDateHint}
          value={date.value}
          maxLength={10}
          required
          error={errorAt(errors, 'date')}
          onInput={(v) => {
            date.value = v;
            clear('date');
          }}
        />
        <Field id="adjustment-kind" label={m.adjustmentKind} error={errorAt(errors, 'kind')}>
          {(describedBy, invalid) => (
            <select
              id="adjustment-kind"
              value={kind.value}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => {
                kind.value = (e.currentTarget as HTMLSelectElement).value as AdjustmentKind;
                clear('kind');
              }}
            >
              {ADJUSTMENT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {kindLabel(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <LocalizedTextField
          id="adjustment-name"
          label={m.adjustmentName}
          path="name"
          value={name.value}
          errors={errors}
          onInput={(v) => {
            name.value = v;
            clear('name');
          }}
        />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy.value}>
            {busy.value ? c.saving : m.adjustmentAdd}
          </button>
        </div>
      </form>
    </section>
  );
}

/** One line of a schedule's textarea: `YYYY-MM-DD 名称` or `YYYY-MM-DD 名称 | English name`. */
interface ParsedLine {
  /** 1-based, as the admin counts lines. */
  line: number;
  day: NamedDay | undefined;
}

const LINE = /^(\d{4}-\d{2}-\d{2})\s+([^|]+?)\s*(?:\|\s*(.+?))?\s*$/;

/** The non-empty lines of a textarea, each parsed into a named day (or not, when it has not the shape). */
function parseScheduleLines(text: string): ParsedLine[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ raw: raw.trim(), line: i + 1 }))
    .filter(({ raw }) => raw !== '')
    .map(({ raw, line }) => {
      const match = LINE.exec(raw);
      if (!match) return { line, day: undefined };
      const zh = match[2]!.trim();
      return { line, day: { date: match[1]!, name: { 'zh-CN': zh, en: match[3]?.trim() || zh } } };
    });
}

const SCHEDULE_LISTS = ['holidays', 'workdays'] as const;

/**
 * The API's errors of one list (`holidays.3.date`, `holidays.3.name.en`) as messages naming the textarea's
 * line, and whatever is said of the list as a whole.
 */
function lineErrors(errors: FieldErrors, list: string, lines: readonly ParsedLine[]): string | undefined {
  const m = messages(adminCaseSettings);
  const out: string[] = [];
  for (const [path, message] of Object.entries(errors)) {
    if (path === list) out.push(message);
    const match = new RegExp(`^${list}\\.(\\d+)(\\..*)?$`).exec(path);
    if (!match) continue;
    const line = lines[Number(match[1])]?.line;
    out.push(line === undefined ? message : m.errLine({ line, message }));
  }
  return out.length > 0 ? out.join(' ') : undefined;
}

function YearForm({ onSaved, years, reload }: { onSaved: (year: number) => void; years: CalendarView['years']; reload: () => Promise<CalendarView | undefined> }) {
  const c = messages(staffCommon);
  const m = messages(adminCaseSettings);
  const year = useSignal('');
  const text = useSignal<Record<(typeof SCHEDULE_LISTS)[number], string>>({ holidays: '', workdays: '' });
  const failure = useSignal<Failure | undefined>(undefined);
  const reloaded = useSignal(false);
  const busy = useSignal(false);
  const errors = failure.value?.fields ?? {};
  // The lines the API's indexes refer to: those of the last attempt.
  const sent = useSignal<Record<(typeof SCHEDULE_LISTS)[number], ParsedLine[]>>({ holidays: [], workdays: [] });
  const clear = (path: string) => {
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, path) };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    reloaded.value = false;
    const parsed = { holidays: parseScheduleLines(text.value.holidays), workdays: parseScheduleLines(text.value.workdays) };
    sent.value = parsed;
    const local: FieldErrors = {};
    if (!/^\d{4}$/.test(year.value.trim())) local.year = m.errYear;
    for (const list of SCHEDULE_LISTS) {
      const bad = parsed[list].filter((p) => !p.day).map((p) => m.errLine({ line: p.line, message: m.errLineFormat }));
      if (bad.length > 0) local[list] = bad.join(' ');
    }
    if (Object.keys(local).length > 0) {
      failure.value = { message: c.errFixFields, fields: local };
      focusFirstError('year-form', 'year-failure');
      return;
    }
    busy.value = true;
    failure.value = undefined;
    const y = Number(year.value.trim());
    try {
      const rev = years.find((s) => s.year === y)?.rev;
      await call(setCalendarYear, {
        params: { year: String(y) },
        body: { holidays: parsed.holidays.map((p) => p.day!), workdays: parsed.workdays.map((p) => p.day!), ...(rev === undefined ? {} : { rev }) },
      });
      onSaved(y);
    } catch (err) {
      failure.value = failureOf(err);
      focusFirstError('year-form', 'year-failure');
    } finally {
      busy.value = false;
    }
  };

  const reloadLatest = async () => {
    if (!(await reload())) return;
    failure.value = undefined;
    reloaded.value = true;
    focusSoon('year-reloaded');
  };

  return (
    <section class="panel admin-editor" aria-labelledby="year-heading">
      <h3 id="year-heading">{m.yearHeading}</h3>
      <p>{m.yearIntro}</p>
      {failure.value && <FailureNotice id="year-failure" failure={failure.value} placed={['year', ...SCHEDULE_LISTS]} onReload={() => void reloadLatest()} />}
      {reloaded.value && (
        <Notice kind="info" id="year-reloaded">
          {m.reloaded}
        </Notice>
      )}
      <form id="year-form" noValidate onSubmit={(e) => void submit(e)}>
        <TextField
          id="year-year"
          label={m.yearLabel}
          hint={m.yearHint}
          value={year.value}
          inputMode="numeric"
          maxLength={4}
          required
          error={errorAt(errors, 'year')}
          onInput={(v) => {
            year.value = v;
            clear('year');
          }}
        />
        {SCHEDULE_LISTS.map((list) => (
          <Field
            key={list}
            id={`year-${list}`}
            label={list === 'holidays' ? m.holidaysLabel : m.workdaysLabel}
            hint={list === 'holidays' ? m.holidaysHint : m.workdaysHint}
            error={lineErrors(errors, list, sent.value[list])}
          >
            {(describedBy, invalid) => (
              <textarea
                id={`year-${list}`}
                rows={list === 'holidays' ? 8 : 4}
                value={text.value[list]}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                onInput={(e) => {
                  text.value = { ...text.value, [list]: (e.currentTarget as HTMLTextAreaElement).value };
                  clear(list);
                }}
              />
            )}
          </Field>
        ))}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy.value}>
            {busy.value ? c.saving : m.yearSave}
          </button>
        </div>
      </form>
    </section>
  );
}

function Calendar({ view, reload }: { view: CalendarView; reload: () => Promise<CalendarView | undefined> }) {
  const m = messages(adminCaseSettings);
  const notice = useSignal<SectionNotice | undefined>(undefined);
  const busyDate = useSignal<string | undefined>(undefined);

  const say = (n: SectionNotice) => {
    notice.value = n;
    focusSoon('calendar-notice');
  };
  const remove = async (a: Adjustment) => {
    if (busyDate.value) return;
    busyDate.value = a.date;
    try {
      await call(deleteCalendarAdjustment, { params: { date: a.date }, query: { rev: String(a.rev) } });
      await reload();
      say({ kind: 'success', say: () => messages(adminCaseSettings).adjustmentDeleted({ date: a.date }) });
    } catch (err) {
      const failure = failureOf(err);
      if (failure.stale) await reload();
      say({ kind: 'error', say: () => failure.message });
    } finally {
      busyDate.value = undefined;
    }
  };

  return (
    <section aria-labelledby="calendar-heading">
      <h2 id="calendar-heading">{m.calendarHeading}</h2>
      <p>{m.calendarIntro}</p>
      {notice.value && (
        <Notice kind={notice.value.kind} id="calendar-notice">
          {notice.value.say()}
        </Notice>
      )}
      <h3 id="covered-heading">{m.coveredYears}</h3>
      {view.coveredYears.length === 0 ? (
        <p>{m.noCoveredYears}</p>
      ) : (
        <ul id="covered-years" aria-labelledby="covered-heading">
          {view.coveredYears.map((y) => (
            <li key={y.year} data-year={y.year} data-source={y.source}>
              {m.coveredYear({ year: y.year, source: y.source === 'admin' ? m.sourceAdmin : m.sourcePackage })}
            </li>
          ))}
        </ul>
      )}
      <h3 id="adjustments-heading">{m.adjustmentsHeading}</h3>
      {view.adjustments.length === 0 ? (
        <p>{m.noAdjustments}</p>
      ) : (
        <ScrollTable class="adjustments-table" caption={m.adjustmentsCaption({ count: view.adjustments.length })} captionId="adjustments-caption">
          <thead>
            <tr>
              <th scope="col">{m.colDate}</th>
              <th scope="col">{m.colKind}</th>
              <th scope="col">{m.colName}</th>
              <th scope="col">{m.colActions}</th>
            </tr>
          </thead>
          <tbody>
            {view.adjustments.map((a) => (
              <tr key={a.date} data-date={a.date}>
                <th scope="row">{a.date}</th>
                <td data-col="kind">{kindLabel(a.kind)}</td>
                <td>{local(a.name)}</td>
                <td>
                  <button type="button" class="secondary delete" disabled={busyDate.value === a.date} onClick={() => void remove(a)}>
                    {m.deleteAdjustment}
                    <span class="visually-hidden"> {a.date}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <AdjustmentForm
        onSaved={(a) => {
          void reload();
          say({ kind: 'success', say: () => messages(adminCaseSettings).adjustmentSaved({ date: a.date }) });
        }}
      />
      <YearForm
        years={view.years}
        reload={reload}
        onSaved={(year) => {
          void reload();
          say({ kind: 'success', say: () => messages(adminCaseSettings).yearSaved({ year }) });
        }}
      />
    </section>
  );
}

// ---- notification directory ---------------------------------------------------------------------

const addressesOf = (text: string) =>
  text
    .split(/[\r\n]+/)
    .map((a) => a.trim())
    .filter(Boolean);

function EntryEditor({ entryId, name, start, reload }: { entryId: string; name: string; start: DirectoryEntry | undefined; reload: () => Promise<DirectoryEntry[] | undefined> }) {
  const c = messages(staffCommon);
  const m = messages(adminCaseSettings);
  const base = useSignal(start);
  const text = useSignal((start?.addresses ?? []).join('\n'));
  const failure = useSignal<Failure | undefined>(undefined);
  const notice = useSignal<SectionNotice | undefined>(undefined);
  const busy = useSignal(false);
  const id = `entry-${entryId}`;
  const lines = addressesOf(text.value);
  const errors = failure.value?.fields ?? {};
  const error = Object.entries(errors)
    .filter(([p]) => p === 'addresses' || p.startsWith('addresses.'))
    .map(([p, message]) => {
      const i = /^addresses\.(\d+)/.exec(p)?.[1];
      return i === undefined ? message : `${lines[Number(i)] ?? ''}: ${message}`;
    })
    .join(' ');

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    failure.value = undefined;
    notice.value = undefined;
    try {
      const rev = base.value?.rev;
      const saved = await call(saveDirectoryEntry, { params: { entryId }, body: { addresses: lines, ...(rev === undefined ? {} : { rev }) } });
      base.value = saved;
      text.value = saved.addresses.join('\n');
      notice.value = { kind: 'success', say: () => messages(adminCaseSettings).entrySaved({ name }) };
      focusSoon(`${id}-notice`);
    } catch (err) {
      failure.value = failureOf(err, { idPath: 'addresses' });
      focusFirstError(`${id}-form`, `${id}-failure`);
    } finally {
      busy.value = false;
    }
  };

  const reloadLatest = async () => {
    const latest = (await reload())?.find((en) => en.entryId === entryId);
    base.value = latest;
    text.value = (latest?.addresses ?? []).join('\n');
    failure.value = undefined;
    notice.value = { kind: 'info', say: () => messages(adminCaseSettings).reloaded };
    focusSoon(`${id}-notice`);
  };

  return (
    <form id={`${id}-form`} class="panel directory-entry" data-entry-id={entryId} noValidate onSubmit={(e) => void submit(e)}>
      {notice.value && (
        <Notice kind={notice.value.kind} id={`${id}-notice`}>
          {notice.value.say()}
        </Notice>
      )}
      {failure.value && <FailureNotice id={`${id}-failure`} failure={failure.value} placed={['addresses']} onReload={() => void reloadLatest()} />}
      <Field id={`${id}-addresses`} label={m.addressesLabel({ name })} hint={base.value?.addresses.length ? undefined : m.noAddresses} error={error || undefined}>
        {(describedBy, invalid) => (
          <textarea
            id={`${id}-addresses`}
            rows={3}
            value={text.value}
            autocomplete="off"
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onInput={(e) => {
              text.value = (e.currentTarget as HTMLTextAreaElement).value;
              if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, 'addresses') };
            }}
          />
        )}
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy.value}>
          {busy.value ? c.saving : c.save}
          <span class="visually-hidden"> {name}</span>
        </button>
      </div>
    </form>
  );
}

function Directory({ entries, units, reload }: { entries: readonly DirectoryEntry[]; units: readonly Unit[]; reload: () => Promise<DirectoryEntry[] | undefined> }) {
  const m = messages(adminCaseSettings);
  const byId = new Map(entries.map((e) => [e.entryId, e]));
  return (
    <section aria-labelledby="directory-heading">
      <h2 id="directory-heading">{m.directoryHeading}</h2>
      <p>{m.directoryIntro}</p>
      <h3 id="office-heading">{m.officeEntry}</h3>
      <EntryEditor entryId={SUPERVISORS_ENTRY} name={m.officeEntry} start={byId.get(SUPERVISORS_ENTRY)} reload={reload} />
      <h3 id="units-entries-heading">{m.unitsHeading}</h3>
      {units.map((u) => (
        <EntryEditor
          key={u.unitId}
          entryId={u.unitId}
          name={local(u.name) + (u.status === 'retired' ? m.retired : '')}
          start={byId.get(u.unitId)}
          reload={reload}
        />
      ))}
    </section>
  );
}

// ---- the page -----------------------------------------------------------------------------------

function CaseSettingsAdmin() {
  const m = messages(adminCaseSettings);
  const deadlines = useSignal<DeadlineSettings | undefined>(undefined);
  const calendar = useSignal<CalendarView | undefined>(undefined);
  const entries = useSignal<DirectoryEntry[] | undefined>(undefined);
  const units = useSignal<Unit[] | undefined>(undefined);
  const loadFailure = useSignal<string | undefined>(undefined);

  const loaded: Loader = (run) => async () => {
    try {
      const value = await run();
      loadFailure.value = undefined;
      return value;
    } catch (err) {
      loadFailure.value = failureOf(err).message;
      return undefined;
    }
  };
  const reloadDeadlines = loaded(async () => (deadlines.value = await call(getCaseDeadlines, {})));
  const reloadCalendar = loaded(async () => (calendar.value = await call(getCalendar, {})));
  const reloadEntries = loaded(async () => (entries.value = (await call(listNotificationDirectory, {})).entries));
  const reloadUnits = loaded(async () => (units.value = (await call(listUnits, {})).units));
  const reloadAll = () => {
    void reloadDeadlines();
    void reloadCalendar();
    void reloadEntries();
    void reloadUnits();
  };
  useEffect(reloadAll, []);

  const ready = deadlines.value && calendar.value && entries.value && units.value;
  return (
    <>
      <h1>{m.title}</h1>
      {loadFailure.value && (
        <LoadFailed id="settings-load-failure" message={loadFailure.value} onRetry={reloadAll} />
      )}
      {!ready ? (
        !loadFailure.value && <Loading />
      ) : (
        <>
          <Deadlines start={deadlines.value!} reload={reloadDeadlines} />
          <Calendar view={calendar.value!} reload={reloadCalendar} />
          <Directory entries={entries.value!} units={units.value!} reload={reloadEntries} />
        </>
      )}
    </>
  );
}

function CaseSettingsPage() {
  return (
    <StaffShell roles={setCaseDeadlines.access} title={messages(adminCaseSettings).title}>
      <CaseSettingsAdmin />
    </StaffShell>
  );
}

mount(<CaseSettingsPage />);
