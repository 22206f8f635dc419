import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MESSAGES, ATTACHMENT_TYPES, type AttachmentType } from '../../../functions/domain/cases/attachment-limits';
import type { AttachmentUpload } from '../../../functions/domain/cases/attachments';
import { fill } from '../../../functions/domain/messages';
import { requestCaseAttachment } from '../../../functions/routes/cases';
import { call } from './api';
import { local } from './i18n';

/**
 * Files the staff pages move. Attachments to a case or a ledger item: checked against the domain's limits
 * before upload, declared to the API (POST /cases/attachments), then PUT straight to the attachment store
 * with the headers the upload was signed with; the bytes never pass through a function, and the case or item
 * is then saved with the keys. Downloads: a file the API answered with, saved under its name. The citizens'
 * intake uploads its attachments the same way (components/attachment-picker.tsx).
 */

/** What is wrong with a file before it is uploaded (the API and the upload URL hold to the same limits). */
export function attachmentIssue(file: File): string | undefined {
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(file.type)) return local(ATTACHMENT_MESSAGES.badType);
  if (file.size > ATTACHMENT_MAX_BYTES) return local(fill(ATTACHMENT_MESSAGES.tooLarge, { mb: ATTACHMENT_MAX_BYTES / (1024 * 1024) }));
  if (file.size === 0) return local(ATTACHMENT_MESSAGES.empty);
  return undefined;
}

/** PUTs a file to its upload URL with the headers it was signed with, reporting progress (fetch cannot). */
export function putFile(upload: AttachmentUpload, file: File, onProgress: (percent: number) => void): Promise<void> {
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

/** Declares a file and uploads it; resolves to its attachment key. Throws ApiError, NetworkError or the upload's error. */
export async function uploadAttachment(file: File, onProgress: (percent: number) => void): Promise<string> {
  const upload = await call(requestCaseAttachment, { body: { contentType: file.type as AttachmentType, size: file.size, fileName: file.name } });
  await putFile(upload, file, onProgress);
  return upload.attachmentKey;
}

/** A file size as people read it. */
export const sizeOf = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** Saves a downloaded file under its name (a hidden link clicked; the URL revoked later, as revoking at once can cancel it). */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
