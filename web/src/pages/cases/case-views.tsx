import type { CaseState } from '../../../../functions/domain/cases/case';
import { CASE_STATE_LABELS } from '../../../../functions/domain/cases/messages';
import { TIME_ZONE_OFFSET } from '../../../../functions/domain/time-zone';
import { formatDate } from '../../app/format';
import { local } from '../../app/i18n';

/**
 * What the citizens' and the staff case pages show alike: a case's state as a badge, and its deadline, a
 * China Standard Time day.
 */

/** A case's state as a badge (its colour by state, its text in the page's language). */
export function StateBadge({ state, id }: { state: CaseState; id?: string }) {
  return (
    <span id={id} class={`badge case-state case-state-${state}`} data-state={state}>
      {local(CASE_STATE_LABELS[state])}
    </span>
  );
}

/** A CST day (`YYYY-MM-DD`, as a deadline is kept) in the page's language. */
export const formatCstDay = (day: string): string => formatDate(`${day}T12:00:00${TIME_ZONE_OFFSET}`);

/** A group of radios with its legend and error wired together for screen readers (a required radiogroup). */
export function RadioGroup(props: {
  id: string;
  legend: string;
  options: readonly { value: string; label: string }[];
  value: string | undefined;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  const { id, legend, options, value, onChange, error } = props;
  return (
    <fieldset id={id} role="radiogroup" aria-required="true" aria-describedby={`${id}-error`} aria-invalid={error ? true : undefined}>
      <legend>{legend}</legend>
      <div class="choices">
        {options.map((o) => (
          <label class="choice" key={o.value}>
            <input type="radio" name={id} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      <p id={`${id}-error`} class="field-error" hidden={!error}>
        {error ?? ''}
      </p>
    </fieldset>
  );
}

/**
 * Focuses the first control marked invalid inside `containerId` (the first input of an invalid group of
 * radios or fields), or else the element `fallbackId`, once the render that marked them has happened.
 */
export function focusFirstInvalid(containerId: string, fallbackId: string): void {
  setTimeout(() => {
    const invalid = document.querySelector<HTMLElement>(`#${containerId} [aria-invalid="true"]`);
    const target = invalid?.tagName === 'FIELDSET' ? (invalid.querySelector<HTMLElement>('[aria-invalid="true"], input, select, textarea') ?? invalid) : invalid;
    (target ?? document.getElementById(fallbackId))?.focus();
  }, 0);
}
