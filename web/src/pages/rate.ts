import { ZPublishedForm, type PublishedForm, type Unit } from '../../../functions/domain/catalog';
import { DONT_KNOW, scaleLevels, type Rating } from '../../../functions/domain/rating-scale';
import { ZReceipt, ZResponseInput, type Receipt } from '../../../functions/domain/response';
import { ApiError, NetworkError, callJson } from '../api';
import { h } from '../dom';
import { formatDateTime, local, t } from '../i18n';
import { groupLabel, ratingLabel } from '../labels';
import { notice, startPage } from '../shell';
import { newUuid } from '../uuid';

/** The fields a respondent fills in, in page order; error messages and focus follow this order. */
const FIELDS = ['unitId', 'rating', 'group', 'comment'] as const;
type Field = (typeof FIELDS)[number];
const isField = (name: string): name is Field => (FIELDS as readonly string[]).includes(name);

/** Units in a select get a search box above this many. */
const FILTER_FROM = 8;

const params = new URLSearchParams(location.search);
const formId = params.get('form');

let published: PublishedForm | undefined;
let loadFailure: 'noForm' | 'notFound' | 'server' | undefined = formId ? undefined : 'noForm';

const draft = { unitId: params.get('unit') ?? '', rating: '', group: '', comment: '' };
let unitFilter = '';
/** Made once per submission and sent again on every retry, so a retry never counts twice. */
let submissionId: string | undefined;
let submitting = false;
/**
 * A message of the page's own (a function, so it follows a language switch) or one the API wrote in the
 * language of the request that got it.
 */
type Message = string | (() => string);
const text = (message: Message): string => (typeof message === 'function' ? message() : message);

let fieldErrors: Partial<Record<Field, Message>> = {};
/** The message above the form: what went wrong with the last try. */
let formError: Message | undefined;
let canRetry = false;
/** Set when the server says the period is not open, even if the page still thought it was. */
let closedMessage: string | undefined;
let receipt: (Receipt & { unit: Unit; rating: Rating }) | undefined;

const page = startPage({
  title: () => (published ? local(published.form.title) : t().appTagline),
  render,
});

function render(main: HTMLElement): void {
  const m = t();
  if (loadFailure) {
    const problem = { noForm: m.noFormChosen, notFound: m.formNotFound, server: m.errServer }[loadFailure];
    main.replaceChildren(notice('error', problem), homeLink());
    return;
  }
  if (!published) {
    main.replaceChildren(h('p', { class: 'muted', role: 'status' }, m.loading));
    return;
  }
  const { form, period } = published;
  const header = h(
    'header',
    { class: 'page-head' },
    h('h1', {}, local(form.title)),
    h('p', { class: 'muted' }, local(period.name)),
    h(
      'p',
      { class: 'muted small' },
      m.periodWindow({ opens: formatDateTime(period.opensAt), closes: formatDateTime(period.closesAt) }),
    ),
  );
  if (receipt) {
    main.replaceChildren(header, receiptView(receipt));
    return;
  }
  const closed =
    closedMessage ??
    (period.state === 'ended'
      ? m.periodEnded
      : period.state === 'notYetOpen'
        ? m.periodNotYetOpen({ opens: formatDateTime(period.opensAt) })
        : undefined);
  if (closed) {
    main.replaceChildren(header, h('div', { id: 'period-closed', tabindex: -1 }, notice('info', closed)), homeLink());
    return;
  }
  main.replaceChildren(header, formView(published));
}

function homeLink(): HTMLElement {
  return h('p', {}, h('a', { href: './' }, `← ${t().home}`));
}

function errorSlot(field: Field): HTMLElement {
  const message = fieldErrors[field];
  return h('p', { id: `${field}-error`, class: 'field-error', hidden: !message }, message ? text(message) : '');
}

/** Shows or clears one field's error without re-rendering, so typing never loses focus. */
function setFieldError(field: Field, message: Message | undefined): void {
  if (message) fieldErrors[field] = message;
  else delete fieldErrors[field];
  const slot = document.getElementById(`${field}-error`);
  if (slot) {
    slot.textContent = message ? text(message) : '';
    slot.hidden = !message;
  }
  document.getElementById(field)?.setAttribute('aria-invalid', String(Boolean(message)));
}

function describedBy(field: Field, ...more: string[]): string {
  return [`${field}-error`, ...more].join(' ');
}

function unitOptions(units: readonly Unit[]): HTMLOptionElement[] {
  const needle = unitFilter.trim().toLowerCase();
  const shown = units.filter(
    (u) =>
      !needle ||
      u.unitId === draft.unitId ||
      [u.name['zh-CN'], u.name.en, u.unitId].some((s) => s.toLowerCase().includes(needle)),
  );
  return [
    h('option', { value: '', selected: draft.unitId === '' }, shown.length ? t().unitPlaceholder : t().unitFilterNoMatch),
    ...shown.map((u) => h('option', { value: u.unitId, selected: u.unitId === draft.unitId }, local(u.name))),
  ];
}

function formView({ form, units }: PublishedForm): HTMLElement {
  const m = t();
  const choice = (name: 'rating' | 'group', value: string, label: string) =>
    h(
      'label',
      { class: 'choice' },
      h('input', {
        type: 'radio',
        name,
        value,
        checked: draft[name] === value,
        onchange: () => {
          draft[name] = value;
          setFieldError(name, undefined);
        },
      }),
      h('span', {}, label),
    );

  const unitSelect = h(
    'select',
    {
      id: 'unitId',
      name: 'unitId',
      'aria-describedby': describedBy('unitId'),
      'aria-invalid': String(Boolean(fieldErrors.unitId)),
      onchange: (e) => {
        draft.unitId = (e.target as HTMLSelectElement).value;
        setFieldError('unitId', undefined);
      },
    },
    unitOptions(units),
  );
  const unitFilterBox =
    units.length > FILTER_FROM &&
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'unit-filter', class: 'sub-label' }, m.unitFilterLabel),
      h('input', {
        id: 'unit-filter',
        type: 'search',
        value: unitFilter,
        autocomplete: 'off',
        oninput: (e) => {
          unitFilter = (e.target as HTMLInputElement).value;
          unitSelect.replaceChildren(...unitOptions(units));
        },
      }),
    );

  // Every level looks the same: nothing about a low rating may look discouraged.
  const ratingChoices = scaleLevels(form.scale).map((l) => choice('rating', l.key, local(l.label)));
  const comment =
    form.commentMaxLength > 0 &&
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'comment' }, m.commentLabel),
      h(
        'textarea',
        {
          id: 'comment',
          name: 'comment',
          rows: 4,
          maxlength: form.commentMaxLength,
          'aria-describedby': describedBy('comment', 'comment-counter'),
          'aria-invalid': String(Boolean(fieldErrors.comment)),
          oninput: (e) => {
            draft.comment = (e.target as HTMLTextAreaElement).value;
            const counter = document.getElementById('comment-counter');
            if (counter) counter.textContent = m.commentCounter({ used: draft.comment.length, max: form.commentMaxLength });
            if (draft.comment.trim().length <= form.commentMaxLength) setFieldError('comment', undefined);
          },
        },
        draft.comment,
      ),
      h(
        'p',
        { id: 'comment-counter', class: 'counter' },
        m.commentCounter({ used: draft.comment.length, max: form.commentMaxLength }),
      ),
      errorSlot('comment'),
    );

  return h(
    'form',
    { id: 'rate-form', novalidate: true, onsubmit: onSubmit },
    formError &&
      h('div', { id: 'form-error', tabindex: -1 }, notice('error', text(formError))),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'unitId' }, m.unitLabel),
      unitFilterBox,
      unitSelect,
      errorSlot('unitId'),
    ),
    h(
      'fieldset',
      { id: 'rating', 'aria-describedby': describedBy('rating', 'rating-hint'), 'aria-invalid': String(Boolean(fieldErrors.rating)) },
      h('legend', {}, m.ratingLegend),
      h('p', { id: 'rating-hint', class: 'muted small' }, m.ratingHint),
      h('div', { class: 'choices' }, ratingChoices),
      form.allowDontKnow && h('div', { class: 'choices choices-aside' }, choice('rating', DONT_KNOW, ratingLabel(DONT_KNOW))),
      errorSlot('rating'),
    ),
    h(
      'fieldset',
      { id: 'group', 'aria-describedby': describedBy('group'), 'aria-invalid': String(Boolean(fieldErrors.group)) },
      h('legend', {}, m.groupLegend),
      h('div', { class: 'choices' }, form.groups.map((g) => choice('group', g, groupLabel(g)))),
      errorSlot('group'),
    ),
    comment,
    h(
      'button',
      { type: 'submit', class: 'primary', disabled: submitting, 'aria-busy': String(submitting) },
      submitting ? m.submitting : canRetry ? m.retry : m.submit,
    ),
  );
}

function receiptView(r: NonNullable<typeof receipt>): HTMLElement {
  const m = t();
  const row = (label: string, value: Node | string) => [h('dt', {}, label), h('dd', {}, value)];
  return h(
    'section',
    { id: 'receipt', class: 'receipt', 'aria-labelledby': 'receipt-heading' },
    h('h2', { id: 'receipt-heading', tabindex: -1 }, m.receiptHeading),
    h(
      'dl',
      {},
      row(m.receiptIdLabel, h('code', { id: 'receipt-id' }, r.receiptId)),
      row(m.receiptTimeLabel, formatDateTime(r.submittedAt)),
      row(m.receiptUnitLabel, local(r.unit.name)),
      row(m.receiptRatingLabel, ratingLabel(r.rating)),
    ),
    h('p', { class: 'muted small' }, m.receiptKeep),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'rate-another', onclick: rateAnother }, m.rateAnother),
      h('a', { class: 'button', href: './' }, m.home),
    ),
  );
}

function rateAnother(): void {
  receipt = undefined;
  // Keep the respondent's group: the same person usually rates several units.
  Object.assign(draft, { unitId: '', rating: '', comment: '' });
  page.rerender();
  document.getElementById('unitId')?.focus();
}

/** The messages of the client-side check: ZResponseInput plus this form's own limits. */
function checkDraft(form: PublishedForm['form']): Partial<Record<Field, Message>> {
  const messages: Record<Field, Message> = {
    unitId: () => t().errUnit,
    rating: () => t().errRating,
    group: () => t().errGroup,
    comment: () => t().errComment({ max: form.commentMaxLength }),
  };
  const errors: Partial<Record<Field, Message>> = {};
  const parsed = ZResponseInput.safeParse(toInput(form));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (isField(field)) errors[field] = messages[field];
    }
  }
  if (draft.comment.trim().length > form.commentMaxLength) errors.comment = messages.comment;
  return errors;
}

function toInput(form: PublishedForm['form']): Record<string, unknown> {
  const comment = draft.comment.trim();
  return {
    formId: form.formId,
    periodId: form.periodId,
    unitId: draft.unitId || undefined,
    rating: draft.rating || undefined,
    group: draft.group || undefined,
    ...(comment ? { comment } : {}),
    submissionId,
  };
}

function focusFirstProblem(): void {
  const field = FIELDS.find((f) => fieldErrors[f]);
  if (field === 'rating' || field === 'group') {
    document.querySelector<HTMLInputElement>(`#${field} input`)?.focus();
  } else if (field) {
    document.getElementById(field)?.focus();
  } else {
    document.getElementById('form-error')?.focus();
  }
}

async function onSubmit(event: Event): Promise<void> {
  event.preventDefault();
  if (!published || submitting) return;
  const { form, units } = published;

  fieldErrors = checkDraft(form);
  if (Object.keys(fieldErrors).length > 0) {
    formError = () => t().errFixFields;
    page.rerender();
    focusFirstProblem();
    return;
  }

  submissionId ??= newUuid();
  submitting = true;
  formError = undefined;
  page.rerender();
  try {
    const input = ZResponseInput.parse(toInput(form));
    const stored = await callJson('submitResponse', ZReceipt, { body: input });
    const unit = units.find((u) => u.unitId === input.unitId);
    if (!unit) throw new Error(`unit ${input.unitId} vanished from the form`);
    receipt = { ...stored, unit, rating: input.rating };
    submissionId = undefined;
    canRetry = false;
  } catch (err) {
    handleSubmitError(err);
  } finally {
    submitting = false;
  }
  page.rerender();
  if (receipt) document.getElementById('receipt-heading')?.focus();
  else if (closedMessage) document.getElementById('period-closed')?.focus();
  else focusFirstProblem();
}

function handleSubmitError(err: unknown): void {
  canRetry = false;
  if (err instanceof NetworkError) {
    formError = () => t().errNetwork;
    canRetry = true;
    return;
  }
  if (!(err instanceof ApiError)) {
    console.error(err);
    formError = () => t().errServer;
    canRetry = true;
    return;
  }
  if (err.status === 503) {
    const seconds = err.retryAfterSeconds;
    formError = () => (seconds !== undefined ? t().errBusy({ seconds }) : t().errBusyNoWait);
    canRetry = true;
  } else if (err.status >= 500) {
    // Never show a 5xx message: it may carry internals. The same submissionId makes the retry safe.
    formError = () => t().errServer;
    canRetry = true;
  } else if (err.code === 'PERIOD_CLOSED') {
    closedMessage = err.message;
  } else if (err.code === 'VALIDATION_FAILED') {
    const unmatched: string[] = [];
    for (const f of err.fields) {
      const field = f.path.split('.')[0] ?? '';
      if (isField(field)) fieldErrors[field] ??= f.message;
      else unmatched.push(f.message);
    }
    formError = [err.message, ...unmatched].join(' ');
  } else {
    if (err.code === 'CONFLICT') submissionId = undefined;
    formError = err.message;
  }
}

if (formId) {
  callJson('getForm', ZPublishedForm, { params: { formId } }).then(
    (form) => {
      published = form;
      if (!form.units.some((u) => u.unitId === draft.unitId)) draft.unitId = '';
      if (form.form.groups.length === 1) draft.group = form.form.groups[0] ?? '';
      page.rerender();
    },
    (err: unknown) => {
      if (!(err instanceof ApiError && err.status === 404)) console.error(err);
      loadFailure = err instanceof ApiError && err.status === 404 ? 'notFound' : 'server';
      page.rerender();
    },
  );
}
