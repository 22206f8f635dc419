import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import type { Appeal, ReviewEvent } from '../../../../functions/domain/evaluation/review';
import { COMMON_MESSAGES } from '../../../../functions/domain/messages';
import type { Failure } from '../../app/components/fields';
import { Notice } from '../../app/components/frame';
import { ScrollTable } from '../../app/components/scroll-table';
import { formatDateTime } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { review } from '../../messages/review';

/**
 * What both sides of review show alike: the form that asks for a reason before a decision or an appeal is
 * sent, the appeals with their decisions, and the record of every step. Supervisors and unit handlers see
 * the same decisions and the same reasons.
 */

/** The words of an appeal's status. */
export function appealStatusText(status: Appeal['status']): string {
  const m = messages(review);
  return { open: m.statusOpen, upheld: m.statusUpheld, rejected: m.statusRejected }[status];
}

/** A reason asked for before anything is sent: required, at most 500 characters, the API's error shown at it. */
export function ReasonForm(props: {
  heading: string;
  note?: string;
  label?: string;
  hint?: string;
  submitLabel?: string;
  busy: boolean;
  failure: Failure | undefined;
  error: string | undefined;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}) {
  const m = messages(review);
  const reason = useSignal('');
  const empty = useSignal(false);
  const error = (empty.value ? local(COMMON_MESSAGES.required) : undefined) ?? props.error;
  return (
    <section class="panel decision" aria-labelledby="decision-heading">
      <h3 id="decision-heading" tabIndex={-1}>
        {props.heading}
      </h3>
      {props.note && <p class="small">{props.note}</p>}
      {props.failure && !props.error && <Notice kind="error">{props.failure.message}</Notice>}
      <form
        id="decision-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!reason.value.trim()) {
            empty.value = true;
            document.getElementById('decision-reason')?.focus();
            return;
          }
          props.onSubmit(reason.value.trim());
        }}
      >
        <div class="field">
          <label for="decision-reason">{props.label ?? m.reasonLabel}</label>
          <textarea
            id="decision-reason"
            rows={3}
            maxLength={500}
            required
            value={reason.value}
            aria-describedby="decision-reason-hint decision-reason-error"
            aria-invalid={Boolean(error)}
            onInput={(e) => {
              reason.value = (e.currentTarget as HTMLTextAreaElement).value;
              empty.value = false;
            }}
          />
          <p id="decision-reason-hint" class="muted small">
            {props.hint ?? m.reasonHint}
          </p>
          <p id="decision-reason-error" class="field-error" hidden={!error}>
            {error ?? ''}
          </p>
        </div>
        <div class="actions">
          <button type="submit" class="primary" id="decision-submit" disabled={props.busy}>
            {props.busy ? m.confirming : (props.submitLabel ?? m.confirm)}
          </button>
          <button type="button" class="secondary" onClick={props.onCancel}>
            {m.cancel}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The appeals with their decisions and reasons, as both sides see them. */
export function AppealsTable(props: {
  appeals: readonly Appeal[];
  unitName: (unitId: string) => string;
  /** Show the rating's reference (for supervisors, who decide on it). */
  showRef?: boolean;
  actions?: (appeal: Appeal) => ComponentChildren;
}) {
  const { appeals, unitName, showRef, actions } = props;
  const m = messages(review);
  if (appeals.length === 0) return <p id="appeals-none">{m.appealsNone}</p>;
  return (
    <ScrollTable id="appeals-table" class="review-table" caption={m.appealsCaption({ count: appeals.length })} captionId="appeals-caption">
      <thead>
        <tr>
          <th scope="col">{m.colUnit}</th>
          {showRef && <th scope="col">{m.colRating}</th>}
          <th scope="col">{m.colAppealReason}</th>
          <th scope="col">{m.colFiled}</th>
          <th scope="col">{m.colStatus}</th>
          <th scope="col">{m.colDecision}</th>
          {actions && <th scope="col">{m.colActions}</th>}
        </tr>
      </thead>
      <tbody>
        {appeals.map((a) => (
          <tr key={a.appealId} data-appeal-id={a.appealId} data-ballot-ref={a.ballotRef} data-status={a.status}>
            <th scope="row">{unitName(a.unitId)}</th>
            {showRef && (
              <td>
                <code>{a.ballotRef}</code>
              </td>
            )}
            <td class="reason-text">{a.reason}</td>
            <td>{m.filedBy({ by: a.filedBy, at: formatDateTime(a.filedAt) })}</td>
            <td data-col="status">
              <span class={`badge badge-appeal-${a.status}`}>{appealStatusText(a.status)}</span>
            </td>
            <td data-col="decision">
              {a.decision ? (
                <>
                  <span class="reason-text">{a.decision.reason}</span>
                  <span class="muted small block">{m.decidedBy({ by: a.decision.by, at: formatDateTime(a.decision.at) })}</span>
                </>
              ) : (
                <span class="muted">—</span>
              )}
            </td>
            {actions && <td>{actions(a)}</td>}
          </tr>
        ))}
      </tbody>
    </ScrollTable>
  );
}

/** Every step of review in the order it happened: what, by whom, when and why. */
export function EventsTable({ events, unitName }: { events: readonly ReviewEvent[]; unitName: (unitId: string) => string }) {
  const m = messages(review);
  if (events.length === 0) return <p id="events-none">{m.eventsNone}</p>;
  return (
    <ScrollTable id="events-table" class="review-table" caption={m.eventsCaption({ count: events.length })} captionId="events-caption">
      <thead>
        <tr>
          <th scope="col">{m.colAt}</th>
          <th scope="col">{m.colEvent}</th>
          <th scope="col">{m.colUnit}</th>
          <th scope="col">{m.colReason}</th>
          <th scope="col">{m.colBy}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.eventId} data-type={e.type} data-subject-id={e.subjectId}>
            <th scope="row">{formatDateTime(e.at)}</th>
            <td>{m.eventType[e.type]}</td>
            <td>{unitName(e.unitId)}</td>
            <td class="reason-text">{e.reason}</td>
            <td>
              <code class="small">{e.by}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollTable>
  );
}
