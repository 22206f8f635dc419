import type { ComponentChildren } from 'preact';
import type { LocalizedText } from '../../../../functions/domain/text';
import { CONFLICT } from '../../../../functions/domain/errors';
import { ApiError, NetworkError, isConflict } from '../api';
import { Notice } from './frame';
import { messages } from '../i18n';
import { common } from '../../messages/common';
import { staffCommon } from '../../messages/staff';

/**
 * Form controls the pages share, each with its label, hint and error tied to it for screen readers
 * (aria-describedby, aria-invalid), and the one way a failed call turns into what a form shows.
 */

/** Field errors by path (`name.zh-CN`, `questions.2.text.en`), as the API names them. */
export type FieldErrors = Record<string, string>;

/** The errors at `path` or below it, joined: a control shows what is wrong with it or its parts. */
export function errorAt(errors: FieldErrors, path: string): string | undefined {
  const found = Object.entries(errors)
    .filter(([p]) => p === path || p.startsWith(`${path}.`))
    .map(([, m]) => m);
  return found.length > 0 ? found.join(' ') : undefined;
}

export interface Failure {
  /** What to show above the form. */
  message: string;
  /** What to show at each field. */
  fields: FieldErrors;
  /** Someone saved the thing after the revision the form started from: offer to reload it. */
  stale?: boolean;
}

/**
 * What a failed call means for a form: a 400's fields at their controls (paths relative to `prefix`, e.g.
 * `content.` for a form's content), a taken id at the id's control (`idPath`), a stale revision marked so
 * the form can offer a reload, a network failure or a 5xx as a generic message (a 5xx message is never
 * shown), anything else by the API's own message, which is in the page's language.
 */
export function failureOf(err: unknown, { prefix = '', idPath }: { prefix?: string; idPath?: string } = {}): Failure {
  const m = messages(common);
  if (err instanceof NetworkError) return { message: m.errNetwork, fields: {} };
  if (!(err instanceof ApiError)) {
    console.error(err);
    return { message: m.errServer, fields: {} };
  }
  if (err.status === 503 && err.retryAfterSeconds !== undefined) return { message: m.errBusy({ seconds: err.retryAfterSeconds }), fields: {} };
  if (err.status >= 500) return { message: m.errServer, fields: {} };
  if (isConflict(err, CONFLICT.staleRevision)) return { message: err.message, fields: {}, stale: true };
  const fields: FieldErrors = {};
  for (const f of err.fields) {
    const path = f.path.startsWith(prefix) ? f.path.slice(prefix.length) : f.path;
    fields[path] = fields[path] ? `${fields[path]} ${f.message}` : f.message;
  }
  if (idPath && isConflict(err, CONFLICT.alreadyExists)) fields[idPath] = err.message;
  return { message: err.fields.length > 0 ? m.errFixFields : err.message, fields };
}

/** The errors left after the user changed the field at `path` (its own errors are stale now). */
export function withoutErrorsAt(fields: FieldErrors, path: string): FieldErrors {
  return Object.fromEntries(Object.entries(fields).filter(([p]) => p !== path && !p.startsWith(`${path}.`)));
}

/** Field errors the form has no control for (none of `placed` is the path or above it), as "path: message" lines. */
export function unplacedErrors(fields: FieldErrors, placed: readonly string[]): string[] {
  return Object.entries(fields)
    .filter(([p]) => !placed.some((at) => p === at || p.startsWith(`${at}.`)))
    .map(([p, message]) => `${p}: ${message}`);
}

/** Focuses an element once the render that the latest signal change scheduled has happened. */
export function focusSoon(id: string): void {
  setTimeout(() => document.getElementById(id)?.focus(), 0);
}

/** Focuses the first control marked invalid inside `containerId`, or else the element `fallbackId`. */
export function focusFirstError(containerId: string, fallbackId: string): void {
  setTimeout(() => {
    const invalid = document.querySelector<HTMLElement>(`#${containerId} [aria-invalid="true"]`);
    (invalid ?? document.getElementById(fallbackId))?.focus();
  }, 0);
}

/** The notice above a form: what failed, the errors no control shows, and a reload after a stale save. */
export function FailureNotice({ id, failure, placed, onReload }: { id: string; failure: Failure; placed: readonly string[]; onReload: () => void }) {
  const m = messages(staffCommon);
  const others = unplacedErrors(failure.fields, placed);
  return (
    <Notice kind="error" id={id}>
      <p>{failure.message}</p>
      {others.length > 0 && (
        <>
          <p>{m.otherErrors}</p>
          <ul>
            {others.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
      {failure.stale && (
        <button type="button" class="secondary" id={`${id}-reload`} onClick={onReload}>
          {m.reload}
        </button>
      )}
    </Notice>
  );
}

interface ControlProps {
  id: string;
  label: string;
  hint?: string;
  error?: string;
}

/** A label, a control and its hint and error, wired together. `children` gets the ids to describe it by. */
export function Field({ id, label, hint, error, children }: ControlProps & { children: (describedBy: string, invalid: boolean) => ComponentChildren }) {
  const describedBy = [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children(describedBy, Boolean(error))}
      {hint && (
        <p id={`${id}-hint`} class="muted small">
          {hint}
        </p>
      )}
      <p id={`${id}-error`} class="field-error" hidden={!error}>
        {error ?? ''}
      </p>
    </div>
  );
}

/** A one-line text input. */
export function TextField(props: ControlProps & { value: string; onInput: (value: string) => void; type?: 'text' | 'number' | 'datetime-local'; maxLength?: number; required?: boolean; inputMode?: 'numeric' | 'decimal' }) {
  const { id, value, onInput, type = 'text', maxLength, required, inputMode } = props;
  return (
    <Field {...props}>
      {(describedBy, invalid) => (
        <input
          id={id}
          name={id}
          type={type as 'text'}
          value={value}
          maxLength={maxLength}
          required={required}
          inputMode={inputMode}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
        />
      )}
    </Field>
  );
}

/** The Chinese and English versions of a name or text, side by side on a wide screen. `error` may be at `.zh-CN` or `.en`. */
export function LocalizedTextField(props: {
  id: string;
  label: string;
  value: LocalizedText;
  onInput: (value: LocalizedText) => void;
  errors: FieldErrors;
  /** The error path of this text (`name`, `questions.2.text`). */
  path: string;
  multiline?: boolean;
}) {
  const { id, label, value, onInput, errors, path, multiline } = props;
  const m = messages(staffCommon);
  const part = (lang: 'zh-CN' | 'en', suffix: string) => {
    const error = errorAt(errors, `${path}.${lang}`);
    const fieldId = `${id}-${lang}`;
    const set = (text: string) => onInput({ ...value, [lang]: text });
    return (
      <div class="field">
        <label for={fieldId}>{m.inLanguage({ label, language: suffix })}</label>
        {multiline ? (
          <textarea id={fieldId} rows={3} value={value[lang]} aria-describedby={`${fieldId}-error`} aria-invalid={Boolean(error)} onInput={(e) => set((e.currentTarget as HTMLTextAreaElement).value)} />
        ) : (
          <input id={fieldId} type="text" value={value[lang]} aria-describedby={`${fieldId}-error`} aria-invalid={Boolean(error)} onInput={(e) => set((e.currentTarget as HTMLInputElement).value)} />
        )}
        <p id={`${fieldId}-error`} class="field-error" hidden={!error}>
          {error ?? ''}
        </p>
      </div>
    );
  };
  return (
    <div class="localized-text">
      {part('zh-CN', m.chinese)}
      {part('en', m.english)}
    </div>
  );
}
