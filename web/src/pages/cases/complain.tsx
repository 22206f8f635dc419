import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MESSAGES, ATTACHMENT_TYPES, ATTACHMENTS_MAX, type AttachmentType } from '../../../../functions/domain/cases/attachment-limits';
import type { AttachmentUpload } from '../../../../functions/domain/cases/attachments';
import type { CaseIntake, CaseKind, CaseReceipt } from '../../../../functions/domain/cases/case';
import { CASE_KIND_LABELS } from '../../../../functions/domain/cases/messages';
import { fill } from '../../../../functions/domain/messages';
import { fileCase, requestCaseAttachment } from '../../../../functions/routes/cases';
import { call } from '../../app/api';
import { Field, FailureNotice, errorAt, failureOf, focusSoon, withoutErrorsAt, type Failure } from '../../app/components/fields';
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

/** A file the citizen picked: its key once uploaded, the upload's progress while it runs, or what went wrong. */
interface PickedFile {
  id: number;
  file: File;
  key?: string;
  progress?: number;
  error?: string;
}

const ACCEPT = ATTACHMENT_TYPES.join(',');
const MB = ATTACHMENT_MAX_BYTES / (1024 * 1024);
let pickedIds = 0;

/** What is wrong with a file before it is uploaded: the domain's limits (the API and the upload URL hold to them too). */
function fileIssue(file: File): string | undefined {
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(file.type)) return local(ATTACHMENT_MESSAGES.badType);
  if (file.size > ATTACHMENT_MAX_BYTES) return local(fill(ATTACHMENT_MESSAGES.tooLarge, { mb: MB }));
  if (file.size === 0) return local(ATTACHMENT_MESSAGES.empty);
  return undefined;
}

/** PUTs a file to its upload URL with the headers it was signed with, reporting progress (fetch cannot). */
function putFile(upload: AttachmentUpload, file: File, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.uploadUrl);
    for (const [name, value] of Object.entries(upload.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`the upload answered ${xhr.status}`)));
    xhr.onerror = () => reject(new Error('the upload failed'));
    xhr.send(file);
  });
}

const sizeOf = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

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
  const draft = useSignal<Draft>(EMPTY);
  const units = useSignal<UnitChoice[] | undefined>(undefined);
  const unitsFailed = useSignal(false);
  const failure = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const receipt = useSignal<CaseReceipt | undefined>(undefined);
  const files = useSignal<PickedFile[]>([]);
  const pickError = useSignal<string | undefined>(undefined);

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
  const set = (path: string, patch: Partial<Draft>) => {
    draft.value = { ...draft.value, ...patch };
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, path) };
  };

  const update = (id: number, patch: Partial<PickedFile>) => (files.value = files.value.map((f) => (f.id === id ? { ...f, ...patch } : f)));

  const pick = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    input.value = '';
    const issues: string[] = [];
    const next = [...files.value];
    for (const file of chosen) {
      const issue = fileIssue(file);
      if (issue) issues.push(`${file.name}: ${issue}`);
      else if (next.length >= ATTACHMENTS_MAX) {
        issues.push(local(fill(ATTACHMENT_MESSAGES.tooMany, { max: ATTACHMENTS_MAX })));
        break;
      } else next.push({ id: ++pickedIds, file });
    }
    files.value = next;
    pickError.value = issues.length > 0 ? issues.join(' ') : undefined;
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, 'attachmentKeys') };
  };

  /** Uploads every file not uploaded yet, one after another; their keys, or undefined when one failed. */
  const uploadAll = async (): Promise<string[] | undefined> => {
    let failed = false;
    for (const picked of files.value) {
      if (picked.key) continue;
      update(picked.id, { progress: 0, error: undefined });
      try {
        const { type, size, name } = picked.file;
        const upload = await call(requestCaseAttachment, { body: { contentType: type as AttachmentType, size, fileName: name } });
        await putFile(upload, picked.file, (progress) => update(picked.id, { progress }));
        update(picked.id, { key: upload.attachmentKey, progress: undefined });
      } catch (err) {
        failed = true;
        update(picked.id, { progress: undefined, error: Object.values(failureOf(err).fields)[0] ?? m.fileFailed });
      }
    }
    return failed ? undefined : files.value.map((f) => f.key!);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    failure.value = undefined;
    try {
      const keys = await uploadAll();
      if (!keys) {
        failure.value = { message: m.uploadsFailed, fields: {} };
        focusFirstInvalid('complain-form', 'complain-failure');
        return;
      }
      receipt.value = await call(fileCase, { body: intakeOf(draft.value, keys) });
      files.value = [];
      focusSoon('case-receipt-heading');
    } catch (err) {
      failure.value = failureOf(err);
      // A file the intake refused is uploaded anew on the next try.
      const refused = files.value.filter((_, i) => errorAt(failure.value!.fields, `attachmentKeys.${i}`));
      for (const f of refused) update(f.id, { key: undefined });
      focusFirstInvalid('complain-form', 'complain-failure');
    } finally {
      busy.value = false;
    }
  };

  if (receipt.value) {
    return (
      <Frame title={m.complainTitle}>
        <h1>{m.complainTitle}</h1>
        <Receipt
          receipt={receipt.value}
          onAgain={() => {
            receipt.value = undefined;
            draft.value = EMPTY;
            files.value = [];
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
        <Field
          id="attachments"
          label={m.attachmentsLabel}
          hint={m.attachmentsHint({ max: ATTACHMENTS_MAX, mb: MB })}
          error={pickError.value ?? fields.attachmentKeys}
        >
          {(describedBy, invalid) => (
            <input
              id="attachments"
              name="attachments"
              type="file"
              multiple
              accept={ACCEPT}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              disabled={busy.value || files.value.length >= ATTACHMENTS_MAX}
              onChange={pick}
            />
          )}
        </Field>
        {files.value.length > 0 && (
          <ul id="attachment-list" class="attachment-list">
            {files.value.map((f, i) => {
              const error = f.error ?? errorAt(fields, `attachmentKeys.${i}`);
              return (
                <li key={f.id} class="attachment">
                  <span class="attachment-name">{f.file.name}</span> <span class="muted small">{sizeOf(f.file.size)}</span>
                  {f.progress !== undefined && <progress max={100} value={f.progress} aria-label={m.fileUploading({ percent: f.progress })} />}
                  <span class="small attachment-state" role="status">
                    {f.progress !== undefined ? m.fileUploading({ percent: f.progress }) : f.key ? m.fileUploaded : m.fileWaiting}
                  </span>
                  {error && <p class="field-error">{error}</p>}
                  <button
                    type="button"
                    class="secondary"
                    aria-label={m.removeFile({ name: f.file.name })}
                    disabled={busy.value}
                    onClick={() => (files.value = files.value.filter((x) => x.id !== f.id))}
                  >
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
        )}
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
