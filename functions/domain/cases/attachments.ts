import * as z from 'zod/mini';
import { ValidationError, type FieldIssue } from '../errors';
import { COMMON_MESSAGES, fill, schemaMessage } from '../messages';
import { ZInstant } from '../text';
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_MESSAGES,
  ATTACHMENT_TYPES,
  ATTACHMENTS_MAX,
  DOWNLOAD_URL_SECONDS,
  FILE_NAME_MAX,
  UPLOAD_URL_SECONDS,
  type AttachmentType,
} from './attachment-limits';

export * from './attachment-limits';

/**
 * A citizen's attachments to a case (images and PDF): the limits, the random keys they are stored by, and
 * what staff get to read them. The bytes never pass through a function: the citizen uploads each file
 * straight to the attachment store (a presigned S3 PUT on AWS, a local upload URL under `npm start`) with
 * the type and size declared beforehand signed in, and the intake then checks each key it is given against
 * what was really stored (type, size, first bytes) before the case records it.
 */

const M = ATTACHMENT_MESSAGES;
const MB = ATTACHMENT_MAX_BYTES / (1024 * 1024);

/** An attachment's key: 24 random bytes, base64url — never anything the citizen chose (not their file name). */
export const ZAttachmentKey = z.string().check(z.regex(/^[A-Za-z0-9_-]{32}$/, schemaMessage(M.badKey)));

/** A case's attachment keys at intake: at most ATTACHMENTS_MAX. */
export const ZAttachmentKeys = z.array(ZAttachmentKey).check(z.maxLength(ATTACHMENTS_MAX, schemaMessage(fill(M.tooMany, { max: ATTACHMENTS_MAX }))));

/** What a citizen declares before uploading a file; the store signs the upload to exactly this type and size. */
export const ZAttachmentUploadInput = z
  .object({
    contentType: z.enum(ATTACHMENT_TYPES, schemaMessage(M.badType)),
    size: z.int().check(z.minimum(1, schemaMessage(M.empty)), z.maximum(ATTACHMENT_MAX_BYTES, schemaMessage(fill(M.tooLarge, { mb: MB })))),
    fileName: z.string().check(z.trim(), z.minLength(1, schemaMessage(COMMON_MESSAGES.required)), z.maxLength(1000, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max: 1000 })))),
  })
  .register(z.globalRegistry, { id: 'AttachmentUploadInput', description: 'A file a citizen is about to attach to a case: its type, size in bytes and name.' });
export type AttachmentUploadInput = z.infer<typeof ZAttachmentUploadInput>;

/** Where and how to upload one file: an HTTP PUT of the file's bytes to `uploadUrl` with `headers`, before `expiresAt`. */
export const ZAttachmentUpload = z
  .object({ attachmentKey: ZAttachmentKey, uploadUrl: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()), expiresAt: ZInstant })
  .register(z.globalRegistry, { id: 'AttachmentUpload', description: 'Where to upload one attachment (HTTP PUT with these headers) and the key to file the case with.' });
export type AttachmentUpload = z.infer<typeof ZAttachmentUpload>;

/** An attachment as staff read it: its original (sanitised) name, type, size and a short-lived download link. */
export const ZAttachmentLink = z
  .object({ attachmentKey: ZAttachmentKey, fileName: z.string(), contentType: z.string(), size: z.int(), url: z.string(), expiresAt: ZInstant })
  .register(z.globalRegistry, { id: 'AttachmentLink', description: "One of a case's attachments with a download link that soon expires." });
export type AttachmentLink = z.infer<typeof ZAttachmentLink>;

/** A stored attachment as the store describes it: what was really uploaded, and its first bytes. */
export interface StoredAttachment {
  contentType: string;
  size: number;
  fileName: string;
  /** The file's first bytes (at least 12 when the file has them, when asked for), to tell its real type. */
  head: Uint8Array;
}

/** What the attachment use cases need from the attachment store (store/attachments/attachment-store.ts). */
export interface AttachmentStorePort {
  /** An upload URL for `key` that accepts exactly this type and size until `expiresAt`, the file name kept as metadata. */
  presignUpload(key: string, file: { contentType: AttachmentType; size: number; fileName: string }, expiresAt: Date): Promise<{ url: string; headers: Record<string, string> }>;
  /** What is stored under `key` (its first bytes only with `head`, else none); undefined when nothing (yet). */
  describe(key: string, options?: { head?: boolean }): Promise<StoredAttachment | undefined>;
  /** Claims stored files for a case: they are kept from now on, no longer deleted as unclaimed uploads after a day. */
  markAttached(keys: readonly string[]): Promise<void>;
  /** A link that downloads `key` as `fileName` until `expiresAt`. */
  downloadUrl(key: string, file: { fileName: string; contentType: string }, expiresAt: Date): Promise<string>;
}

export interface AttachmentDeps extends AttachmentStorePort {
  /** A new random key (24 random bytes, base64url). */
  newAttachmentKey(): string;
  now(): Date;
}

/**
 * A file name fit to keep and show: the last path segment, without control and path characters, spaces
 * collapsed, at most FILE_NAME_MAX characters with its extension kept; `attachment` when nothing is left.
 */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  if (!clean) return 'attachment';
  const chars = [...clean];
  if (chars.length <= FILE_NAME_MAX) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 10 ? [...clean.slice(dot)] : [];
  return chars.slice(0, FILE_NAME_MAX - ext.length).join('') + ext.join('');
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => prefix.every((b, i) => bytes[at + i] === b);

/** The type a file's first bytes show (JPEG, PNG, WebP or PDF magic numbers); undefined for anything else. */
export function sniffType(head: Uint8Array): AttachmentType | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return undefined;
}

/**
 * An upload URL for one file (public, before filing the case): a new random key, and a URL that accepts
 * exactly the declared type and size for UPLOAD_URL_SECONDS. The schema has refused other types and sizes.
 */
export async function requestAttachmentUpload(deps: AttachmentDeps, input: AttachmentUploadInput): Promise<AttachmentUpload> {
  const attachmentKey = deps.newAttachmentKey();
  const expiresAt = new Date(deps.now().getTime() + UPLOAD_URL_SECONDS * 1000);
  const { url, headers } = await deps.presignUpload(attachmentKey, { contentType: input.contentType, size: input.size, fileName: sanitizeFileName(input.fileName) }, expiresAt);
  return { attachmentKey, uploadUrl: url, method: 'PUT', headers, expiresAt: expiresAt.toISOString() };
}

/**
 * What is wrong with the attachment keys a case is filed with, each issue at `attachmentKeys.<i>`: a key
 * given twice, nothing uploaded under it, or a stored file whose type, size or first bytes are not allowed
 * (a renamed executable is refused by its bytes, whatever it was declared as).
 */
export async function attachmentIssues(deps: Pick<AttachmentStorePort, 'describe'>, keys: readonly string[]): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  if (keys.length > ATTACHMENTS_MAX) return [{ path: 'attachmentKeys', message: fill(M.tooMany, { max: ATTACHMENTS_MAX }) }];
  const stored = await Promise.all(keys.map((key, i) => (keys.indexOf(key) === i ? deps.describe(key, { head: true }) : Promise.resolve(undefined))));
  keys.forEach((key, i) => {
    const path = `attachmentKeys.${i}`;
    const file = stored[i];
    if (keys.indexOf(key) !== i) issues.push({ path, message: M.duplicate });
    else if (!file) issues.push({ path, message: M.notUploaded });
    else if (!(ATTACHMENT_TYPES as readonly string[]).includes(file.contentType)) issues.push({ path, message: M.badType });
    else if (file.size > ATTACHMENT_MAX_BYTES) issues.push({ path, message: fill(M.tooLarge, { mb: MB }) });
    else if (file.size === 0) issues.push({ path, message: M.empty });
    else if (sniffType(file.head) !== file.contentType) issues.push({ path, message: M.contentMismatch });
  });
  return issues;
}

/** attachmentIssues as a ValidationError, for the intake. */
export async function checkAttachments(deps: Pick<AttachmentStorePort, 'describe'>, keys: readonly string[]): Promise<void> {
  const issues = await attachmentIssues(deps, keys);
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * Short-lived download links to a case's attachments, for staff who may see the case (never on the
 * citizen's status page). A key whose object is gone (expired) is left out.
 */
export async function attachmentLinks(deps: Pick<AttachmentStorePort, 'describe' | 'downloadUrl'> & { now(): Date }, keys: readonly string[]): Promise<AttachmentLink[]> {
  const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_URL_SECONDS * 1000);
  const links = await Promise.all(
    keys.map(async (attachmentKey): Promise<AttachmentLink | undefined> => {
      const file = await deps.describe(attachmentKey);
      if (!file) return undefined;
      const url = await deps.downloadUrl(attachmentKey, file, expiresAt);
      return { attachmentKey, fileName: file.fileName, contentType: file.contentType, size: file.size, url, expiresAt: expiresAt.toISOString() };
    }),
  );
  return links.filter((l): l is AttachmentLink => l !== undefined);
}
