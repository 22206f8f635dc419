import { useSignal, type Signal } from '@preact/signals';
import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { Answer, Answers } from '../../../../functions/domain/evaluation/answers';
import { type Question } from '../../../../functions/domain/evaluation/form';
import { aboutOf } from '../../../../functions/domain/evaluation/questions';
import type { PublishedForm } from '../../../../functions/domain/evaluation/published-form';
import { DONT_KNOW, DONT_KNOW_LABEL, scaleLevels } from '../../../../functions/domain/evaluation/rating-scale';
import { local, messages } from '../../app/i18n';
import { evaluation } from '../../messages/evaluation';
import {
  ONE_UNIT,
  dontKnowAnswer,
  fieldId,
  sections,
  shownAnswers,
  unitAnswered,
  unitDontKnow,
  unitKey,
  unitScope,
  type Draft,
  type FieldErrors,
  type IssueText,
} from './form-model';

/**
 * The form a respondent fills in, for any published form — every question type, both layouts — drawn
 * from the draft and writing back to it. The citizen page and the admin's preview both render it, so a
 * preview shows exactly what respondents will see. Conditional questions appear and disappear as the
 * answers they depend on change; each control shows the issues at its path.
 */

/** Above this many units the unit picker gets a filter by name. */
export const FILTER_FROM = 8;

export interface FormViewProps {
  form: PublishedForm;
  draft: Signal<Draft>;
  errors: Signal<FieldErrors>;
  /** On a one-unit form: the unit fixed by the link (a QR code at a service window); no picker then. */
  fixedUnit?: string | undefined;
}

const text = (issue: IssueText): string => (typeof issue === 'string' ? issue : local(issue));

/** Forgets the issues of a control and of the controls it belongs to (a dimension's question, its unit). */
function clearErrors(errors: Signal<FieldErrors>, ...paths: string[]): void {
  if (!paths.some((p) => errors.value[p])) return;
  const next = { ...errors.value };
  for (const p of paths) delete next[p];
  errors.value = next;
}

function ErrorText({ id, issues }: { id: string; issues: IssueText[] | undefined }) {
  return (
    <p id={`${id}-error`} class="field-error" hidden={!issues?.length}>
      {issues?.map(text).join(' ') ?? ''}
    </p>
  );
}

const Required = ({ required }: { required: boolean }) =>
  required ? <span class="form-required">{messages(evaluation).required}</span> : null;

type Choice = { value: string; label: string };

/**
 * A fieldset with its legend, hint and issues wired together for screen readers; the group of a radio
 * question is a radiogroup (so it can say it is required).
 */
function Group(props: {
  id: string;
  legend: string;
  legendClass?: string | undefined;
  required: boolean;
  radio?: boolean;
  hint?: string | undefined;
  issues: IssueText[] | undefined;
  class: string;
  children: ComponentChildren;
}) {
  const { id, hint, issues } = props;
  return (
    <fieldset
      id={id}
      class={props.class}
      role={props.radio ? 'radiogroup' : undefined}
      aria-required={(props.radio && props.required) || undefined}
      aria-describedby={hint ? `${id}-hint ${id}-error` : `${id}-error`}
      aria-invalid={issues?.length ? true : undefined}
    >
      <legend class={props.legendClass}>
        {props.legend} <Required required={props.required} />
      </legend>
      {hint && (
        <p id={`${id}-hint`} class="muted small">
          {hint}
        </p>
      )}
      {props.children}
      <ErrorText id={id} issues={issues} />
    </fieldset>
  );
}

/** One radio per option, every option looking alike — nothing may discourage a low rating; `aside` (不了解) below a rule. */
function Radios({ path, options, aside = [], value, onChange, compact }: { path: string; options: Choice[]; aside?: Choice[]; value: unknown; onChange: (value: string) => void; compact?: boolean | undefined }) {
  const cls = compact ? 'choices form-levels' : 'choices';
  const radio = (o: Choice) => (
    <label class="choice" key={o.value}>
      <input type="radio" name={path} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
      <span>{o.label}</span>
    </label>
  );
  return (
    <>
      <div class={cls}>{options.map(radio)}</div>
      {aside.length > 0 && <div class={`${cls} choices-aside`}>{aside.map(radio)}</div>}
    </>
  );
}

interface QuestionProps {
  question: Question;
  /** The path of the answers' scope: `answers`, `unit` or `units.<unitId>`. */
  scope: string;
  answers: Answers;
  set: (answer: Answer | undefined, ...clear: string[]) => void;
  errors: FieldErrors;
  /** Inside a unit's card on an all-units page: the card names the unit, the levels are compact. */
  inUnitCard?: boolean | undefined;
}

function QuestionField({ question: q, scope, answers, set, errors, inUnitCard }: QuestionProps) {
  const m = messages(evaluation);
  const form = useForm();
  const path = `${scope}.${q.id}`;
  const id = fieldId(path);
  const answer = answers[q.id];
  const group = { id, legend: local(q.text), required: q.required, hint: q.help && local(q.help), issues: errors[path], class: 'form-question' };

  switch (q.type) {
    case 'rating':
    case 'dimensions': {
      const levels = scaleLevels(q.scale).map((l) => ({ value: l.key, label: local(l.label) }));
      const aside = q.allowDontKnow ? [{ value: DONT_KNOW, label: local(DONT_KNOW_LABEL) }] : [];
      const cls = inUnitCard ? 'form-question form-question-bare' : 'form-question';
      if (q.type === 'rating') {
        return (
          <Group {...group} class={cls} radio>
            <Radios path={path} options={levels} aside={aside} value={answer} onChange={(v) => set(v, path)} compact={inUnitCard} />
          </Group>
        );
      }
      const given = answer && typeof answer === 'object' && !Array.isArray(answer) ? answer : {};
      // In a unit's card the question is the card's subject: its legend is for screen readers only.
      return (
        <Group {...group} class={`${cls} form-dimensions`} legendClass={inUnitCard ? 'visually-hidden' : undefined}>
          {q.dimensions.map((d) => {
            const at = `${path}.${d.id}`;
            return (
              <Group key={d.id} id={fieldId(at)} legend={local(d.label)} required={q.required} issues={errors[at]} class="form-dimension" radio>
                <Radios path={at} options={levels} aside={aside} value={given[d.id]} onChange={(v) => set({ ...given, [d.id]: v }, at, path)} compact />
              </Group>
            );
          })}
        </Group>
      );
    }
    case 'singleChoice':
    case 'group': {
      const options =
        q.type === 'group'
          ? q.options.map((g) => {
              const named = form.groups.find((x) => x.groupId === g);
              return { value: g, label: named ? local(named.name) : g };
            })
          : q.options.map((o) => ({ value: o.id, label: local(o.label) }));
      return (
        <Group {...group} radio>
          <Radios path={path} options={options} value={answer} onChange={(v) => set(v, path)} />
        </Group>
      );
    }
    case 'multipleChoice': {
      const chosen = Array.isArray(answer) ? answer : [];
      const hint = [group.hint, q.maxChoices !== undefined && m.maxChoices({ max: q.maxChoices })].filter(Boolean).join(' ');
      return (
        <Group {...group} hint={hint}>
          <div class="choices">
            {q.options.map((o) => (
              <label class="choice" key={o.id}>
                <input
                  type="checkbox"
                  name={path}
                  value={o.id}
                  checked={chosen.includes(o.id)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    // Kept in the form's option order, whatever order they were ticked in.
                    set(q.options.map((x) => x.id).filter((x) => (x === o.id ? on : chosen.includes(x))), path);
                  }}
                />
                <span>{local(o.label)}</span>
              </label>
            ))}
          </div>
        </Group>
      );
    }
    case 'shortText':
    case 'longText': {
      const value = typeof answer === 'string' ? answer : '';
      const Input = q.type === 'shortText' ? 'input' : 'textarea';
      return (
        <div class="field form-question">
          <label for={id}>
            {group.legend} <Required required={q.required} />
          </label>
          {group.hint && (
            <p id={`${id}-hint`} class="muted small">
              {group.hint}
            </p>
          )}
          <Input
            id={id}
            name={path}
            {...(q.type === 'shortText' ? { type: 'text' } : { rows: 4 })}
            value={value}
            maxLength={q.maxLength}
            required={q.required}
            aria-describedby={`${group.hint ? `${id}-hint ` : ''}${id}-counter ${id}-error`}
            aria-invalid={group.issues?.length ? true : undefined}
            onInput={(e: Event) => set((e.currentTarget as HTMLInputElement).value, path)}
          />
          <p id={`${id}-counter`} class="counter">
            {m.counter({ used: value.length, max: q.maxLength })}
          </p>
          <ErrorText id={id} issues={group.issues} />
        </div>
      );
    }
  }
}

/** The form being drawn, for controls that need more than their question (names of units and groups). */
const FormContext = createContext<PublishedForm | undefined>(undefined);
function useForm(): PublishedForm {
  const form = useContext(FormContext);
  if (!form) throw new Error('FormView: no form');
  return form;
}

/** The questions of one scope that are shown now, each with its control. */
function Questions(props: {
  questions: Question[];
  scope: string;
  scopeKey: string | null;
  draft: Signal<Draft>;
  errors: Signal<FieldErrors>;
  inUnitCard?: boolean;
  extraClear?: string[];
}) {
  const { draft, errors } = props;
  const form = useForm();
  const d = draft.value;
  const respondent = shownAnswers(form.content, 'respondent', d.respondent, {});
  const given = props.scopeKey === null ? d.respondent : (d.units[props.scopeKey] ?? {});
  const shown = props.scopeKey === null ? respondent.shown : shownAnswers(form.content, 'unit', given, respondent.kept).shown;
  const set = (q: Question) => (answer: Answer | undefined, ...clear: string[]) => {
    const now = draft.value;
    if (props.scopeKey === null) {
      const respondentAnswers = { ...now.respondent };
      if (answer === undefined) delete respondentAnswers[q.id];
      else respondentAnswers[q.id] = answer;
      draft.value = { ...now, respondent: respondentAnswers };
    } else {
      const unit = { ...(now.units[props.scopeKey] ?? {}) };
      if (answer === undefined) delete unit[q.id];
      else unit[q.id] = answer;
      draft.value = { ...now, units: { ...now.units, [props.scopeKey]: unit } };
    }
    clearErrors(errors, ...clear, ...(props.extraClear ?? []));
  };
  return (
    <>
      {props.questions
        .filter((q) => shown.has(q.id))
        .map((q) => (
          <QuestionField key={q.id} question={q} scope={props.scope} answers={given} set={set(q)} errors={errors.value} inUnitCard={props.inUnitCard} />
        ))}
    </>
  );
}

/** The unit picker of a one-unit form (a select, with a filter by name for long lists), or the unit fixed by the link. */
function UnitChoice({ draft, errors, fixedUnit }: { draft: Signal<Draft>; errors: Signal<FieldErrors>; fixedUnit: string | undefined }) {
  const m = messages(evaluation);
  const form = useForm();
  const filter = useSignal('');
  const id = fieldId(ONE_UNIT);
  const issues = errors.value[ONE_UNIT];
  const units = form.content.unitIds.map((unitId) => ({ unitId, name: unitName(form, unitId) }));
  if (fixedUnit) {
    return (
      <div class="form-fixed-unit" id={id}>
        <span class="muted small">{m.unitLabel}</span>
        <strong data-unit-id={fixedUnit}>{unitName(form, fixedUnit)}</strong>
        <ErrorText id={id} issues={issues} />
      </div>
    );
  }
  const needle = filter.value.trim().toLowerCase();
  const chosen = draft.value.unitId;
  const shown = units.filter(
    (u) => !needle || u.unitId === chosen || [u.name, u.unitId].some((s) => s.toLowerCase().includes(needle)),
  );
  return (
    <div class="field form-unit-choice">
      <label for={id}>
        {m.unitLabel} <Required required />
      </label>
      {units.length > FILTER_FROM && (
        <>
          <label for="unit-filter" class="sub-label">
            {m.unitFilterLabel}
          </label>
          <input id="unit-filter" type="search" autocomplete="off" value={filter.value} onInput={(e) => (filter.value = (e.currentTarget as HTMLInputElement).value)} />
        </>
      )}
      <select
        id={id}
        name="unitId"
        required
        aria-describedby={`${id}-error`}
        aria-invalid={issues?.length ? true : undefined}
        value={chosen}
        onChange={(e) => {
          draft.value = { ...draft.value, unitId: (e.currentTarget as HTMLSelectElement).value };
          clearErrors(errors, ONE_UNIT);
        }}
      >
        <option value="">{shown.length > 0 ? m.unitPlaceholder : m.unitFilterNoMatch}</option>
        {shown.map((u) => (
          <option key={u.unitId} value={u.unitId}>
            {u.name}
          </option>
        ))}
      </select>
      <ErrorText id={id} issues={issues} />
    </div>
  );
}

/** A unit's name in the current language (its id if the form's view lacks it). */
export function unitName(form: PublishedForm, unitId: string): string {
  const unit = form.units.find((u) => u.unitId === unitId);
  return unit ? local(unit.name) : unitId;
}

/** One unit of an all-units form: its name, the 不了解 shortcut, and the questions about it. */
function UnitCard({ unitId, questions, draft, errors }: { unitId: string; questions: Question[]; draft: Signal<Draft>; errors: Signal<FieldErrors> }) {
  const m = messages(evaluation);
  const form = useForm();
  const scope = unitScope(form.content, unitId);
  const key = unitKey(form.content, unitId);
  const id = fieldId(scope);
  const answers = draft.value.units[key];
  const dontKnow = dontKnowAnswer(form.content);
  const allDontKnow = unitDontKnow(form.content, answers);
  const done = unitAnswered(form.content, answers);
  const issues = errors.value[scope];
  return (
    <fieldset class={done ? 'form-unit done' : 'form-unit'} id={id} aria-describedby={`${id}-error`} aria-invalid={issues?.length ? true : undefined} data-unit-id={unitId}>
      <legend class="form-unit-name">{unitName(form, unitId)}</legend>
      {dontKnow !== undefined && (
        <button
          type="button"
          class="secondary form-dont-know"
          aria-pressed={allDontKnow}
          onClick={() => {
            const scored = form.content.questions.find((q) => q.type === 'rating' || q.type === 'dimensions');
            if (!scored) return;
            const unit = { ...(draft.value.units[key] ?? {}) };
            if (allDontKnow) delete unit[scored.id];
            else unit[scored.id] = dontKnow;
            draft.value = { ...draft.value, units: { ...draft.value.units, [key]: unit } };
            const prefix = `${scope}.${scored.id}`;
            clearErrors(errors, scope, ...Object.keys(errors.value).filter((p) => p === prefix || p.startsWith(`${prefix}.`)));
          }}
        >
          {m.dontKnowUnit}
        </button>
      )}
      <Questions questions={questions} scope={scope} scopeKey={key} draft={draft} errors={errors} inUnitCard extraClear={[scope]} />
      <ErrorText id={id} issues={issues} />
    </fieldset>
  );
}

/** The progress of an all-units page: how many units are answered (不了解 counts as an answer). */
function Progress({ form, draft }: { form: PublishedForm; draft: Signal<Draft> }) {
  const m = messages(evaluation);
  const total = form.content.unitIds.length;
  const done = form.content.unitIds.filter((u) => unitAnswered(form.content, draft.value.units[u])).length;
  return (
    <p class="form-progress" id="progress" role="status">
      <span>{m.progress({ done, total })}</span>
      <progress max={total} value={done} aria-hidden="true" />
    </p>
  );
}

/**
 * The fields of a form: on a one-unit form the unit (picked or fixed) and every shown question in form
 * order; on an all-units form the respondent's questions around one card per unit with its questions.
 */
export function FormView(props: FormViewProps) {
  return (
    <FormContext.Provider value={props.form}>
      <Fields {...props} />
    </FormContext.Provider>
  );
}

function Fields({ form, draft, errors, fixedUnit }: FormViewProps) {
  const m = messages(evaluation);
  const { content } = form;
  if (content.layout === 'oneUnit') {
    return (
      <div class="form-fields">
        <UnitChoice draft={draft} errors={errors} fixedUnit={fixedUnit} />
        {content.questions.map((q) => (
          <Questions
            key={q.id}
            questions={[q]}
            scope={aboutOf(q) === 'unit' ? ONE_UNIT : 'answers'}
            scopeKey={aboutOf(q) === 'unit' ? ONE_UNIT : null}
            draft={draft}
            errors={errors}
          />
        ))}
      </div>
    );
  }
  const { before, perUnit, after } = sections(content);
  return (
    <div class="form-fields">
      <Questions questions={before} scope="answers" scopeKey={null} draft={draft} errors={errors} />
      <section class="units" aria-labelledby="units-heading">
        <h2 id="units-heading">{m.unitsHeading}</h2>
        <Progress form={form} draft={draft} />
        {content.unitIds.map((u) => (
          <UnitCard key={u} unitId={u} questions={perUnit} draft={draft} errors={errors} />
        ))}
      </section>
      <Questions questions={after} scope="answers" scopeKey={null} draft={draft} errors={errors} />
    </div>
  );
}
