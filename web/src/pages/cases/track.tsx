import { useSignal } from '@preact/signals';
import { CONFLICT } from '../../../../functions/domain/errors';
import type { CaseStatus } from '../../../../functions/domain/cases/case';
import { CASE_ACTION_LABELS, CASE_KIND_LABELS, CASE_STATE_LABELS } from '../../../../functions/domain/cases/messages';
import { caseCallback, caseStatus } from '../../../../functions/routes/cases';
import { ApiError, call, isConflict } from '../../app/api';
import { FailureNotice, TextField, errorAt, failureOf, focusSoon, withoutErrorsAt, type Failure } from '../../app/components/fields';
import { Frame, Notice, mount } from '../../app/components/frame';
import { formatDateTime } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { casesCitizen } from '../../messages/cases';
import { RadioGroup, StateBadge, focusFirstInvalid, formatCstDay } from './case-views';

/**
 * The citizens' status page (track.html[?number=<tracking number>]): whoever holds a case's tracking number
 * and access code sees its state, deadline, steps (no staff names) and the reply or the reason it was not
 * accepted, and once it is replied, says whether the reply satisfied them (回访). The access code is never
 * put in the address: it goes only in the body of the POSTs, and lives only as long as this page.
 */

interface Credentials {
  trackingNumber: string;
  accessCode: string;
}

const numberFromLink = new URLSearchParams(location.search).get('number') ?? '';

function Status({ status }: { status: CaseStatus }) {
  const m = messages(casesCitizen);
  return (
    <>
      <dl class="case-facts" id="case-facts">
        <dt>{m.stateLabel}</dt>
        <dd>
          <StateBadge state={status.state} id="case-state" />
        </dd>
        <dt>{m.kindLabel}</dt>
        <dd>{local(CASE_KIND_LABELS[status.kind])}</dd>
        <dt>{m.receivedLabel}</dt>
        <dd>{formatDateTime(status.receivedAt)}</dd>
        <dt>{m.dueLabel}</dt>
        <dd id="case-due">
          {formatCstDay(status.dueDate)}
          {status.beyondCalendar && <span class="muted small block">{m.beyondCalendar}</span>}
        </dd>
      </dl>
      {status.reply && (
        <section class="case-reply" aria-labelledby="reply-heading">
          <h3 id="reply-heading">{m.replyHeading}</h3>
          <p id="case-reply" class="case-text">
            {status.reply.text}
          </p>
          <p class="muted small">{m.replyAt({ at: formatDateTime(status.reply.at) })}</p>
        </section>
      )}
      {status.rejectionReason && (
        <section class="case-reply" aria-labelledby="rejected-heading">
          <h3 id="rejected-heading">{m.rejectedHeading}</h3>
          <p id="case-rejection" class="case-text">
            {status.rejectionReason}
          </p>
        </section>
      )}
      <h3 id="history-heading">{m.historyHeading}</h3>
      <ol id="case-history" class="case-steps" aria-labelledby="history-heading">
        {status.events.map((e, i) => (
          <li key={i} data-action={e.action} data-to={e.to}>
            <p class="step-head">
              {local(CASE_ACTION_LABELS[e.action])}
              <span class="muted small"> · {e.from ? m.stateChange({ from: local(CASE_STATE_LABELS[e.from]), to: local(CASE_STATE_LABELS[e.to]) }) : local(CASE_STATE_LABELS[e.to])}</span>
            </p>
            <p class="muted small step-at">{formatDateTime(e.at)}</p>
            {e.note && <p class="case-text step-note">{e.note}</p>}
          </li>
        ))}
      </ol>
    </>
  );
}

function Callback({ credentials, onAnswered, onConflict }: { credentials: Credentials; onAnswered: (status: CaseStatus) => void; onConflict: () => void }) {
  const m = messages(casesCitizen);
  const satisfied = useSignal<'yes' | 'no' | undefined>(undefined);
  const comment = useSignal('');
  const failure = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const fields = failure.value?.fields ?? {};

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    if (!satisfied.value) {
      // The one thing the API cannot name for us: a boolean that was never chosen is not a field it can place.
      failure.value = { message: m.callbackRequired, fields: { satisfied: m.callbackRequired } };
      focusFirstInvalid('callback-form', 'callback-failure');
      return;
    }
    busy.value = true;
    failure.value = undefined;
    try {
      onAnswered(
        await call(caseCallback, {
          body: { ...credentials, satisfied: satisfied.value === 'yes', ...(comment.value.trim() ? { comment: comment.value } : {}) },
        }),
      );
    } catch (err) {
      if (isConflict(err, CONFLICT.illegalTransition) || isConflict(err, CONFLICT.staleRevision)) {
        onConflict();
        return;
      }
      failure.value = failureOf(err);
      focusFirstInvalid('callback-form', 'callback-failure');
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="panel case-callback" aria-labelledby="callback-heading">
      <h2 id="callback-heading">{m.callbackHeading}</h2>
      <p class="muted small">{m.callbackIntro}</p>
      {failure.value && <FailureNotice id="callback-failure" failure={failure.value} placed={['satisfied', 'comment']} onReload={onConflict} />}
      <form id="callback-form" noValidate onSubmit={submit}>
        <RadioGroup
          id="satisfied"
          legend={m.callbackLegend}
          options={[
            { value: 'yes', label: m.satisfied },
            { value: 'no', label: m.notSatisfied },
          ]}
          value={satisfied.value}
          onChange={(v) => {
            satisfied.value = v as 'yes' | 'no';
            if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, 'satisfied') };
          }}
          error={errorAt(fields, 'satisfied')}
        />
        <TextField id="comment" label={m.commentLabel} value={comment.value} onInput={(v) => (comment.value = v)} error={errorAt(fields, 'comment')} maxLength={500} />
        <button type="submit" class="primary" id="callback-submit" disabled={busy.value}>
          {busy.value ? m.submitting : m.sendCallback}
        </button>
      </form>
    </section>
  );
}

function Track() {
  const m = messages(casesCitizen);
  const number = useSignal(numberFromLink);
  const code = useSignal('');
  const failure = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const shown = useSignal<{ credentials: Credentials; status: CaseStatus } | undefined>(undefined);
  const notice = useSignal<{ kind: 'success' | 'info'; text: string } | undefined>(undefined);
  const fields = failure.value?.fields ?? {};

  const lookUp = async (credentials: Credentials): Promise<void> => {
    busy.value = true;
    failure.value = undefined;
    try {
      shown.value = { credentials, status: await call(caseStatus, { body: credentials }) };
      focusSoon('status-heading');
    } catch (err) {
      shown.value = undefined;
      failure.value = err instanceof ApiError && err.status === 404 ? { message: m.notFound, fields: {} } : failureOf(err);
      focusFirstInvalid('track-form', 'track-failure');
    } finally {
      busy.value = false;
    }
  };

  const outcome = (satisfied: boolean) => (satisfied ? m.satisfied : m.notSatisfied);
  const current = shown.value;
  return (
    <Frame title={m.trackTitle}>
      <h1>{m.trackTitle}</h1>
      <p>{m.trackIntro}</p>
      {failure.value && <FailureNotice id="track-failure" failure={failure.value} placed={['trackingNumber', 'accessCode']} onReload={() => location.reload()} />}
      <form
        id="track-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          notice.value = undefined;
          if (!busy.value) void lookUp({ trackingNumber: number.value.trim(), accessCode: code.value.trim() });
        }}
      >
        <TextField id="tracking-number" label={m.numberLabel} hint={m.numberHint} value={number.value} onInput={(v) => (number.value = v)} error={errorAt(fields, 'trackingNumber')} />
        <TextField id="access-code" label={m.codeLabel} value={code.value} onInput={(v) => (code.value = v)} error={errorAt(fields, 'accessCode')} />
        <button type="submit" class="primary" id="track-submit" disabled={busy.value}>
          {busy.value ? m.lookingUp : m.lookUp}
        </button>
      </form>
      {current && (
        <section id="case-status" class="panel case-status" aria-labelledby="status-heading">
          <h2 id="status-heading" tabIndex={-1}>
            {m.statusHeading({ number: current.status.trackingNumber })}
          </h2>
          {notice.value && (
            <Notice kind={notice.value.kind} id="track-notice">
              {notice.value.text}
            </Notice>
          )}
          <Status status={current.status} />
          {current.status.callback && current.status.state !== 'REPLIED' && (
            <p id="callback-done">{m.callbackDone({ outcome: outcome(current.status.callback.satisfied), at: formatDateTime(current.status.callback.at) })}</p>
          )}
        </section>
      )}
      {current?.status.state === 'REPLIED' && (
        <Callback
          key={current.status.reply?.at}
          credentials={current.credentials}
          onAnswered={(status) => {
            shown.value = { credentials: current.credentials, status };
            notice.value = { kind: 'success', text: m.callbackSaved({ outcome: outcome(status.callback?.satisfied ?? false) }) };
            focusSoon('track-notice');
          }}
          onConflict={() => {
            void lookUp(current.credentials).then(() => {
              notice.value = { kind: 'info', text: m.callbackConflict };
              focusSoon('track-notice');
            });
          }}
        />
      )}
      <p class="footer-link">
        <a href="./">← {m.backHome}</a>
      </p>
    </Frame>
  );
}

mount(<Track />);
