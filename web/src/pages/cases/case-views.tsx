import type { CaseState } from '../../../../functions/domain/cases/case';
import { CASE_STATE_LABELS } from '../../../../functions/domain/cases/messages';
import { TIME_ZONE_OFFSET } from '../../../../functions/domain/time-zone';
import { formatDate } from '../../app/format';
import { Field } from '../../app/components/fields';
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

/** What a citizen enters to be called back: contact details and the consent. */
export interface ContactDraft {
  name: string;
  phone: string;
  email: string;
  consent: boolean;
}

type ContactKey = 'name' | 'phone' | 'email';
const CONTACT_INPUTS: Record<ContactKey, { autocomplete: string; type: string }> = {
  name: { autocomplete: 'name', type: 'text' },
  phone: { autocomplete: 'tel', type: 'tel' },
  email: { autocomplete: 'email', type: 'email' },
};

/**
 * The contact fieldset of the citizens' pages (a complaint, a bad rating's follow-up): name, phone and e-mail
 * in the order given, the error about the contact as a whole, and the consent to a callback; each error
 * where the API's 400 names it (`contact.<key>`, `contact`, `callbackConsent`).
 */
export function ContactFieldset(props: {
  legend: string;
  hint: string;
  consentLabel: string;
  labels: Record<ContactKey, string>;
  order: readonly ContactKey[];
  draft: ContactDraft;
  fields: Record<string, string>;
  set: (path: string, patch: Partial<ContactDraft>) => void;
}) {
  const { draft: d, fields, set } = props;
  const contactError = fields.contact;
  return (
    <fieldset id="contact" aria-describedby="contact-hint contact-error" aria-invalid={contactError ? true : undefined}>
      <legend>{props.legend}</legend>
      <p id="contact-hint" class="muted small">
        {props.hint}
      </p>
      {props.order.map((key) => (
        <Field key={key} id={`contact-${key}`} label={props.labels[key]} error={fields[`contact.${key}`]}>
          {(describedBy, invalid) => (
            <input
              id={`contact-${key}`}
              name={`contact-${key}`}
              type={CONTACT_INPUTS[key].type as 'text'}
              autocomplete={CONTACT_INPUTS[key].autocomplete}
              value={d[key]}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onInput={(e) => set(`contact.${key}`, { [key]: (e.currentTarget as HTMLInputElement).value })}
            />
          )}
        </Field>
      ))}
      <p id="contact-error" class="field-error" hidden={!contactError}>
        {contactError ?? ''}
      </p>
      <div class="field">
        <label class="choice" for="callback-consent">
          <input
            id="callback-consent"
            name="callback-consent"
            type="checkbox"
            checked={d.consent}
            aria-describedby="callback-consent-error"
            aria-invalid={Boolean(fields.callbackConsent)}
            onChange={(e) => set('callbackConsent', { consent: (e.currentTarget as HTMLInputElement).checked })}
          />
          <span>{props.consentLabel}</span>
        </label>
        <p id="callback-consent-error" class="field-error" hidden={!fields.callbackConsent}>
          {fields.callbackConsent ?? ''}
        </p>
      </div>
    </fieldset>
  );
}

/**
 * What a citizen keeps of a filed case: its tracking number, access code and deadline. `single` when the page
 * shows one receipt (its parts then have ids as well as classes).
 */
export function CaseReceiptList(props: {
  receipt: { trackingNumber: string; accessCode: string; dueDate: string };
  labels: { number: string; code: string; due: string };
  single?: boolean;
}) {
  const id = (name: string) => (props.single ? name : undefined);
  return (
    <dl>
      <dt>{props.labels.number}</dt>
      <dd>
        <code class="tracking-number" id={id('tracking-number')}>
          {props.receipt.trackingNumber}
        </code>
      </dd>
      <dt>{props.labels.code}</dt>
      <dd>
        <code class="access-code" id={id('access-code')}>
          {props.receipt.accessCode}
        </code>
      </dd>
      <dt>{props.labels.due}</dt>
      <dd class="receipt-due" id={id('receipt-due')}>
        {formatCstDay(props.receipt.dueDate)}
      </dd>
    </dl>
  );
}
