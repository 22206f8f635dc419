import { useSignal, type Signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { PublishedForm } from '../../../../functions/domain/evaluation/published-form';
import type { Receipt } from '../../../../functions/domain/evaluation/response';
import { CONFLICT, type AdmissionRefusal } from '../../../../functions/domain/errors';
import { ERROR } from '../../../../functions/platform/error-codes';
import { getForm, previewForm, submitResponse } from '../../../../functions/routes/evaluation';
import { ApiError, NetworkError, call } from '../../app/api';
import { failureOf } from '../../app/components/fields';
import { Frame, Loading, Notice, mount } from '../../app/components/frame';
import { formatDateTime } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { session } from '../../app/session';
import { newUuid } from '../../app/uuid';
import { common } from '../../messages/common';
import { evaluation } from '../../messages/evaluation';
import { followUpOffer } from '../../messages/cases';
import { badUnitsOf, handOverFollowUp } from '../cases/follow-up-handoff';
import {
  checkDraft,
  emptyDraft,
  errorsByTarget,
  fieldId,
  fieldOrder,
  ratedUnits,
  shownErrors,
  type Draft,
  type FieldErrors,
  type IssueText,
} from './form-model';
import { FormView, unitName } from './form-view';

/**
 * The citizens' page: `rate.html?form=<formId>[&unit=<unitId>][&preview=1][#t=<token>]`. Loads a published
 * form (or, for an admin, the preview of its draft), lets the respondent fill it in, checks it with the
 * domain's own rules, and sends it once — every retry of one submission carries the same submissionId, so a
 * retry never counts twice — then shows the receipt code. An invitation or service-record link (一事一评)
 * carries its one-time token in the fragment; a period that takes ballots through such links only says so
 * before anyone fills anything in.
 */

const params = new URLSearchParams(location.search);
const formId = params.get('form') ?? '';
const unitParam = params.get('unit') ?? '';
const isPreview = params.get('preview') === '1';

/** Where this tab keeps the token of the link it was opened by, so that a reload still rates with it. */
const TOKEN_KEY = `pingyi.ballot-token${location.search}`;

/**
 * The ballot token of the link (`#t=<token>`). A fragment never reaches a server; the page takes it out of
 * the address bar and the history at once (so it is not bookmarked, synced or shared by accident), keeps it
 * for this tab only, and sends it nowhere but in the body of the submission.
 */
function takeBallotToken(): string | undefined {
  const fromLink = new URLSearchParams(location.hash.replace(/^#/, '')).get('t') ?? undefined;
  if (fromLink) history.replaceState(null, '', location.pathname + location.search);
  try {
    if (fromLink) sessionStorage.setItem(TOKEN_KEY, fromLink);
    return fromLink ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    // Blocked storage: the token still works until the page is left.
    return fromLink;
  }
}

/** Forgets the kept token once the link has rated (or can no longer rate). */
function forgetBallotToken(): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing kept.
  }
}

const ballotToken = takeBallotToken();

type Load =
  | { kind: 'loading' }
  | { kind: 'ready'; form: PublishedForm }
  | { kind: 'failed'; problem: 'noForm' | 'notFound' | 'server' | 'network' | 'signIn' | 'forbidden' };

/** Why the form takes no answers now: the period's state, or the form closed. */
type Closed = 'notYetOpen' | 'ended' | 'formClosed';

/** Why this link cannot rate: the period's admission refused it, or its token was used (and when). */
type Refused = { kind: 'admission'; reason: AdmissionRefusal } | { kind: 'tokenUsed'; usedAt: string | undefined };

/** What the last try to send said, above the form. */
type Outcome =
  | { kind: 'retry'; message: string }
  | { kind: 'refused'; message: string }
  | { kind: 'alreadyRecorded' }
  | { kind: 'previewChecked' };

interface Sent {
  receipt: Receipt;
  /** The units rated on at least one dimension, and how many were 不了解 throughout. */
  rated: string[];
  dontKnow: number;
  /** The units rated in a bottom level (差评): offered a follow-up. */
  bad: string[];
}

function loadForm(load: Signal<Load>): void {
  load.value = { kind: 'loading' };
  if (!formId) {
    load.value = { kind: 'failed', problem: 'noForm' };
    return;
  }
  if (isPreview && !session.value.token) {
    load.value = { kind: 'failed', problem: 'signIn' };
    return;
  }
  const request = isPreview ? call(previewForm, { params: { formId } }) : call(getForm, { params: { formId } });
  request.then(
    (form) => (load.value = { kind: 'ready', form }),
    (err: unknown) => {
      let problem: Extract<Load, { kind: 'failed' }>['problem'] = 'server';
      if (err instanceof NetworkError) problem = 'network';
      else if (err instanceof ApiError && err.status === 404) problem = 'notFound';
      else if (err instanceof ApiError && err.status === 401) problem = 'signIn';
      else if (err instanceof ApiError && err.status === 403) problem = 'forbidden';
      else console.error(err);
      load.value = { kind: 'failed', problem };
    },
  );
}

function RatePage() {
  const c = messages(common);
  const m = messages(evaluation);
  const load = useSignal<Load>({ kind: 'loading' });
  useEffect(() => loadForm(load), []);

  const state = load.value;
  if (state.kind !== 'ready') {
    let body;
    if (state.kind === 'loading') body = <Loading />;
    else {
      const problem = {
        noForm: m.noFormChosen,
        notFound: m.formNotFound,
        server: `${m.loadFailed} ${c.errServer}`,
        network: `${m.loadFailed} ${c.errNetwork}`,
        signIn: m.previewSignIn,
        forbidden: m.previewForbidden,
      }[state.problem];
      body = (
        <>
          <Notice kind="error">{problem}</Notice>
          {state.problem === 'signIn' ? (
            <p>
              <a href="admin-forms.html">{m.previewSignInLink}</a>
            </p>
          ) : state.problem === 'server' || state.problem === 'network' ? (
            <p>
              <button type="button" class="secondary" onClick={() => loadForm(load)}>
                {m.tryAgain}
              </button>
            </p>
          ) : null}
          <p>
            <a href="./">← {m.backHome}</a>
          </p>
        </>
      );
    }
    return (
      <Frame title={c.appTagline}>
        {isPreview && <PreviewBanner />}
        <h1>{c.appTagline}</h1>
        {body}
      </Frame>
    );
  }
  return <Rating form={state.form} />;
}

function PreviewBanner() {
  const m = messages(evaluation);
  return (
    <aside class="preview-banner" aria-label={m.previewBanner}>
      <p class="preview-title" lang="zh-CN">
        {m.previewBanner}
      </p>
      <p>{m.previewNote}</p>
    </aside>
  );
}

/** The unit a link fixes on a one-unit form, if it names one of the form's units. */
function fixedUnitOf(form: PublishedForm): string | undefined {
  return form.content.layout === 'oneUnit' && form.content.unitIds.includes(unitParam) ? unitParam : undefined;
}

/** Sets the focus on the first control with an issue, in page order (the first input of a group). */
function focusFirstProblem(order: string[], errors: FieldErrors): void {
  const first = order.find((p) => errors[p]?.length) ?? Object.keys(errors)[0];
  if (first) focusField(first);
}

function focusField(path: string): void {
  const el = document.getElementById(fieldId(path));
  if (!el) return;
  const control = el.matches('input, select, textarea') ? el : el.querySelector<HTMLElement>('input:checked, input, select, textarea, button');
  (control ?? el).focus();
  el.scrollIntoView({ block: 'center' });
}

/** After the next render: Preact renders signal changes in a microtask, so a zero timeout runs after it. */
const afterRender = (fn: () => void) => setTimeout(fn, 0);

function Rating({ form }: { form: PublishedForm }) {
  const m = messages(evaluation);
  const fixedUnit = fixedUnitOf(form);
  const draft = useSignal<Draft>(emptyDraft(fixedUnit ?? ''));
  const errors = useSignal<FieldErrors>({});
  const outcome = useSignal<Outcome | undefined>(undefined);
  const closed = useSignal<Closed | undefined>(undefined);
  const refused = useSignal<Refused | undefined>(undefined);
  const sending = useSignal(false);
  const sent = useSignal<Sent | undefined>(undefined);
  /** Made once per submission and sent again on every retry of it. */
  const submissionId = useSignal<string | undefined>(undefined);
  const { content, period } = form;
  const order = fieldOrder(content);

  const startAgain = () => {
    draft.value = emptyDraft(fixedUnit ?? '');
    errors.value = {};
    outcome.value = undefined;
    sent.value = undefined;
    submissionId.value = undefined;
    afterRender(() => document.getElementById('rate-form')?.querySelector<HTMLElement>('input, select, textarea')?.focus());
  };

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (sending.value) return;
    outcome.value = undefined;
    const { errors: found, accepted: submission } = checkDraft(content, draft.value);
    errors.value = found;
    if (Object.keys(found).length > 0) {
      afterRender(() => focusFirstProblem(order, found));
      return;
    }
    if (form.preview) {
      outcome.value = { kind: 'previewChecked' };
      afterRender(() => document.getElementById('form-outcome')?.focus());
      return;
    }
    submissionId.value ??= newUuid();
    sending.value = true;
    try {
      const receipt = await call(submitResponse, {
        body: {
          formId: form.formId,
          version: form.version,
          ...submission,
          submissionId: submissionId.value,
          ...(ballotToken ? { token: ballotToken } : {}),
        },
      });
      const rated = ratedUnits(content, submission);
      sent.value = { receipt, rated, dontKnow: Object.keys(submission.units).length - rated.length, bad: badUnitsOf(content, submission.units) };
      submissionId.value = undefined;
      if (ballotToken) forgetBallotToken();
      afterRender(() => document.getElementById('receipt-heading')?.focus());
    } catch (err) {
      onFailure(err);
    } finally {
      sending.value = false;
    }
  };

  const onFailure = (err: unknown) => {
    if (err instanceof ApiError && err.code === ERROR.periodClosed) {
      closed.value = err.reason === 'notYetOpen' ? 'notYetOpen' : 'ended';
      afterRender(() => document.getElementById('form-closed')?.focus());
      return;
    }
    if (err instanceof ApiError && err.code === ERROR.conflict && err.reason === CONFLICT.formClosed) {
      closed.value = 'formClosed';
      afterRender(() => document.getElementById('form-closed')?.focus());
      return;
    }
    if (err instanceof ApiError && err.code === ERROR.admissionRefused && isRefusal(err.reason)) {
      refused.value = { kind: 'admission', reason: err.reason };
      if (err.reason !== 'otherUnit') forgetBallotToken();
      afterRender(() => document.getElementById('link-refused')?.focus());
      return;
    }
    if (err instanceof ApiError && err.code === ERROR.conflict && err.reason === CONFLICT.tokenUsed) {
      refused.value = { kind: 'tokenUsed', usedAt: err.usedAt };
      forgetBallotToken();
      afterRender(() => document.getElementById('link-refused')?.focus());
      return;
    }
    if (err instanceof ApiError && err.code === ERROR.conflict && err.reason === CONFLICT.submissionIdReused) {
      outcome.value = { kind: 'alreadyRecorded' };
    } else if (err instanceof ApiError && err.status === 400 && err.fields.length > 0) {
      // The API's paths are the page's (one-unit forms: `units.<id>` shown at `unit`), its texts in the page's language.
      const found = errorsByTarget(content, err.fields);
      errors.value = found;
      afterRender(() => focusFirstProblem(order, found));
      return;
    } else if (err instanceof NetworkError || !(err instanceof ApiError) || err.status >= 500) {
      // Never a 5xx's own text. The same submissionId makes the retry safe.
      const busy = err instanceof ApiError && err.status === 503 && err.retryAfterSeconds === undefined;
      outcome.value = { kind: 'retry', message: busy ? m.errBusyNoWait : failureOf(err).message };
    } else {
      outcome.value = { kind: 'refused', message: err.message };
    }
    afterRender(() => document.getElementById('form-outcome')?.focus());
  };

  const stateNow: Closed | undefined = closed.value ?? (form.preview || period.state === 'open' ? undefined : period.state);
  // A period open to invitation or service-record links only: said before anything is filled in.
  const refusedNow: Refused | undefined =
    refused.value ?? (!form.preview && !ballotToken && period.admission !== 'open' ? { kind: 'admission', reason: 'tokenRequired' } : undefined);
  const title = local(content.title);

  let body;
  if (sent.value) {
    body = <ReceiptView form={form} sent={sent.value} onAgain={ballotToken ? undefined : startAgain} />;
  } else if (refusedNow && !stateNow) {
    body = <RefusedView refused={refusedNow} />;
  } else if (stateNow) {
    const text = {
      notYetOpen: m.periodNotYetOpen({ opens: formatDateTime(period.opensAt) }),
      ended: m.periodEnded,
      formClosed: m.formClosed,
    }[stateNow];
    body = (
      <>
        <div id="form-closed" tabIndex={-1}>
          <Notice kind="info">{text}</Notice>
        </div>
        <p>
          <a href="./">← {m.backHome}</a>
        </p>
      </>
    );
  } else {
    body = (
      <form id="rate-form" noValidate onSubmit={onSubmit} aria-busy={sending.value}>
        <ErrorSummary form={form} order={order} errors={shownErrors(content, draft.value, errors.value)} />
        {content.intro && <p class="intro">{local(content.intro)}</p>}
        {unitParam && !fixedUnit && content.layout === 'oneUnit' && <Notice kind="info">{m.unitFromLink}</Notice>}
        {ballotToken && <p class="muted small" id="via-link">{m.viaLink}</p>}
        <FormView form={form} draft={draft} errors={errors} fixedUnit={fixedUnit} />
        <OutcomeView outcome={outcome.value} onStartNew={startAgain} />
        <button type="submit" class="primary" id="submit" disabled={sending.value}>
          {sending.value ? m.submitting : outcome.value?.kind === 'retry' ? m.retry : m.submit}
        </button>
      </form>
    );
  }

  return (
    <Frame title={title}>
      {form.preview && <PreviewBanner />}
      <header class="page-head">
        <h1>{title}</h1>
        <p class="muted">{local(period.name)}</p>
        <p class="muted small">{m.periodWindow({ opens: formatDateTime(period.opensAt), closes: formatDateTime(period.closesAt) })}</p>
        {form.preview && period.state !== 'open' && (
          <p class="muted small">
            {m.previewPeriod({ state: { notYetOpen: m.stateNotYetOpen, open: m.stateOpen, ended: m.stateEnded }[period.state] })}
          </p>
        )}
        {form.preview && period.admission !== 'open' && <p class="muted small">{m.previewLinksOnly}</p>}
      </header>
      {body}
    </Frame>
  );
}

/** A label for the control at `path` in the error summary: the unit and the question or dimension. */
function labelOf(form: PublishedForm, path: string): string {
  const m = messages(evaluation);
  const parts = path.split('.');
  let unit: string | undefined;
  let rest: string[];
  if (parts[0] === 'answers') rest = parts.slice(1);
  else if (parts[0] === 'unit') rest = parts.slice(1);
  else if (parts[0] === 'units' && parts[1]) {
    unit = unitName(form, parts[1]);
    rest = parts.slice(2);
  } else return path;
  if (rest.length === 0) return unit ?? m.unitLabel;
  const question = form.content.questions.find((q) => q.id === rest[0]);
  let label = question ? local(question.text) : rest[0]!;
  if (question?.type === 'dimensions' && rest[1]) {
    const d = question.dimensions.find((x) => x.id === rest[1]);
    if (d) label = unit ? local(d.label) : `${label} · ${local(d.label)}`;
  }
  return unit ? `${unit} · ${label}` : label;
}

/** Every issue at the top, in page order, each a link to its control. */
function ErrorSummary({ form, order, errors }: { form: PublishedForm; order: string[]; errors: FieldErrors }) {
  const m = messages(evaluation);
  const paths = Object.keys(errors).filter((p) => errors[p]?.length);
  if (paths.length === 0) return null;
  const rank = (p: string) => (order.includes(p) ? order.indexOf(p) : order.length);
  paths.sort((a, b) => rank(a) - rank(b));
  const text = (issue: IssueText) => (typeof issue === 'string' ? issue : local(issue));
  return (
    <div id="error-summary" class="notice notice-error form-error-summary" role="alert" aria-labelledby="error-summary-heading">
      <p id="error-summary-heading" class="form-error-summary-heading">
        {m.errorSummary({ count: paths.length })}
      </p>
      <ul>
        {paths.map((p) => (
          <li key={p}>
            <a
              href={`#${fieldId(p)}`}
              data-path={p}
              onClick={(e) => {
                e.preventDefault();
                focusField(p);
              }}
            >
              {labelOf(form, p)}
            </a>
            <span class="summary-message">{errors[p]!.map(text).join(' ')}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function OutcomeView({ outcome, onStartNew }: { outcome: Outcome | undefined; onStartNew: () => void }) {
  const m = messages(evaluation);
  if (!outcome) return null;
  if (outcome.kind === 'previewChecked') {
    return (
      <div id="form-outcome" tabIndex={-1}>
        <Notice kind="success">{m.previewNotSubmitted}</Notice>
      </div>
    );
  }
  if (outcome.kind === 'alreadyRecorded') {
    return (
      <div id="form-outcome" tabIndex={-1}>
        <Notice kind="info">
          <p>{m.alreadyRecorded}</p>
          <button type="button" class="secondary" id="start-new" onClick={onStartNew}>
            {m.startNew}
          </button>
        </Notice>
      </div>
    );
  }
  return (
    <div id="form-outcome" tabIndex={-1}>
      <Notice kind="error">
        <p>{outcome.message}</p>
        {outcome.kind === 'retry' && <p class="small">{m.retrySafe}</p>}
      </Notice>
    </div>
  );
}

const REFUSALS: readonly AdmissionRefusal[] = ['tokenRequired', 'invalidToken', 'expiredToken', 'otherPeriod', 'otherUnit'];
const isRefusal = (reason: string | undefined): reason is AdmissionRefusal => REFUSALS.includes(reason as AdmissionRefusal);

/** Why this link cannot rate, in place of the form: the period takes links only, the link is wrong, or it was used. */
function RefusedView({ refused }: { refused: Refused }) {
  const m = messages(evaluation);
  let text;
  if (refused.kind === 'tokenUsed') {
    text = (
      <>
        <p>{refused.usedAt ? m.tokenUsedAt({ at: formatDateTime(refused.usedAt) }) : m.tokenUsed}</p>
        <p>{m.tokenUsedMine}</p>
      </>
    );
  } else {
    text = (
      <p>
        {
          {
            tokenRequired: m.refusedTokenRequired,
            invalidToken: m.refusedInvalidToken,
            expiredToken: m.refusedExpiredToken,
            otherPeriod: m.refusedOtherPeriod,
            otherUnit: m.refusedOtherUnit,
          }[refused.reason]
        }
      </p>
    );
  }
  return (
    <>
      <div id="link-refused" tabIndex={-1} data-reason={refused.kind === 'tokenUsed' ? 'tokenUsed' : refused.reason}>
        <Notice kind="info">{text}</Notice>
      </div>
      <p>
        <a href="./">← {m.backHome}</a>
      </p>
    </>
  );
}

function ReceiptView({ form, sent, onAgain }: { form: PublishedForm; sent: Sent; onAgain: (() => void) | undefined }) {
  const m = messages(evaluation);
  const { receipt, rated, dontKnow, bad } = sent;
  const f = messages(followUpOffer);
  // The follow-up page gets the ballot through this tab's storage, never the address (the receipt code is proof).
  const handOver = () =>
    handOverFollowUp({
      periodId: receipt.periodId,
      ballotRef: receipt.ballotRef,
      receiptCode: receipt.receiptCode,
      units: form.units.filter((u) => bad.includes(u.unitId)).map(({ unitId, name }) => ({ unitId, name })),
    });
  return (
    <section id="receipt" class="receipt" aria-labelledby="receipt-heading">
      <h2 id="receipt-heading" tabIndex={-1}>
        {m.receiptHeading}
      </h2>
      <dl>
        <dt>{m.receiptCode}</dt>
        <dd>
          <code id="receipt-code">{receipt.receiptCode}</code>
        </dd>
        <dt>{m.receiptTime}</dt>
        <dd id="receipt-time">{formatDateTime(receipt.submittedAt)}</dd>
        <dt>{m.receiptUnits}</dt>
        <dd id="receipt-units">
          {rated.length === 0 ? (
            m.receiptNoUnits
          ) : (
            <ul class="form-receipt-units">
              {rated.map((u) => (
                <li key={u} data-unit-id={u}>
                  {unitName(form, u)}
                </li>
              ))}
            </ul>
          )}
          {rated.length > 0 && dontKnow > 0 && <p class="muted small">{m.receiptDontKnow({ count: dontKnow })}</p>}
        </dd>
      </dl>
      <p class="muted small">{m.receiptKeep}</p>
      <p class="small">
        <a id="counted-link" href={`counted.html?period=${encodeURIComponent(receipt.periodId)}`}>
          {m.receiptCheck}
        </a>
      </p>
      {bad.length > 0 && (
        <p id="follow-up-offer">
          {f.offerNote}{' '}
          <a id="follow-up-link" href="follow-up.html" onClick={handOver}>
            {f.offerLink}
          </a>
        </p>
      )}
      {!onAgain && <p class="muted small">{m.linkRatesOnce}</p>}
      <div class="actions">
        {onAgain && (
          <button type="button" class="primary" id="rate-again" onClick={onAgain}>
            {m.rateAgain}
          </button>
        )}
        <a class="button" href="./">
          {m.backHome}
        </a>
      </div>
    </section>
  );
}

mount(<RatePage />);
