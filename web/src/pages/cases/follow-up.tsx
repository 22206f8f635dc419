import { useSignal } from '@preact/signals';
import type { BadReviewCase, BadReviewInput } from '../../../../functions/domain/cases/bad-review';
import type { CaseContact } from '../../../../functions/domain/cases/case';
import { fileBadReview } from '../../../../functions/routes/cases';
import { call } from '../../app/api';
import { Field, FailureNotice, errorAt, failureOf, focusSoon, type Failure } from '../../app/components/fields';
import { useDraft } from '../../app/components/use-draft';
import { Frame, Notice, mount } from '../../app/components/frame';
import { local, messages } from '../../app/i18n';
import { casesCitizen, casesFollowUp } from '../../messages/cases';
import { CaseReceiptList, ContactFieldset, focusFirstInvalid } from './case-views';
import { forgetFollowUp, readFollowUp, type FollowUpHandoff } from './follow-up-handoff';

/**
 * The follow-up on a bad rating (follow-up.html), phone first and without an account: the rate page hands
 * over the ballot and the units it rated badly (through this tab's storage, never the address); the citizen
 * leaves a phone number or an email, agrees to a callback and may add a remark; each unit gets one case
 * (POST /cases/bad-reviews). Its tracking number and access code are shown once, with the note to keep
 * them; a unit whose case an earlier request opened is said to be so. The API checks everything and names
 * each failing field, shown at its control.
 */

interface Draft {
  name: string;
  phone: string;
  email: string;
  consent: boolean;
  remark: string;
}

const EMPTY: Draft = { name: '', phone: '', email: '', consent: false, remark: '' };

/** The controls of the form, by the API's field path: where an error shows and what gets the focus. */
const PLACED = ['contact', 'callbackConsent', 'remark'] as const;

/** What the API is sent: the handed-over ballot, the contact fields given, the remark if any. */
function requestOf(h: FollowUpHandoff, d: Draft): BadReviewInput {
  const contact: CaseContact = {
    ...(d.name.trim() ? { name: d.name } : {}),
    ...(d.phone.trim() ? { phone: d.phone } : {}),
    ...(d.email.trim() ? { email: d.email } : {}),
  };
  return {
    periodId: h.periodId,
    ballotRef: h.ballotRef,
    receiptCode: h.receiptCode,
    contact,
    // An unticked box is the API's to name (one list of failing fields, in the page's language).
    callbackConsent: d.consent as true,
    ...(d.remark.trim() ? { remark: d.remark } : {}),
  };
}

/** What a failure says above the form: a refusal of the ballot itself (nothing bad, retired units) as its own message. */
function shownFailure(failure: Failure): Failure {
  const ballot = failure.fields.ballotRef ?? failure.fields.receiptCode ?? failure.fields.periodId;
  if (!ballot) return failure;
  const { ballotRef: _r, receiptCode: _c, periodId: _p, ...fields } = failure.fields;
  return { ...failure, message: ballot, fields };
}

function Cases({ handoff, cases }: { handoff: FollowUpHandoff; cases: BadReviewCase[] }) {
  const m = messages(casesCitizen);
  const f = messages(casesFollowUp);
  const nameOf = (unitId: string) => {
    const unit = handoff.units.find((u) => u.unitId === unitId);
    return unit ? local(unit.name) : unitId;
  };
  return (
    <section id="follow-up-receipt" class="receipt case-receipt" aria-labelledby="follow-up-receipt-heading">
      <h2 id="follow-up-receipt-heading" tabIndex={-1}>
        {f.doneHeading}
      </h2>
      {cases.map((c) => (
        <div key={c.unitId} class="follow-up-case" data-unit-id={c.unitId} data-opened={String(c.opened)}>
          <h3>{nameOf(c.unitId)}</h3>
          {c.opened ? (
            <>
              <CaseReceiptList receipt={c} labels={{ number: m.receiptNumber, code: m.receiptCode, due: m.receiptDue }} />
              {c.beyondCalendar && <p class="muted small">{m.beyondCalendar}</p>}
              <p>
                <a href={`track.html?number=${encodeURIComponent(c.trackingNumber)}`}>{m.trackThis}</a>
              </p>
            </>
          ) : (
            <p class="opened-before">{f.openedBefore}</p>
          )}
        </div>
      ))}
      {cases.some((c) => c.opened) && (
        <p class="notice notice-info" id="receipt-keep">
          {m.receiptKeep}
        </p>
      )}
    </section>
  );
}

function FollowUp({ handoff }: { handoff: FollowUpHandoff }) {
  const m = messages(casesCitizen);
  const f = messages(casesFollowUp);
  const { draft, failure, busy, set, send } = useDraft<Draft>(EMPTY);
  const cases = useSignal<BadReviewCase[] | undefined>(undefined);

  const d = draft.value;
  const fields = failure.value?.fields ?? {};

  const submit = (e: Event) =>
    send(
      e,
      async () => {
        cases.value = (await call(fileBadReview, { body: requestOf(handoff, draft.value) })).cases;
        forgetFollowUp();
        focusSoon('follow-up-receipt-heading');
      },
      (err) => {
        failure.value = shownFailure(failureOf(err));
        focusFirstInvalid('follow-up-form', 'follow-up-failure');
      },
    );

  if (cases.value) {
    return (
      <Frame title={f.title}>
        <h1>{f.title}</h1>
        <Cases handoff={handoff} cases={cases.value} />
        <p class="footer-link">
          <a href="./">← {m.backHome}</a>
        </p>
      </Frame>
    );
  }

  return (
    <Frame title={f.title}>
      <h1>{f.title}</h1>
      <p>{f.intro}</p>
      <h2>{f.unitsHeading}</h2>
      <ul id="follow-up-units">
        {handoff.units.map((u) => (
          <li key={u.unitId} data-unit-id={u.unitId}>
            {local(u.name)}
          </li>
        ))}
      </ul>
      {failure.value && <FailureNotice id="follow-up-failure" failure={failure.value} placed={PLACED} onReload={() => location.reload()} />}
      <form id="follow-up-form" noValidate onSubmit={submit}>
        <ContactFieldset
          legend={f.contactLegend}
          hint={m.contactHint}
          consentLabel={f.consentLabel}
          labels={{ name: m.nameLabel, phone: m.phoneLabel, email: m.emailLabel }}
          order={['phone', 'email', 'name']}
          draft={d}
          fields={fields}
          set={set}
        />
        <Field id="remark" label={f.remarkLabel} hint={f.remarkHint} error={errorAt(fields, 'remark')}>
          {(describedBy, invalid) => (
            <textarea
              id="remark"
              name="remark"
              rows={4}
              value={d.remark}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onInput={(e) => set('remark', { remark: (e.currentTarget as HTMLTextAreaElement).value })}
            />
          )}
        </Field>
        <button type="submit" class="primary" id="follow-up-submit" disabled={busy.value}>
          {busy.value ? f.submitting : f.submit}
        </button>
      </form>
      <p class="footer-link">
        <a href="./">← {m.backHome}</a>
      </p>
    </Frame>
  );
}

function NothingHandedOver() {
  const m = messages(casesCitizen);
  const f = messages(casesFollowUp);
  return (
    <Frame title={f.title}>
      <h1>{f.title}</h1>
      <div id="follow-up-missing">
        <Notice kind="info">{f.nothingHandedOver}</Notice>
      </div>
      <p class="footer-link">
        <a href="./">← {m.backHome}</a>
      </p>
    </Frame>
  );
}

/** Read once: the page's ballot is the one the rate page handed over in this tab. */
const handoff = readFollowUp();

mount(handoff ? <FollowUp handoff={handoff} /> : <NothingHandedOver />);
