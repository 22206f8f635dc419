import { signal, useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { CONFLICT } from '../../../../functions/domain/errors';
import { LAYOUTS, QUESTION_TYPES, TEXT_MAX_LENGTH, type About, type FormContent, type FormVersion, type Option, type Question, type QuestionType, type RatingQuestion } from '../../../../functions/domain/evaluation/form';
import { aboutOf, conditionValues } from '../../../../functions/domain/evaluation/questions';
import type { FormDetail } from '../../../../functions/domain/evaluation/form-admin';
import type { PeriodWithForms } from '../../../../functions/domain/evaluation/period-admin';
import { DONT_KNOW, DONT_KNOW_LABEL, SCALE_IDS, SCALE_LABELS, scaleLevels, type RatingLevel, type ScaleId } from '../../../../functions/domain/evaluation/rating-scale';
import type { RespondentGroup } from '../../../../functions/domain/evaluation/respondent-group';
import type { LocalizedText } from '../../../../functions/domain/text';
import type { Unit } from '../../../../functions/domain/units/unit';
import { ERROR } from '../../../../functions/platform/error-codes';
import {
  closeForm,
  getAdminForm,
  getFormVersion,
  listGroups,
  listPeriods,
  publishForm,
  saveFormDraft,
} from '../../../../functions/routes/evaluation';
import { listUnits } from '../../../../functions/routes/units';
import { ApiError, call } from '../../app/api';
import { Field, LocalizedTextField, TextField, errorAt, failureOf, type FieldErrors } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { StaffShell } from '../../app/components/staff-shell';
import { formatDateTime } from '../../app/format';
import { lang, local, messages } from '../../app/i18n';
import { adminForms } from '../../messages/admin-forms';
import { staffCommon } from '../../messages/staff';

/**
 * The form editor (admin-form.html?form=<id>): the draft's title, introduction, layout, units, default
 * group and questions, saved with the revision it was loaded at; publishing it as the next immutable
 * version; closing the form; and the history of published versions, each readable as it was published.
 * The API checks every rule (functions/domain/evaluation/form.ts) and names each failing field; the page
 * shows each message at its control.
 */

type M = ReturnType<typeof messages<(typeof adminForms)['zh-CN']>>;

const EMPTY_TEXT: LocalizedText = { 'zh-CN': '', en: '' };
const isBlank = (t: LocalizedText | undefined) => !t || (!t['zh-CN'].trim() && !t.en.trim());

// ---- the editing model -----------------------------------------------------------------------------

/** A question with a key that stays with it through moves and edits of its id (for focus and rendering). */
interface Item {
  key: number;
  q: Question;
}

interface Draft {
  base: Omit<FormContent, 'questions'>;
  items: Item[];
}

let lastKey = 0;
const newKey = () => ++lastKey;

/** The editing model of a content; questions keep `keys` by position where given (a reload after a save). */
function toDraft(content: FormContent, keys: readonly number[] = []): Draft {
  const { questions, ...base } = content;
  return { base, items: questions.map((q, i) => ({ key: keys[i] ?? newKey(), q })) };
}

/** The content to send: optional texts left empty in both languages are left out. */
function toContent(draft: Draft): FormContent {
  const { intro, ...base } = draft.base;
  return {
    ...base,
    ...(isBlank(intro) ? {} : { intro }),
    questions: draft.items.map(({ q }) => {
      const { help, ...rest } = q;
      return (isBlank(help) ? rest : { ...rest, help }) as Question;
    }),
  };
}

/** Paths of numbers that are not numbers (a weight typed as "abc"): checked here, as JSON cannot carry NaN. */
function notANumber(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'number') return Number.isNaN(value) ? [path.join('.')] : [];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => notANumber(v, [...path, k]));
  return [];
}

const isScored = (q: Question): q is RatingQuestion => q.type === 'rating' || q.type === 'dimensions';

/** An id not used yet among `taken`: `prefix1`, `prefix2`… */
function freshId(prefix: string, taken: readonly string[]): string {
  for (let n = 1; ; n++) if (!taken.includes(`${prefix}${n}`)) return `${prefix}${n}`;
}

/** A new question of a type, with what it needs to be valid except its texts. */
function newQuestion(type: QuestionType, draft: Draft, groups: readonly RespondentGroup[]): Question {
  const id = freshId('q', draft.items.map((i) => i.q.id));
  const common = { id, text: { ...EMPTY_TEXT }, required: false };
  const allowDontKnow = draft.base.layout === 'allUnits';
  const option = (n: number): Option => ({ id: `opt${n}`, label: { ...EMPTY_TEXT } });
  switch (type) {
    case 'rating':
      return { ...common, type, required: true, scale: 'five', allowDontKnow };
    case 'dimensions':
      return {
        ...common,
        type,
        required: true,
        scale: 'five',
        allowDontKnow,
        dimensions: [
          { id: 'd1', label: { ...EMPTY_TEXT }, weight: 0.5 },
          { id: 'd2', label: { ...EMPTY_TEXT }, weight: 0.5 },
        ],
      };
    case 'singleChoice':
    case 'multipleChoice':
      return { ...common, type, about: 'unit', options: [option(1), option(2)] };
    case 'shortText':
      return { ...common, type, about: 'respondent', maxLength: TEXT_MAX_LENGTH.shortText };
    case 'longText':
      return { ...common, type, about: 'respondent', maxLength: 500 };
    case 'group':
      return {
        ...common,
        type,
        required: true,
        text: { 'zh-CN': '您的身份', en: 'You are rating as' },
        options: groups.map((g) => g.groupId),
      };
  }
}

/** Adds or removes an id, keeping the order of those already there (new ones go last). */
const toggled = (list: readonly string[], id: string, on: boolean): string[] =>
  on ? (list.includes(id) ? [...list] : [...list, id]) : list.filter((x) => x !== id);

/** Errors under `prefix` whose next path segment is none of `handled` (or at `prefix` itself): shown with the group. */
function unplacedErrors(errors: FieldErrors, prefix: string, handled: readonly string[]): string | undefined {
  const found = Object.entries(errors)
    .filter(([path]) => {
      if (prefix === '') return !handled.includes(path.split('.')[0] ?? '');
      if (path === prefix) return true;
      if (!path.startsWith(`${prefix}.`)) return false;
      return !handled.includes(path.slice(prefix.length + 1).split('.')[0] ?? '');
    })
    .map(([, message]) => message);
  return found.length > 0 ? found.join(' ') : undefined;
}

/** Runs after the next render (Preact renders signal changes in a microtask). */
const afterRender = (fn: () => void) => setTimeout(fn, 0);

const focusById = (id: string) => afterRender(() => document.getElementById(id)?.focus());

// ---- small controls ----------------------------------------------------------------------------------

function ErrorText({ id, error }: { id: string; error: string | undefined }) {
  return (
    <p id={id} class="field-error" hidden={!error}>
      {error ?? ''}
    </p>
  );
}

interface CheckProps {
  id: string;
  label: ComponentChildren;
  checked: boolean;
  onChange: (on: boolean) => void;
  describedBy?: string;
  invalid?: boolean;
  disabled?: boolean;
}

function Check(props: CheckProps) {
  const { id, label, checked, onChange, describedBy, invalid, disabled } = props;
  return (
    <label class="choice" for={id}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <span>{label}</span>
    </label>
  );
}

const parseNumber = (text: string, optional: boolean): number | undefined => {
  const t = text.trim();
  if (t === '') return optional ? undefined : Number.NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : Number.NaN;
};
const sameNumber = (a: number | undefined, b: number | undefined) => a === b || (Number.isNaN(a) && Number.isNaN(b));
const shownNumber = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : String(v));

/**
 * A number typed as text (so "0." and "" can be typed on the way to a number), reported as a number, NaN
 * while it is not one, or undefined when empty and `optional`.
 */
function NumberField(props: {
  id: string;
  label: string;
  hint?: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  error?: string;
  optional?: boolean;
  integer?: boolean;
  /** Another element describing this one (the live sum of weights), and whether it says something is wrong. */
  alsoDescribedBy?: string;
  alsoInvalid?: boolean;
}) {
  const { id, value, onChange, optional = false, integer = false, alsoDescribedBy, alsoInvalid } = props;
  const m = messages(adminForms);
  const [text, setText] = useState(shownNumber(value));
  useEffect(() => {
    if (!sameNumber(parseNumber(text, optional), value)) setText(shownNumber(value));
  }, [value]);
  const error = props.error ?? (value !== undefined && Number.isNaN(value) ? m.errNumber : undefined);
  return (
    <Field id={id} label={props.label} hint={props.hint} error={error}>
      {(describedBy, invalid) => (
        <input
          id={id}
          type="text"
          class="number"
          inputMode={integer ? 'numeric' : 'decimal'}
          autocomplete="off"
          value={text}
          aria-describedby={[describedBy, alsoDescribedBy].filter(Boolean).join(' ')}
          aria-invalid={invalid || Boolean(alsoInvalid)}
          onInput={(e) => {
            const t = (e.currentTarget as HTMLInputElement).value;
            setText(t);
            onChange(parseNumber(t, optional));
          }}
        />
      )}
    </Field>
  );
}

interface SelectProps {
  id: string;
  label: string;
  hint?: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
  error?: string;
}

function SelectField(props: SelectProps) {
  const { id, value, options, onChange } = props;
  return (
    <Field id={id} label={props.label} hint={props.hint} error={props.error}>
      {(describedBy, invalid) => (
        <select id={id} value={value} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

// ---- one question --------------------------------------------------------------------------------------

interface QuestionProps {
  item: Item;
  index: number;
  items: readonly Item[];
  groups: readonly RespondentGroup[];
  errors: FieldErrors;
  update: (q: Question) => void;
  move: (by: -1 | 1) => void;
  remove: () => void;
}

/** What a condition's value means to a reader: a level, 不了解, an option's label or a group's name. */
function valueLabel(source: Question, value: string, groups: readonly RespondentGroup[]): string {
  if (source.type === 'rating' || source.type === 'dimensions') {
    if (value === DONT_KNOW) return local(DONT_KNOW_LABEL);
    const level = scaleLevels(source.scale).find((l) => l.key === value);
    return level ? local(level.label) : value;
  }
  if (source.type === 'singleChoice' || source.type === 'multipleChoice') {
    const option = source.options.find((o) => o.id === value);
    return option && !isBlank(option.label) ? local(option.label) || value : value;
  }
  const group = groups.find((g) => g.groupId === value);
  return group ? local(group.name) : value;
}

function questionName(m: M, index: number, q: Question): string {
  const title = local(q.text).trim();
  return `${m.questionN({ n: index + 1 })}${title ? `：${title}` : ` (${q.id})`}`;
}

/** What the controls of one kind of question get: the question, its error path, its key for ids, and how to change it. */
interface PartProps<Q extends Question> {
  q: Q;
  at: string;
  key_: number;
  errors: FieldErrors;
  update: (q: Question) => void;
}

function RatingFields({ q, at, key_, errors, update }: PartProps<RatingQuestion>) {
  const m = messages(adminForms);
  const id = (s: string) => `q${key_}-${s}`;
  const levels = scaleLevels(q.scale);
  const setScale = (scale: ScaleId) => {
    const points = q.points
      ? Object.fromEntries(scaleLevels(scale).map((l) => [l.key, q.points?.[l.key] ?? l.points]))
      : undefined;
    update({ ...q, scale, points });
  };
  const dontKnowError = errorAt(errors, `${at}.allowDontKnow`);
  const pointsError = errors[`${at}.points`];
  return (
    <>
      <SelectField
        id={id('scale')}
        label={m.scale}
        value={q.scale}
        options={SCALE_IDS.map((s) => ({ value: s, label: local(SCALE_LABELS[s]) }))}
        onChange={(v) => setScale(v as ScaleId)}
        error={errorAt(errors, `${at}.scale`)}
      />
      <div class="check-field">
        <Check
          id={id('dontknow')}
          label={m.allowDontKnow}
          checked={q.allowDontKnow}
          onChange={(on) => update({ ...q, allowDontKnow: on })}
          describedBy={id('dontknow-error')}
          invalid={Boolean(dontKnowError)}
        />
        <ErrorText id={id('dontknow-error')} error={dontKnowError} />
      </div>
      <div class="check-field">
        <Check
          id={id('custom-points')}
          label={m.customPoints}
          checked={q.points !== undefined}
          describedBy={id('custom-points-hint')}
          onChange={(on) => update({ ...q, points: on ? Object.fromEntries(levels.map((l) => [l.key, l.points])) : undefined })}
        />
        <p id={id('custom-points-hint')} class="muted small">
          {m.customPointsHint({ defaults: levels.map((l) => `${local(l.label)} ${l.points}`).join(lang.value === 'en' ? ', ' : '，') })}
        </p>
        <ErrorText id={id('points-error')} error={pointsError} />
      </div>
      {q.points && (
        <div class="points-grid">
          {levels.map((l) => (
            <NumberField
              key={l.key}
              id={id(`points-${l.key}`)}
              label={m.pointsOf({ level: local(l.label) })}
              value={q.points?.[l.key]}
              onChange={(v) => update({ ...q, points: { ...q.points, [l.key]: v ?? Number.NaN } })}
              error={errorAt(errors, `${at}.points.${l.key}`)}
            />
          ))}
        </div>
      )}
    </>
  );
}

function DimensionsFields({ q, at, key_, errors, update }: PartProps<Extract<Question, { type: 'dimensions' }>>) {
  const m = messages(adminForms);
  const id = (s: string) => `q${key_}-${s}`;
  const sumError = errors[`${at}.dimensions`];
  const weights = q.dimensions.map((d) => d.weight);
  const sum = weights.some((w) => Number.isNaN(w)) ? undefined : Math.round(weights.reduce((a, w) => a + w, 0) * 1e6) / 1e6;
  const off = sum === undefined || Math.abs(sum - 1) > 1e-6;
  const setDimension = (j: number, patch: Partial<(typeof q.dimensions)[number]>) =>
    update({ ...q, dimensions: q.dimensions.map((d, k) => (k === j ? { ...d, ...patch } : d)) });
  return (
    <fieldset class="dimensions">
      <legend>{m.dimensionsLegend}</legend>
      {q.dimensions.map((d, j) => (
        <fieldset key={j} class="row-group">
          <legend class="sub-label">{m.dimensionN({ n: j + 1 })}</legend>
          <div class="row-fields">
            <TextField
              id={id(`dim${j}-id`)}
              label={m.dimId}
              value={d.id}
              maxLength={32}
              onInput={(v) => setDimension(j, { id: v })}
              error={errorAt(errors, `${at}.dimensions.${j}.id`)}
            />
            <LocalizedTextField
              id={id(`dim${j}-label`)}
              label={m.dimLabel}
              value={d.label}
              onInput={(v) => setDimension(j, { label: v })}
              errors={errors}
              path={`${at}.dimensions.${j}.label`}
            />
            <NumberField
              id={id(`dim${j}-weight`)}
              label={m.dimWeight}
              value={d.weight}
              onChange={(v) => setDimension(j, { weight: v ?? Number.NaN })}
              error={errorAt(errors, `${at}.dimensions.${j}.weight`)}
              alsoDescribedBy={`${id('weights-sum')} ${id('weights-error')}`}
              alsoInvalid={Boolean(sumError)}
            />
          </div>
          <button
            type="button"
            class="secondary small-button"
            aria-label={m.removeDimension({ n: j + 1 })}
            disabled={q.dimensions.length <= 2}
            onClick={() => update({ ...q, dimensions: q.dimensions.filter((_, k) => k !== j) })}
          >
            {m.remove}
          </button>
        </fieldset>
      ))}
      <p id={id('weights-sum')} class={`weight-sum${off ? ' weight-sum-off' : ''}`} aria-live="polite">
        {m.weightSum({ sum: sum === undefined ? '—' : String(sum) })}
        {off && ` ${m.weightSumOff}`}
      </p>
      <ErrorText id={id('weights-error')} error={sumError} />
      <button
        type="button"
        class="secondary"
        disabled={q.dimensions.length >= 12}
        onClick={() => {
          const dimId = freshId('d', q.dimensions.map((d) => d.id));
          update({ ...q, dimensions: [...q.dimensions, { id: dimId, label: { ...EMPTY_TEXT }, weight: 0 }] });
          focusById(id(`dim${q.dimensions.length}-id`));
        }}
      >
        {m.addDimension}
      </button>
    </fieldset>
  );
}

function OptionsFields({ q, at, key_, errors, update }: PartProps<Extract<Question, { type: 'singleChoice' | 'multipleChoice' }>>) {
  const m = messages(adminForms);
  const id = (s: string) => `q${key_}-${s}`;
  const listError = errors[`${at}.options`];
  const setOption = (j: number, patch: Partial<Option>) => update({ ...q, options: q.options.map((o, k) => (k === j ? { ...o, ...patch } : o)) });
  return (
    <fieldset class="options" aria-describedby={id('options-error')} aria-invalid={Boolean(listError) || undefined}>
      <legend>{m.optionsLegend}</legend>
      {q.options.map((o, j) => (
        <fieldset key={j} class="row-group">
          <legend class="sub-label">{m.optionN({ n: j + 1 })}</legend>
          <div class="row-fields">
            <TextField
              id={id(`opt${j}-id`)}
              label={m.optionId}
              value={o.id}
              maxLength={64}
              onInput={(v) => setOption(j, { id: v })}
              error={errorAt(errors, `${at}.options.${j}.id`)}
            />
            <LocalizedTextField
              id={id(`opt${j}-label`)}
              label={m.optionLabel}
              value={o.label}
              onInput={(v) => setOption(j, { label: v })}
              errors={errors}
              path={`${at}.options.${j}.label`}
            />
          </div>
          <button
            type="button"
            class="secondary small-button"
            aria-label={m.removeOption({ n: j + 1 })}
            disabled={q.options.length <= 2}
            onClick={() => update({ ...q, options: q.options.filter((_, k) => k !== j) })}
          >
            {m.remove}
          </button>
        </fieldset>
      ))}
      <ErrorText id={id('options-error')} error={listError} />
      <button
        type="button"
        class="secondary"
        disabled={q.options.length >= 30}
        onClick={() => {
          const optionId = freshId('opt', q.options.map((o) => o.id));
          update({ ...q, options: [...q.options, { id: optionId, label: { ...EMPTY_TEXT } }] });
          focusById(id(`opt${q.options.length}-label-zh-CN`));
        }}
      >
        {m.addOption}
      </button>
    </fieldset>
  );
}

function GroupOptions({ q, at, key_, errors, groups, update }: PartProps<Extract<Question, { type: 'group' }>> & { groups: readonly RespondentGroup[] }) {
  const m = messages(adminForms);
  const error = errorAt(errors, `${at}.options`);
  const errorId = `q${key_}-groups-error`;
  const known = new Set(groups.map((g) => g.groupId));
  const shown = [...groups.map((g) => ({ id: g.groupId, name: local(g.name) })), ...q.options.filter((o) => !known.has(o)).map((o) => ({ id: o, name: o }))];
  return (
    <fieldset aria-describedby={errorId} aria-invalid={Boolean(error) || undefined}>
      <legend>{m.groupOptions}</legend>
      <div class="choices check-columns">
        {shown.map((g) => (
          <Check
            key={g.id}
            id={`q${key_}-group-${g.id}`}
            label={g.name}
            checked={q.options.includes(g.id)}
            onChange={(on) => update({ ...q, options: toggled(q.options, g.id, on) })}
          />
        ))}
      </div>
      <ErrorText id={errorId} error={error} />
    </fieldset>
  );
}

function ShowIfFields(props: PartProps<Question> & { index: number; items: readonly Item[]; groups: readonly RespondentGroup[] }) {
  const { q, index, at, key_, items, errors, groups, update } = props;
  const m = messages(adminForms);
  const id = (s: string) => `q${key_}-${s}`;
  const earlier = items.slice(0, index);
  const eligible = earlier
    .map((item, i) => ({ ...item, i }))
    .filter(({ q: s }) => conditionValues(s) !== undefined && !(aboutOf(q) === 'respondent' && aboutOf(s) === 'unit'));
  const showIf = q.showIf;
  const source = showIf ? earlier.find((i) => i.q.id === showIf.questionId)?.q : undefined;
  const values = source ? (conditionValues(source) ?? []) : [];
  const options = [
    { value: '', label: m.showAlways },
    ...eligible.map(({ q: s, i }) => ({ value: s.id, label: questionName(m, i, s) })),
    // A condition on a question that no longer qualifies stays visible, so that its error can be read and fixed.
    ...(showIf && !eligible.some((e) => e.q.id === showIf.questionId) ? [{ value: showIf.questionId, label: showIf.questionId }] : []),
  ];
  const valuesError = errorAt(errors, `${at}.showIf.anyOf`);
  return (
    <div class="show-if">
      {eligible.length === 0 && !showIf ? (
        <p class="muted small">
          <strong>{m.showIf}：</strong>
          {m.showAlways}。{m.noEarlier}
        </p>
      ) : (
        <>
          <SelectField
            id={id('showif')}
            label={showIf ? m.showIfSource : m.showIf}
            value={showIf?.questionId ?? ''}
            options={options}
            onChange={(v) => update({ ...q, showIf: v ? { questionId: v, anyOf: [] } : undefined })}
            error={errorAt(errors, `${at}.showIf.questionId`) ?? errors[`${at}.showIf`]}
          />
          {showIf && source && (
            <fieldset aria-describedby={id('showif-values-error')} aria-invalid={Boolean(valuesError) || undefined}>
              <legend>{m.showIfValues}</legend>
              <div class="choices check-columns">
                {values.map((v) => (
                  <Check
                    key={v}
                    id={id(`showif-${v}`)}
                    label={valueLabel(source, v, groups)}
                    checked={showIf.anyOf.includes(v)}
                    onChange={(on) => update({ ...q, showIf: { ...showIf, anyOf: toggled(showIf.anyOf, v, on) } })}
                  />
                ))}
              </div>
              <ErrorText id={id('showif-values-error')} error={valuesError} />
            </fieldset>
          )}
        </>
      )}
    </div>
  );
}

/** The path segments under `questions.<i>` that the question's controls show errors for, by type. */
function handledSegments(q: Question): string[] {
  const common = ['id', 'text', 'help'];
  if (isScored(q)) return [...common, 'scale', 'allowDontKnow', 'points', ...(q.type === 'dimensions' ? ['dimensions'] : [])];
  const asked = [...common, 'required', 'showIf'];
  switch (q.type) {
    case 'singleChoice':
      return [...asked, 'about', 'options'];
    case 'multipleChoice':
      return [...asked, 'about', 'options', 'maxChoices'];
    case 'shortText':
    case 'longText':
      return [...asked, 'about', 'maxLength'];
    case 'group':
      return [...asked, 'options'];
  }
}

function QuestionEditor({ item, index, items, groups, errors, update, move, remove }: QuestionProps) {
  const m = messages(adminForms);
  const { key, q } = item;
  const at = `questions.${index}`;
  const id = (s: string) => `q${key}-${s}`;
  const own = unplacedErrors(errors, at, handledSegments(q));
  const n = index + 1;
  return (
    <fieldset class="question" id={`q${key}`} data-question-id={q.id} aria-describedby={id('error')} aria-invalid={Boolean(own) || undefined}>
      <legend>{m.questionLegend({ n, type: m.type[q.type] })}</legend>
      <div class="question-tools actions">
        <button type="button" class="secondary small-button" id={id('up')} aria-label={m.moveUp({ n })} disabled={index === 0} onClick={() => move(-1)}>
          ↑ {m.up}
        </button>
        <button type="button" class="secondary small-button" id={id('down')} aria-label={m.moveDown({ n })} disabled={index === items.length - 1} onClick={() => move(1)}>
          ↓ {m.down}
        </button>
        <button type="button" class="secondary small-button danger" id={id('remove')} aria-label={m.removeQuestion({ n })} onClick={remove}>
          {m.remove}
        </button>
      </div>
      <ErrorText id={id('error')} error={own} />
      <TextField id={id('id')} label={m.qId} hint={m.qIdHint} value={q.id} maxLength={32} onInput={(v) => update({ ...q, id: v })} error={errorAt(errors, `${at}.id`)} />
      <LocalizedTextField id={id('text')} label={m.qText} value={q.text} onInput={(v) => update({ ...q, text: v })} errors={errors} path={`${at}.text`} />
      <LocalizedTextField id={id('help')} label={m.qHelp} value={q.help ?? EMPTY_TEXT} onInput={(v) => update({ ...q, help: v })} errors={errors} path={`${at}.help`} multiline />
      {isScored(q) ? (
        <p class="muted small">{m.scoredNote}</p>
      ) : (
        <div class="check-field">
          <Check id={id('required')} label={m.qRequired} checked={q.required} onChange={(on) => update({ ...q, required: on })} />
        </div>
      )}
      {'about' in q && (
        <fieldset>
          <legend>{m.about}</legend>
          <div class="choices">
            {(['unit', 'respondent'] as const satisfies readonly About[]).map((a) => (
              <label key={a} class="choice">
                <input type="radio" name={id('about')} value={a} checked={q.about === a} onChange={() => update({ ...q, about: a })} />
                <span>{a === 'unit' ? m.aboutUnit : m.aboutRespondent}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {isScored(q) && <RatingFields q={q} at={at} key_={key} errors={errors} update={update} />}
      {q.type === 'dimensions' && <DimensionsFields q={q} at={at} key_={key} errors={errors} update={update} />}
      {(q.type === 'singleChoice' || q.type === 'multipleChoice') && <OptionsFields q={q} at={at} key_={key} errors={errors} update={update} />}
      {q.type === 'multipleChoice' && (
        <NumberField
          id={id('max-choices')}
          label={m.maxChoices}
          hint={m.maxChoicesHint}
          value={q.maxChoices}
          optional
          integer
          onChange={(v) => update({ ...q, maxChoices: v })}
          error={errorAt(errors, `${at}.maxChoices`)}
        />
      )}
      {(q.type === 'shortText' || q.type === 'longText') && (
        <NumberField
          id={id('max-length')}
          label={m.maxLength}
          hint={m.maxLengthHint({ max: TEXT_MAX_LENGTH[q.type] })}
          value={q.maxLength}
          integer
          onChange={(v) => update({ ...q, maxLength: v ?? Number.NaN })}
          error={errorAt(errors, `${at}.maxLength`)}
        />
      )}
      {q.type === 'group' && <GroupOptions q={q} at={at} key_={key} errors={errors} groups={groups} update={update} />}
      {!isScored(q) && <ShowIfFields q={q} index={index} at={at} key_={key} items={items} errors={errors} groups={groups} update={update} />}
    </fieldset>
  );
}

// ---- a published version, read-only ---------------------------------------------------------------------

interface VersionViewProps {
  version: FormVersion;
  units: readonly Unit[];
  groups: readonly RespondentGroup[];
  onHide: () => void;
}

function VersionView({ version, units, groups, onHide }: VersionViewProps) {
  const m = messages(adminForms);
  const c = version.content;
  const list = (items: string[]) => items.join(lang.value === 'en' ? ', ' : '、');
  const unitName = (unitId: string) => {
    const u = units.find((x) => x.unitId === unitId);
    return u ? local(u.name) : unitId;
  };
  const groupName = (groupId: string) => {
    const g = groups.find((x) => x.groupId === groupId);
    return g ? local(g.name) : groupId;
  };
  const details = (q: Question): string[] => {
    const out: string[] = [];
    if (isScored(q)) {
      out.push(local(SCALE_LABELS[q.scale]));
      if (q.allowDontKnow) out.push(local(DONT_KNOW_LABEL));
      if (q.points) {
        const levels = scaleLevels(q.scale);
        const levelName = (level: string) => {
          const found = levels.find((l) => l.key === (level as RatingLevel));
          return found ? local(found.label) : level;
        };
        out.push(list(Object.entries(q.points).map(([level, p]) => `${levelName(level)} ${p}`)));
      }
    }
    if (q.type === 'dimensions') out.push(list(q.dimensions.map((d) => `${local(d.label)}（${m.weightOf({ w: String(d.weight) })}）`)));
    if (q.type === 'singleChoice' || q.type === 'multipleChoice') out.push(list(q.options.map((o) => local(o.label))));
    if (q.type === 'multipleChoice' && q.maxChoices) out.push(m.upTo({ n: q.maxChoices }));
    if (q.type === 'group') out.push(list(q.options.map(groupName)));
    if ('maxLength' in q) out.push(m.maxLengthHint({ max: q.maxLength }));
    if ('about' in q) out.push(q.about === 'unit' ? m.aboutUnit : m.aboutRespondent);
    if (q.showIf) {
      const showIf = q.showIf;
      const source = c.questions.find((s) => s.id === showIf.questionId);
      out.push(
        m.showIfSummary({
          question: source ? `“${local(source.text)}”` : showIf.questionId,
          values: list(showIf.anyOf.map((v) => (source ? valueLabel(source, v, groups) : v))),
        }),
      );
    }
    return out;
  };
  return (
    <section class="panel version-view" aria-labelledby="version-view-heading" data-version={version.version}>
      <h3 id="version-view-heading" tabIndex={-1}>
        {m.viewing({ n: version.version })}
      </h3>
      <p class="muted small">{m.readOnlyNote({ at: formatDateTime(version.publishedAt) })}</p>
      <dl class="summary">
        <dt>{m.titleLabel}</dt>
        <dd class="version-title">{local(c.title)}</dd>
        {c.intro && (
          <>
            <dt>{m.introLabel}</dt>
            <dd>{local(c.intro)}</dd>
          </>
        )}
        <dt>{m.layoutLabel}</dt>
        <dd>{m.layout[c.layout]}</dd>
        <dt>{m.units}</dt>
        <dd>{list(c.unitIds.map(unitName))}</dd>
        <dt>{m.defaultGroup}</dt>
        <dd>{groupName(c.defaultGroup)}</dd>
      </dl>
      <ol class="version-questions">
        {c.questions.map((q) => (
          <li key={q.id}>
            <strong>{local(q.text)}</strong>{' '}
            <span class="muted small">
              {m.type[q.type]} · {q.id}
              {q.required ? ` · ${m.qRequired}` : ''}
            </span>
            {details(q).map((d, i) => (
              <span key={i} class="small unit-name">
                {d}
              </span>
            ))}
          </li>
        ))}
      </ol>
      <button type="button" class="secondary" onClick={onHide}>
        {m.hideVersion}
      </button>
    </section>
  );
}

// ---- the page -------------------------------------------------------------------------------------------

interface Loaded {
  detail: FormDetail;
  units: Unit[];
  groups: RespondentGroup[];
  periods: PeriodWithForms[];
}

type NoticeState = { kind: 'error' | 'info' | 'success'; text: string };

const NOTICE_ID = 'editor-notice';
const TOP_LEVEL = ['title', 'intro', 'layout', 'unitIds', 'defaultGroup', 'questions'];

function Editor({ formId, loaded, setDetail }: { formId: string; loaded: Loaded; setDetail: (d: FormDetail) => void }) {
  const m = messages(adminForms);
  const { detail, units, groups, periods } = loaded;
  // Built once: the draft then changes by edits and by the API's answers (apply).
  const draft = useMemo(() => signal<Draft>(toDraft(detail.form.draft)), []);
  const dirty = useSignal(false);
  const errors = useSignal<FieldErrors>({});
  const notice = useSignal<NoticeState | undefined>(undefined);
  const busy = useSignal<'save' | 'publish' | 'close' | undefined>(undefined);
  const announcement = useSignal('');
  const addType = useSignal<QuestionType>('singleChoice');
  const viewing = useSignal<FormVersion | undefined>(undefined);
  const viewFailure = useSignal<string | undefined>(undefined);

  const form = detail.form;
  const closed = form.status === 'closed';
  const d = draft.value;
  const e = errors.value;
  const period = periods.find((p) => p.periodId === form.periodId);

  /** Takes the form as the API answered it; the questions keep their keys where the list is unchanged. */
  const apply = (next: FormDetail) => {
    setDetail(next);
    const keys = draft.value.items.length === next.form.draft.questions.length ? draft.value.items.map((i) => i.key) : [];
    draft.value = toDraft(next.form.draft, keys);
    dirty.value = false;
  };

  const edit = (next: Draft) => {
    draft.value = next;
    dirty.value = true;
  };
  const setBase = (patch: Partial<Draft['base']>) => edit({ ...draft.value, base: { ...draft.value.base, ...patch } });

  const show = (kind: NoticeState['kind'], text: string, focus: boolean) => {
    notice.value = { kind, text };
    if (focus) focusById(NOTICE_ID);
  };

  /** The first control marked invalid, or the notice when no control shows the error. */
  const focusFirstError = () =>
    afterRender(() => {
      const invalid = document.querySelector<HTMLElement>('#editor [aria-invalid="true"]');
      const target = invalid && !invalid.matches('input, select, textarea') ? invalid.querySelector<HTMLElement>('input, select, textarea') : invalid;
      (target ?? document.getElementById(NOTICE_ID))?.focus();
    });

  const reload = async () => {
    try {
      apply(await call(getAdminForm, { params: { formId } }));
    } catch (err) {
      show('error', failureOf(err).message, true);
    }
  };

  /** What a refused save, publish or close means here. */
  const handleFailure = async (err: unknown) => {
    if (err instanceof ApiError && err.code === ERROR.conflict) {
      if (err.reason === CONFLICT.staleRevision) {
        errors.value = {};
        await reload();
        show('error', m.stale, true);
        return;
      }
      if (err.reason === CONFLICT.nothingToPublish) {
        show('info', err.message, true);
        return;
      }
      if (err.reason === CONFLICT.formClosed) {
        await reload();
        show('error', err.message, true);
        return;
      }
    }
    const failure = failureOf(err, { prefix: 'content.' });
    errors.value = failure.fields;
    const unplaced = unplacedErrors(failure.fields, '', TOP_LEVEL);
    show('error', unplaced ? `${failure.message} ${unplaced}` : failure.message, false);
    focusFirstError();
  };

  /** Saves the draft; the saved form, or undefined when it was refused (and said so). */
  const saveNow = async (): Promise<FormDetail | undefined> => {
    const content = toContent(draft.value);
    const nan = notANumber(content);
    if (nan.length > 0) {
      errors.value = Object.fromEntries(nan.map((p) => [p, m.errNumber]));
      show('error', messages(staffCommon).errFixFields, false);
      focusFirstError();
      return undefined;
    }
    try {
      const saved = await call(saveFormDraft, { params: { formId }, body: { content, rev: detail.form.rev } });
      errors.value = {};
      apply(saved);
      return saved;
    } catch (err) {
      await handleFailure(err);
      return undefined;
    }
  };

  const save = async () => {
    busy.value = 'save';
    notice.value = undefined;
    if (await saveNow()) show('success', m.saved, false);
    busy.value = undefined;
  };

  const publish = async () => {
    const next = form.latestVersion + 1;
    if (!window.confirm(m.publishConfirm({ next }) + (dirty.value ? m.publishConfirmUnsaved : ''))) return;
    busy.value = 'publish';
    notice.value = undefined;
    const current = dirty.value ? await saveNow() : detail;
    if (current) {
      try {
        const published = await call(publishForm, { params: { formId }, body: { rev: current.form.rev } });
        errors.value = {};
        apply(published);
        show('success', m.published({ n: published.form.latestVersion }), true);
      } catch (err) {
        await handleFailure(err);
      }
    }
    busy.value = undefined;
  };

  const close = async () => {
    if (!window.confirm(m.closeConfirm)) return;
    busy.value = 'close';
    notice.value = undefined;
    try {
      apply(await call(closeForm, { params: { formId }, body: { rev: detail.form.rev } }));
      show('success', m.closedNow, true);
    } catch (err) {
      await handleFailure(err);
    }
    busy.value = undefined;
  };

  const view = async (version: number) => {
    viewFailure.value = undefined;
    try {
      viewing.value = await call(getFormVersion, { params: { formId, version } });
      focusById('version-view-heading');
    } catch (err) {
      viewFailure.value = failureOf(err).message;
    }
  };

  // Questions: edits, moves, removal and addition. Index-based errors no longer fit after a structural change.
  const updateQuestion = (key: number, q: Question) => {
    const current = draft.value;
    const before = current.items.find((i) => i.key === key)?.q;
    const renamed = before && before.id !== q.id ? { from: before.id, to: q.id } : undefined;
    edit({
      ...current,
      items: current.items.map((i) => {
        if (i.key === key) return { key, q };
        // A condition follows the question it refers to when that question's id is edited.
        if (renamed && i.q.showIf?.questionId === renamed.from) return { ...i, q: { ...i.q, showIf: { ...i.q.showIf, questionId: renamed.to } } };
        return i;
      }),
    });
  };
  const moveQuestion = (index: number, by: -1 | 1) => {
    const items = [...draft.value.items];
    const [item] = items.splice(index, 1);
    if (!item) return;
    items.splice(index + by, 0, item);
    errors.value = {};
    edit({ ...draft.value, items });
    announcement.value = m.movedTo({ n: index + by + 1 });
    const to = index + by;
    focusById(to === 0 ? `q${item.key}-down` : to === items.length - 1 ? `q${item.key}-up` : `q${item.key}-${by < 0 ? 'up' : 'down'}`);
  };
  const removeQuestion = (index: number) => {
    const items = draft.value.items.filter((_, i) => i !== index);
    errors.value = {};
    edit({ ...draft.value, items });
    announcement.value = m.removed;
    const next = items[index] ?? items[index - 1];
    focusById(next ? `q${next.key}-remove` : 'add-type');
  };
  const addQuestion = () => {
    const current = draft.value;
    const item = { key: newKey(), q: newQuestion(addType.value, current, groups) };
    errors.value = {};
    edit({ ...current, items: [...current.items, item] });
    announcement.value = m.added({ n: current.items.length + 1 });
    focusById(`q${item.key}-text-zh-CN`);
  };

  // Units: the active ones, and retired ones only while they are on the form.
  const active = units.filter((u) => u.status === 'active');
  const known = new Set(units.map((u) => u.unitId));
  const shownUnits = [
    ...active.map((u) => ({ id: u.unitId, name: local(u.name), retired: false })),
    // As saved (not as edited), so that a retired unit unticked by mistake can be ticked again before saving.
    ...units
      .filter((u) => u.status === 'retired' && (form.draft.unitIds.includes(u.unitId) || d.base.unitIds.includes(u.unitId)))
      .map((u) => ({ id: u.unitId, name: local(u.name), retired: true })),
    ...d.base.unitIds.filter((id) => !known.has(id)).map((id) => ({ id, name: id, retired: false })),
  ];
  const unitsError = errorAt(e, 'unitIds');
  const activeChosen = active.filter((u) => d.base.unitIds.includes(u.unitId)).length;

  const groupOptions = [
    ...groups.map((g) => ({ value: g.groupId, label: local(g.name) })),
    ...(groups.some((g) => g.groupId === d.base.defaultGroup) ? [] : [{ value: d.base.defaultGroup, label: d.base.defaultGroup }]),
  ];

  const previewHref = `rate.html?form=${encodeURIComponent(formId)}&preview=1`;
  const linksHref = `form-links.html?form=${encodeURIComponent(formId)}`;

  return (
    <>
      <p class="breadcrumb small">
        <a href="admin-forms.html">← {m.backToList}</a>
      </p>
      <h1>{local(form.draft.title)}</h1>
      <p class="form-meta">
        <span class={`badge badge-form-${form.status}`} id="form-status">
          {m.status[form.status]}
        </span>{' '}
        <span class="muted small">
          {form.formId} · {m.periodIs({ period: period ? local(period.name) : form.periodId })} ·{' '}
          {form.latestVersion > 0 ? m.versionN({ n: form.latestVersion }) : m.notPublished}
        </span>
        {detail.hasUnpublishedChanges && !closed && (
          <>
            {' '}
            <span class="badge badge-warn unpublished-marker">{m.unpublishedChanges}</span>
          </>
        )}
      </p>
      <p class="actions editor-links">
        <a class="button" href={previewHref} target="_blank" rel="opener" id="preview-link">
          {m.preview}
          <span class="visually-hidden">{m.newTab}</span>
        </a>
        <a class="button" href={linksHref} id="links-link">
          {m.linksShort}
        </a>
      </p>
      {dirty.value && (
        <p class="muted small" id="preview-saved-only">
          {m.previewSavedOnly}
        </p>
      )}
      <div aria-live="polite" class="visually-hidden" id="editor-announcement">
        {announcement.value}
      </div>
      {notice.value && (
        <Notice kind={notice.value.kind} id={NOTICE_ID}>
          {notice.value.text}
        </Notice>
      )}
      {closed && <Notice kind="info">{m.closedNotice}</Notice>}

      <form
        id="editor"
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          if (!busy.value && !closed) void save();
        }}
      >
        <fieldset class="bare" disabled={closed}>
          <section class="editor-section" aria-labelledby="basics-heading">
            <h2 id="basics-heading">{m.basicsHeading}</h2>
            <LocalizedTextField id="title" label={m.titleLabel} value={d.base.title} onInput={(v) => setBase({ title: v })} errors={e} path="title" />
            <LocalizedTextField id="intro" label={m.introLabel} value={d.base.intro ?? EMPTY_TEXT} onInput={(v) => setBase({ intro: v })} errors={e} path="intro" multiline />
            <fieldset aria-describedby="layout-error" aria-invalid={Boolean(errorAt(e, 'layout')) || undefined}>
              <legend>{m.layoutLabel}</legend>
              <div class="choices">
                {LAYOUTS.map((l) => (
                  <label key={l} class="choice">
                    <input type="radio" name="layout" value={l} checked={d.base.layout === l} aria-describedby={`layout-${l}-hint`} onChange={() => setBase({ layout: l })} />
                    <span>
                      {m.layout[l]}
                      <span id={`layout-${l}-hint`} class="muted small unit-name">
                        {m.layoutHint[l]}
                      </span>
                    </span>
                  </label>
                ))}
              </div>
              <ErrorText id="layout-error" error={errorAt(e, 'layout')} />
            </fieldset>
            <SelectField
              id="defaultGroup"
              label={m.defaultGroupLabel}
              hint={m.defaultGroupHint}
              value={d.base.defaultGroup}
              options={groupOptions}
              onChange={(v) => setBase({ defaultGroup: v })}
              error={errorAt(e, 'defaultGroup')}
            />
          </section>

          <section class="editor-section" aria-labelledby="units-heading">
            <h2 id="units-heading">{m.unitsHeading}</h2>
            <fieldset id="units" aria-describedby="units-hint units-count units-error" aria-invalid={Boolean(unitsError) || undefined}>
              <legend>{m.unitsHeading}</legend>
              <p id="units-hint" class="muted small">
                {m.unitsHint} {shownUnits.some((u) => u.retired) ? m.retiredHint : ''}
              </p>
              <div class="actions">
                <button
                  type="button"
                  class="secondary small-button"
                  id="units-all"
                  onClick={() => setBase({ unitIds: [...d.base.unitIds, ...active.map((u) => u.unitId).filter((id) => !d.base.unitIds.includes(id))] })}
                >
                  {m.selectAll}
                </button>
                <button type="button" class="secondary small-button" id="units-none" onClick={() => setBase({ unitIds: [] })}>
                  {m.selectNone}
                </button>
              </div>
              <p id="units-count" class="small" aria-live="polite">
                {m.unitsChosen({ n: activeChosen, total: active.length })}
              </p>
              <div class="choices check-columns">
                {shownUnits.map((u) => (
                  <Check
                    key={u.id}
                    id={`unit-${u.id}`}
                    label={
                      <>
                        {u.name}
                        {u.retired && <span class="badge"> {m.retired}</span>}
                      </>
                    }
                    checked={d.base.unitIds.includes(u.id)}
                    onChange={(on) => setBase({ unitIds: toggled(d.base.unitIds, u.id, on) })}
                  />
                ))}
              </div>
              <ErrorText id="units-error" error={unitsError} />
            </fieldset>
          </section>

          <section class="editor-section" aria-labelledby="questions-heading">
            <h2 id="questions-heading">{m.questionsHeading}</h2>
            <ErrorText id="questions-error" error={e.questions} />
            {d.items.map((item, index) => (
              <QuestionEditor
                key={item.key}
                item={item}
                index={index}
                items={d.items}
                groups={groups}
                errors={e}
                update={(q) => updateQuestion(item.key, q)}
                move={(by) => moveQuestion(index, by)}
                remove={() => removeQuestion(index)}
              />
            ))}
            <div class="add-question">
              <SelectField
                id="add-type"
                label={m.newQuestionType}
                value={addType.value}
                options={QUESTION_TYPES.map((t) => ({ value: t, label: m.type[t] }))}
                onChange={(v) => (addType.value = v as QuestionType)}
              />
              <button type="button" class="secondary" id="add-question" onClick={addQuestion}>
                {m.addQuestion}
              </button>
            </div>
          </section>

          <section class="editor-section editor-actions" aria-labelledby="publish-heading">
            <h2 id="publish-heading" class="visually-hidden">
              {m.saveDraft} / {m.publish}
            </h2>
            {dirty.value && (
              <p class="small unsaved-marker" role="status">
                {m.unsaved}
              </p>
            )}
            <div class="actions">
              <button type="submit" class="primary" id="save" disabled={Boolean(busy.value)}>
                {busy.value === 'save' ? m.saving : m.saveDraft}
              </button>
              <button type="button" class="secondary" id="publish" disabled={Boolean(busy.value)} aria-describedby="publish-note" onClick={() => void publish()}>
                {busy.value === 'publish' ? m.publishing : m.publish}
              </button>
              <button type="button" class="secondary danger" id="close-form" disabled={Boolean(busy.value)} onClick={() => void close()}>
                {busy.value === 'close' ? m.closing : m.closeForm}
              </button>
            </div>
            <p id="publish-note" class="muted small">
              {form.latestVersion > 0 ? m.publishNote({ n: form.latestVersion, next: form.latestVersion + 1 }) : m.publishNoteFirst}
            </p>
          </section>
        </fieldset>
      </form>

      <section class="editor-section" aria-labelledby="history-heading" id="history">
        <h2 id="history-heading">{m.historyHeading}</h2>
        {detail.versions.length === 0 ? (
          <p>{m.noVersions}</p>
        ) : (
          <div class="table-scroll">
            <table class="versions-table">
              <caption class="visually-hidden">{m.historyHeading}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.colVersionNo}</th>
                  <th scope="col">{m.colPublishedAt}</th>
                  <th scope="col">{m.colView}</th>
                </tr>
              </thead>
              <tbody>
                {detail.versions.map((v) => (
                  <tr key={v.version} data-version={v.version}>
                    <th scope="row">{m.versionN({ n: v.version })}</th>
                    <td>{formatDateTime(v.publishedAt)}</td>
                    <td>
                      <button
                        type="button"
                        class="secondary small-button"
                        id={`view-version-${v.version}`}
                        onClick={() => void view(v.version)}
                      >
                        {m.view({ n: v.version })}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {viewFailure.value && <Notice kind="error">{viewFailure.value}</Notice>}
        {viewing.value && (
          <VersionView
            version={viewing.value}
            units={units}
            groups={groups}
            onHide={() => {
              const n = viewing.value?.version;
              viewing.value = undefined;
              if (n) focusById(`view-version-${n}`);
            }}
          />
        )}
      </section>
    </>
  );
}

function EditorPage() {
  const m = messages(adminForms);
  const formId = new URLSearchParams(location.search).get('form') ?? '';
  const loaded = useSignal<Loaded | undefined>(undefined);
  const failure = useSignal<string | undefined>(undefined);
  useEffect(() => {
    if (!formId) return;
    Promise.all([call(getAdminForm, { params: { formId } }), call(listUnits, {}), call(listGroups, {}), call(listPeriods, {})]).then(
      ([detail, units, groups, periods]) => (loaded.value = { detail, units: units.units, groups: groups.groups, periods: periods.periods }),
      (err: unknown) => (failure.value = err instanceof ApiError && err.status === 404 ? m.formNotFound : failureOf(err).message),
    );
  }, []);
  if (!formId) return <Notice kind="error">{m.missingForm}</Notice>;
  if (failure.value) {
    return (
      <>
        <Notice kind="error">{failure.value}</Notice>
        <p>
          <a href="admin-forms.html">{m.backToList}</a>
        </p>
      </>
    );
  }
  const data = loaded.value;
  if (!data) return <Loading />;
  return <Editor formId={formId} loaded={data} setDetail={(detail) => (loaded.value = { ...data, detail })} />;
}

function Root() {
  const m = messages(adminForms);
  return (
    <StaffShell roles={['admin']} title={m.editorTitle}>
      <EditorPage />
    </StaffShell>
  );
}

mount(<Root />);
