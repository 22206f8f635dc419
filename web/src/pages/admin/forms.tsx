import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { CONFLICT } from '../../../../functions/domain/errors';
import { LAYOUTS, type Layout } from '../../../../functions/domain/evaluation/form';
import type { FormDetail } from '../../../../functions/domain/evaluation/form-admin';
import type { PeriodWithForms } from '../../../../functions/domain/evaluation/period-admin';
import type { RespondentGroup } from '../../../../functions/domain/evaluation/respondent-group';
import { starterContent } from '../../../../functions/domain/evaluation/starter';
import type { LocalizedText } from '../../../../functions/domain/text';
import type { Unit } from '../../../../functions/domain/units/unit';
import { ERROR } from '../../../../functions/platform/error-codes';
import { createForm, listAdminForms, listGroups, listPeriods } from '../../../../functions/routes/evaluation';
import { listUnits } from '../../../../functions/routes/units';
import { ApiError, call } from '../../app/api';
import { errorAt, failureOf, LocalizedTextField, TextField, type FieldErrors } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { StaffShell } from '../../app/components/staff-shell';
import { local, messages } from '../../app/i18n';
import { adminForms } from '../../messages/admin-forms';

/**
 * The admin's list of evaluation forms (every status, with the latest version and whether the draft has
 * unpublished changes) and the "new form" panel, which creates a draft with a starter content for the
 * chosen layout and opens it in the editor.
 */

/** A new form starts with every active unit (a form needs at least one); the editor narrows them down. */
const activeUnitIds = (units: readonly Unit[]) => units.filter((u) => u.status === 'active').map((u) => u.unitId);

const editorHref = (formId: string) => `admin-form.html?form=${encodeURIComponent(formId)}`;
const linksHref = (formId: string) => `form-links.html?form=${encodeURIComponent(formId)}`;

interface Catalog {
  forms: FormDetail[];
  periods: PeriodWithForms[];
  units: Unit[];
  groups: RespondentGroup[];
}

function FormList({ forms, periods }: Pick<Catalog, 'forms' | 'periods'>) {
  const m = messages(adminForms);
  if (forms.length === 0) return <p>{m.noForms}</p>;
  const periodName = (id: string) => {
    const p = periods.find((x) => x.periodId === id);
    return p ? local(p.name) : id;
  };
  return (
    <div class="table-scroll">
      <table class="forms-table">
        <caption class="visually-hidden">{m.listHeading}</caption>
        <thead>
          <tr>
            <th scope="col">{m.colTitle}</th>
            <th scope="col">{m.colPeriod}</th>
            <th scope="col">{m.colLayout}</th>
            <th scope="col">{m.colStatus}</th>
            <th scope="col">{m.colVersion}</th>
            <th scope="col">{m.colLinks}</th>
          </tr>
        </thead>
        <tbody>
          {forms.map(({ form, hasUnpublishedChanges }) => (
            <tr key={form.formId} data-form-id={form.formId}>
              <th scope="row">
                <a href={editorHref(form.formId)}>{local(form.draft.title)}</a>
                <span class="muted small unit-name">{form.formId}</span>
              </th>
              <td>{periodName(form.periodId)}</td>
              <td>{m.layout[form.draft.layout]}</td>
              <td>
                <span class={`badge badge-form-${form.status}`}>{m.status[form.status]}</span>
              </td>
              <td>
                {form.latestVersion > 0 ? m.versionN({ n: form.latestVersion }) : <span class="muted">{m.notPublished}</span>}
                {hasUnpublishedChanges && form.status !== 'closed' && (
                  <span class="badge badge-warn unpublished-marker">{m.unpublishedChanges}</span>
                )}
              </td>
              <td>
                <a href={linksHref(form.formId)} aria-label={m.linksOf({ title: local(form.draft.title) })}>
                  {m.linksShort}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NewForm({ periods, units, groups }: Omit<Catalog, 'forms'>) {
  const m = messages(adminForms);
  const formId = useSignal('');
  const periodId = useSignal(periods[0]?.periodId ?? '');
  const layout = useSignal<Layout>('oneUnit');
  const title = useSignal<LocalizedText>({ 'zh-CN': '', en: '' });
  const errors = useSignal<FieldErrors>({});
  const failure = useSignal<string | undefined>(undefined);
  const busy = useSignal(false);

  if (periods.length === 0) return <Notice kind="info">{m.noPeriods}</Notice>;
  if (!units.some((u) => u.status === 'active')) return <Notice kind="info">{m.noActiveUnits}</Notice>;

  const submit = async (form: HTMLFormElement) => {
    busy.value = true;
    failure.value = undefined;
    errors.value = {};
    try {
      await call(createForm, {
        body: { formId: formId.value.trim(), periodId: periodId.value, content: starterContent(layout.value, title.value, activeUnitIds(units), groups.map((g) => g.groupId)) },
      });
      location.assign(editorHref(formId.value.trim()));
      return;
    } catch (err) {
      if (err instanceof ApiError && err.code === ERROR.conflict && err.reason === CONFLICT.alreadyExists) {
        errors.value = { formId: m.errIdTaken };
        failure.value = err.message;
      } else {
        const f = failureOf(err);
        errors.value = f.fields;
        failure.value = f.message;
      }
    }
    busy.value = false;
    // Let the errors render, then take the user to the first field to fix (or to the message).
    setTimeout(() => {
      const invalid = form.querySelector<HTMLElement>('[aria-invalid="true"]');
      (invalid ?? document.getElementById('new-form-failure'))?.focus();
    });
  };

  return (
    <form
      id="new-form"
      class="panel"
      noValidate
      aria-labelledby="new-form-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(e.currentTarget as HTMLFormElement);
      }}
    >
      <h2 id="new-form-heading">{m.newHeading}</h2>
      <p class="muted small">{m.newIntro}</p>
      {failure.value && (
        <Notice kind="error" id="new-form-failure">
          {failure.value}
        </Notice>
      )}
      <TextField
        id="formId"
        label={m.formIdLabel}
        hint={m.formIdHint}
        value={formId.value}
        onInput={(v) => (formId.value = v)}
        error={errorAt(errors.value, 'formId')}
        maxLength={63}
        required
      />
      <div class="field">
        <label for="periodId">{m.periodLabel}</label>
        <select
          id="periodId"
          value={periodId.value}
          aria-describedby="periodId-error"
          aria-invalid={Boolean(errorAt(errors.value, 'periodId'))}
          onChange={(e) => (periodId.value = (e.currentTarget as HTMLSelectElement).value)}
        >
          {periods.map((p) => (
            <option key={p.periodId} value={p.periodId}>
              {local(p.name)}
            </option>
          ))}
        </select>
        <p id="periodId-error" class="field-error" hidden={!errorAt(errors.value, 'periodId')}>
          {errorAt(errors.value, 'periodId') ?? ''}
        </p>
      </div>
      <fieldset>
        <legend>{m.layoutLabel}</legend>
        <div class="choices">
          {LAYOUTS.map((l) => (
            <label key={l} class="choice">
              <input type="radio" name="layout" value={l} checked={layout.value === l} aria-describedby={`layout-${l}-hint`} onChange={() => (layout.value = l)} />
              <span>
                {m.layout[l]}
                <span id={`layout-${l}-hint`} class="muted small unit-name">
                  {m.layoutHint[l]}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <LocalizedTextField id="title" label={m.titleLabel} value={title.value} onInput={(v) => (title.value = v)} errors={errors.value} path="content.title" />
      <p id="new-form-other-errors" class="field-error" hidden={!otherErrors(errors.value)}>
        {otherErrors(errors.value) ?? ''}
      </p>
      <button type="submit" class="primary" disabled={busy.value}>
        {busy.value ? m.creating : m.create}
      </button>
    </form>
  );
}

/** Errors at fields the panel has no control for (the starter content is ours; they should not happen). */
function otherErrors(errors: FieldErrors): string | undefined {
  const rest = Object.entries(errors).filter(([p]) => !/^(formId|periodId|content\.title)(\.|$)/.test(p));
  return rest.length > 0 ? rest.map(([p, msg]) => `${p}: ${msg}`).join(' ') : undefined;
}

function FormsPage() {
  const m = messages(adminForms);
  const data = useSignal<Catalog | undefined>(undefined);
  const failure = useSignal<string | undefined>(undefined);
  useEffect(() => {
    Promise.all([call(listAdminForms, {}), call(listPeriods, {}), call(listUnits, {}), call(listGroups, {})]).then(
      ([forms, periods, units, groups]) => (data.value = { forms: forms.forms, periods: periods.periods, units: units.units, groups: groups.groups }),
      (err: unknown) => (failure.value = failureOf(err).message),
    );
  }, []);
  if (failure.value) return <Notice kind="error">{failure.value}</Notice>;
  if (!data.value) return <Loading />;
  return (
    <>
      <h1>{m.listHeading}</h1>
      <FormList forms={data.value.forms} periods={data.value.periods} />
      <NewForm periods={data.value.periods} units={data.value.units} groups={data.value.groups} />
    </>
  );
}

function Root() {
  const m = messages(adminForms);
  return (
    <StaffShell roles={['admin']} title={m.listTitle}>
      <FormsPage />
    </StaffShell>
  );
}

mount(<Root />);
