import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { FailureNotice, focusSoon } from './fields';
import type { SectionNotice } from './frame';
import { useDraft } from './use-draft';

/**
 * The actions panel of a staff page about one thing with a life cycle (a case, a ledger item): a button for
 * each action the signed-in person may take in its state, and the form of the one opened, with what failed
 * above its fields. What each action asks for and sends stays with the page.
 */

/**
 * The state of a page's action form: the action opened, what its fields hold, what failed, and the page's
 * notice. `reset` clears what else an opened form starts without (files picked apart from the fields).
 */
export function useActionForm<A extends string, D>(empty: D, reset?: () => void) {
  const { draft, failure, busy, set } = useDraft(empty);
  const acting = useSignal<A | undefined>(undefined);
  const notice = useSignal<SectionNotice | undefined>(undefined);
  /** Opens an action's form, empty, and takes the focus to its heading. */
  const open = (action: A) => {
    acting.value = action;
    draft.value = empty;
    failure.value = undefined;
    notice.value = undefined;
    reset?.();
    focusSoon('action-heading');
  };
  return { acting, draft, failure, busy, notice, open, set };
}

export type ActionForm<A extends string, D> = ReturnType<typeof useActionForm<A, D>>;

/** What the panel says, in the words of the page's catalogue. */
export interface ActionPanelTexts {
  actionsHeading: string;
  noActions: string;
  confirm: string;
  submitting: string;
  cancel: string;
}

/**
 * The panel: `actions` as buttons (named by `labelOf`), then `children` (what the page shows between), then
 * the open action's form with `fields`. A stale save's reload closes the form and calls `onReload`.
 */
export function ActionPanel<A extends string, D>(props: {
  form: ActionForm<A, D>;
  actions: readonly A[];
  labelOf: (action: A) => string;
  texts: ActionPanelTexts;
  placed: readonly string[];
  onSubmit: (e: Event) => void;
  onReload: () => void;
  fields: ComponentChildren;
  children?: ComponentChildren;
}) {
  const { form, actions, labelOf, texts: m } = props;
  const a = form.acting.value;
  return (
    <section class="panel case-actions" aria-labelledby="actions-heading">
      <h2 id="actions-heading">{m.actionsHeading}</h2>
      {actions.length === 0 ? (
        <p id="no-actions" class="muted">
          {m.noActions}
        </p>
      ) : (
        <div class="actions" id="action-buttons">
          {actions.map((action) => (
            <button key={action} type="button" class="secondary" data-action={action} aria-expanded={a === action} onClick={() => form.open(action)}>
              {labelOf(action)}
            </button>
          ))}
        </div>
      )}
      {props.children}
      {a && (
        <form id="action-form" noValidate onSubmit={props.onSubmit} aria-labelledby="action-heading" data-action={a}>
          <h3 id="action-heading" tabIndex={-1}>
            {labelOf(a)}
          </h3>
          {form.failure.value && (
            <FailureNotice
              id="action-failure"
              failure={form.failure.value}
              placed={props.placed}
              onReload={() => {
                form.acting.value = undefined;
                props.onReload();
              }}
            />
          )}
          {props.fields}
          <div class="actions">
            <button type="submit" class="primary" id="action-submit" disabled={form.busy.value}>
              {form.busy.value ? m.submitting : m.confirm}
            </button>
            <button type="button" class="secondary" onClick={() => (form.acting.value = undefined)}>
              {m.cancel}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
