import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { CaseIntake, CaseKind, CaseReceipt } from '../../../../functions/domain/cases/case';
import { CASE_KIND_LABELS } from '../../../../functions/domain/cases/messages';
import { fileCase } from '../../../../functions/routes/cases';
import { call } from '../../app/api';
import { AttachmentPicker, usePickedFiles } from '../../app/components/attachment-picker';
import { Field, FailureNotice, errorAt, failureOf, focusSoon } from '../../app/components/fields';
import { useDraft } from '../../app/components/use-draft';
import { Frame, Notice, mount } from '../../app/components/frame';
import { local, messages } from '../../app/i18n';
import { casesCitizen } from '../../messages/cases';
import { CaseReceiptList, ContactFieldset, RadioGroup, focusFirstInvalid } from './case-views';
import { loadUnitChoices, type UnitChoice } from './unit-choices';

/**
 * The citizens' intake (complain.html), phone first and without an account: the kind of matter, the unit
 * (or "I don't know which unit"), what happened, optional attachments (checked here against the domain's
 * limits, then each uploaded straight to its upload URL with its progress shown, before the case is filed
 * with their keys), optional contact details and callback consent. The API
 * checks everything and names each failing field, shown at its control; on success the tracking number and
 * the access code are shown once, prominently, with the note to keep them.
 */

interface Draft {
  kind: CaseKind | undefined;
  unitId: string;
  description: string;
  name: string;
  phone: string;
  email: string;
  consent: boolean;
}

// The kinds in the domain's order, from its labels: importing case.ts would bring zod onto the phone.
const KINDS = Object.keys(CASE_KIND_LABELS) as CaseKind[];

const EMPTY: Draft = { kind: undefined, unitId: '', description: '', name: '', phone: '', email: '', consent: false };

/** The controls of the form, by the API's field path: where an error shows and what gets the focus. */
const PLACED = ['kind', 'unitId', 'description', 'attachmentKeys', 'contact', 'callbackConsent'] as const;

/** What the API is sent: empty contact fields left out, no contact at all when none was given. */
function intakeOf(d: Draft, attachmentKeys: string[]): CaseIntake {
  const contact = {
    ...(d.name.trim() ? { name: d.name } : {}),
    ...(d.phone.trim() ? { phone: d.phone } : {}),
    ...(d.email.trim() ? { email: d.email } : {}),
  };
  return {
    // A missing kind is the API's to name (one list of failing fields, in the page's language).
    kind: d.kind as CaseKind,
    unitId: d.unitId || null,
    description: d.description,
    ...(attachmentKeys.length > 0 ? { attachmentKeys } : {}),
    ...(Object.keys(contact).length > 0 ? { contact } : {}),
    ...(d.consent ? { callbackConsent: true } : {}),
  };
}

function Receipt({ receipt, onAgain }: { receipt: CaseReceipt; onAgain: () => void }) {
  const m = messages(casesCitizen);
  return (
    <section id="case-receipt" class="receipt case-receipt" aria-labelledby="case-receipt-heading">
      <h2 id="case-receipt-heading" tabIndex={-1}>
        {m.receiptHeading}
      </h2>
      <CaseReceiptList receipt={receipt} labels={{ number: m.receiptNumber, code: m.receiptCode, due: m.receiptDue }} single />
      <p class="notice notice-info" id="receipt-keep">
        {m.receiptKeep}
      </p>
      {receipt.beyondCalendar && <p class="muted small">{m.beyondCalendar}</p>}
      <div class="actions">
        <a class="button" href={`track.html?number=${encodeURIComponent(receipt.trackingNumber)}`}>
          {m.trackThis}
        </a>
        <button type="button" class="secondary" onClick={onAgain}>
          {m.fileAnother}
        </button>
      </div>
    </section>
  );
}

function Complain() {
  const m = messages(casesCitizen);
  const { draft, failure, busy, set, send } = useDraft<Draft>(EMPTY);
  const units = useSignal<UnitChoice[] | undefined>(undefined);
  const unitsFailed = useSignal(false);
  const receipt = useSignal<CaseReceipt | undefined>(undefined);
  const picked = usePickedFiles('attachmentKeys', casesCitizen, () => set('attachmentKeys', {}));

  useEffect(() => {
    loadUnitChoices().then(
      (list) => (units.value = list),
      (err: unknown) => {
        console.error(err);
        unitsFailed.value = true;
      },
    );
  }, []);

  const d = draft.value;
  const fields = failure.value?.fields ?? {};

  const submit = (e: Event) =>
    send(
      e,
      async () => {
        const keys = await picked.uploadAll();
        if (!keys) {
          failure.value = { message: m.uploadsFailed, fields: {} };
          focusFirstInvalid('complain-form', 'complain-failure');
          return;
        }
        receipt.value = await call(fileCase, { body: intakeOf(draft.value, keys) });
        picked.files.value = [];
        focusSoon('case-receipt-heading');
      },
      (err) => {
        failure.value = failureOf(err);
        // A file the intake refused is uploaded anew on the next try.
        picked.forgetRefused(failure.value.fields);
        focusFirstInvalid('complain-form', 'complain-failure');
      },
    );

  if (receipt.value) {
    return (
      <Frame title={m.complainTitle}>
        <h1>{m.complainTitle}</h1>
        <Receipt
          receipt={receipt.value}
          onAgain={() => {
            receipt.value = undefined;
            draft.value = EMPTY;
            picked.files.value = [];
          }}
        />
      </Frame>
    );
  }

  return (
    <Frame title={m.complainTitle}>
      <h1>{m.complainTitle}</h1>
      <p>{m.complainIntro}</p>
      {failure.value && <FailureNotice id="complain-failure" failure={failure.value} placed={PLACED} onReload={() => location.reload()} />}
      <form id="complain-form" noValidate onSubmit={submit}>
        <RadioGroup
          id="kind"
          legend={m.kindLegend}
          options={KINDS.map((k) => ({ value: k, label: local(CASE_KIND_LABELS[k]) }))}
          value={d.kind}
          onChange={(kind) => set('kind', { kind: kind as CaseKind })}
          error={errorAt(fields, 'kind')}
        />
        <Field id="unit" label={m.unitLabel} hint={m.unitHint} error={errorAt(fields, 'unitId')}>
          {(describedBy, invalid) => (
            <select id="unit" name="unit" value={d.unitId} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => set('unitId', { unitId: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{m.unitUnknown}</option>
              {(units.value ?? []).map((u) => (
                <option key={u.unitId} value={u.unitId}>
                  {local(u.name)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {unitsFailed.value && <Notice kind="info">{m.unitsFailed}</Notice>}
        <Field id="description" label={m.descriptionLabel} hint={m.descriptionHint} error={errorAt(fields, 'description')}>
          {(describedBy, invalid) => (
            <>
              <textarea
                id="description"
                name="description"
                rows={6}
                value={d.description}
                aria-describedby={`${describedBy} description-count`}
                aria-invalid={invalid}
                onInput={(e) => set('description', { description: (e.currentTarget as HTMLTextAreaElement).value })}
              />
              <p id="description-count" class="counter">
                {m.charCount({ count: d.description.length })}
              </p>
            </>
          )}
        </Field>
        <AttachmentPicker id="attachments" listId="attachment-list" label={m.attachmentsLabel} hint={m.attachmentsHint} picked={picked} fields={fields} busy={busy.value} />
        <ContactFieldset
          legend={m.contactLegend}
          hint={m.contactHint}
          consentLabel={m.consentLabel}
          labels={{ name: m.nameLabel, phone: m.phoneLabel, email: m.emailLabel }}
          order={['name', 'phone', 'email']}
          draft={d}
          fields={fields}
          set={set}
        />
        <button type="submit" class="primary" id="complain-submit" disabled={busy.value}>
          {busy.value ? m.submitting : m.submit}
        </button>
      </form>
      <p class="footer-link">
        <a href="./">← {m.backHome}</a>
      </p>
    </Frame>
  );
}

mount(<Complain />);
