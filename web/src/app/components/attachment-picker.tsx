import { useSignal, type Signal } from '@preact/signals';
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MESSAGES, ATTACHMENT_TYPES, ATTACHMENTS_MAX } from '../../../../functions/domain/cases/attachment-limits';
import { fill } from '../../../../functions/domain/messages';
import { attachmentIssue, sizeOf, uploadAttachment } from '../files';
import { local, messages, type Catalog } from '../i18n';
import { Field, errorAt, failureOf, type FieldErrors } from './fields';

/**
 * Files attached to what a form sends (a citizen's complaint, a unit's evidence): picked and checked against
 * the domain's limits, listed with each upload's state, uploaded one after another when the form is sent,
 * and uploaded anew when the API refuses one of their keys.
 */

/** A file picked: its key once uploaded, the upload's progress while it runs, or what went wrong. */
export interface PickedFile {
  id: number;
  file: File;
  key?: string;
  progress?: number;
  error?: string;
}

/** What the list says of each file, worded by the page's own catalogue. */
export interface AttachmentTexts {
  fileWaiting: string;
  fileUploading: (p: { percent: number }) => string;
  fileUploaded: string;
  fileFailed: string;
  removeFile: (p: { name: string }) => string;
}

export interface PickedFiles {
  files: Signal<PickedFile[]>;
  /** What was wrong with the files last chosen (a type, a size, one too many). */
  pickError: Signal<string | undefined>;
  /** The API's field path of the keys (`attachmentKeys`, `evidenceKeys`): file `i`'s errors are at `<path>.<i>`. */
  path: string;
  texts: Catalog<AttachmentTexts>;
  /** Adds the files chosen in the file input (its change event), those that pass the limits. */
  pick: (e: Event) => void;
  remove: (id: number) => void;
  /** Uploads every file not uploaded yet, one after another; their keys, or undefined when one failed. */
  uploadAll: () => Promise<string[] | undefined>;
  /** Marks the files whose keys the API refused in `fields`, so that the next try uploads them anew. */
  forgetRefused: (fields: FieldErrors) => void;
}

let pickedIds = 0;

/** The files of one form; `onChange` runs when the user adds or removes one (their errors are stale then). */
export function usePickedFiles(path: string, texts: Catalog<AttachmentTexts>, onChange: () => void): PickedFiles {
  const files = useSignal<PickedFile[]>([]);
  const pickError = useSignal<string | undefined>(undefined);
  const update = (id: number, patch: Partial<PickedFile>) => (files.value = files.value.map((f) => (f.id === id ? { ...f, ...patch } : f)));

  const pick = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    input.value = '';
    const issues: string[] = [];
    const next = [...files.value];
    for (const file of chosen) {
      const issue = attachmentIssue(file);
      if (issue) issues.push(`${file.name}: ${issue}`);
      else if (next.length >= ATTACHMENTS_MAX) {
        issues.push(local(fill(ATTACHMENT_MESSAGES.tooMany, { max: ATTACHMENTS_MAX })));
        break;
      } else next.push({ id: ++pickedIds, file });
    }
    files.value = next;
    pickError.value = issues.length > 0 ? issues.join(' ') : undefined;
    onChange();
  };

  const remove = (id: number) => {
    files.value = files.value.filter((x) => x.id !== id);
    onChange();
  };

  const uploadAll = async (): Promise<string[] | undefined> => {
    let failed = false;
    for (const picked of files.value) {
      if (picked.key) continue;
      update(picked.id, { progress: 0, error: undefined });
      try {
        const key = await uploadAttachment(picked.file, (progress) => update(picked.id, { progress }));
        update(picked.id, { key, progress: undefined });
      } catch (err) {
        failed = true;
        update(picked.id, { progress: undefined, error: Object.values(failureOf(err).fields)[0] ?? messages(texts).fileFailed });
      }
    }
    return failed ? undefined : files.value.map((f) => f.key!);
  };

  const forgetRefused = (fields: FieldErrors) => (files.value = files.value.map((f, i) => (errorAt(fields, `${path}.${i}`) ? { ...f, key: undefined } : f)));

  return { files, pickError, path, texts, pick, remove, uploadAll, forgetRefused };
}

/** The file input (its label, hint and error) and the list of the files picked, each with its upload's state and its errors. */
export function AttachmentPicker(props: { id: string; listId: string; label: string; hint: (p: { max: number; mb: number }) => string; picked: PickedFiles; fields: FieldErrors; busy: boolean }) {
  const { id, picked, fields, busy } = props;
  const m = messages(picked.texts);
  const files = picked.files.value;
  return (
    <>
      <Field id={id} label={props.label} hint={props.hint({ max: ATTACHMENTS_MAX, mb: ATTACHMENT_MAX_BYTES / (1024 * 1024) })} error={picked.pickError.value ?? fields[picked.path]}>
        {(describedBy, invalid) => (
          <input
            id={id}
            name={id}
            type="file"
            multiple
            accept={ATTACHMENT_TYPES.join(',')}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            disabled={busy || files.length >= ATTACHMENTS_MAX}
            onChange={picked.pick}
          />
        )}
      </Field>
      {files.length > 0 && (
        <ul id={props.listId} class="attachment-list">
          {files.map((f, i) => {
            const error = f.error ?? errorAt(fields, `${picked.path}.${i}`);
            return (
              <li key={f.id} class="attachment">
                <span class="attachment-name">{f.file.name}</span> <span class="muted small">{sizeOf(f.file.size)}</span>
                {f.progress !== undefined && <progress max={100} value={f.progress} aria-label={m.fileUploading({ percent: f.progress })} />}
                <span class="small attachment-state" role="status">
                  {f.progress !== undefined ? m.fileUploading({ percent: f.progress }) : f.key ? m.fileUploaded : m.fileWaiting}
                </span>
                {error && <p class="field-error">{error}</p>}
                <button type="button" class="secondary" aria-label={m.removeFile({ name: f.file.name })} disabled={busy} onClick={() => picked.remove(f.id)}>
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
