import type { Message } from '../messages';

/**
 * The limits of a case's attachments and their messages, without zod: the citizens' page checks a file
 * against the same numbers before uploading it (attachments.ts holds the schemas and rules that use them).
 */

/** The types a citizen may attach: photos and scanned documents. */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
/** The largest file, in bytes (10 MB: a phone photo or a scanned letter). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** The most files one case may carry. */
export const ATTACHMENTS_MAX = 5;
/** The longest original file name kept for staff (characters, extension included). */
export const FILE_NAME_MAX = 100;
/** How long an upload URL works. */
export const UPLOAD_URL_SECONDS = 10 * 60;
/** How long a staff download link works. */
export const DOWNLOAD_URL_SECONDS = 5 * 60;

/** The attachment rules' messages, in both languages (API answers and the intake page). */
export const ATTACHMENT_MESSAGES = {
  badType: { 'zh-CN': '只能上传 JPEG、PNG、WebP 图片或 PDF 文件。', en: 'Only JPEG, PNG or WebP images and PDF files can be attached.' },
  tooLarge: { 'zh-CN': '文件不能超过 {mb} MB。', en: 'A file may be at most {mb} MB.' },
  empty: { 'zh-CN': '文件是空的。', en: 'The file is empty.' },
  tooMany: { 'zh-CN': '最多上传 {max} 个附件。', en: 'At most {max} files can be attached.' },
  badKey: { 'zh-CN': '附件编号格式不对。', en: 'This is not an attachment key.' },
  notUploaded: { 'zh-CN': '此附件尚未上传成功，请重新上传。', en: 'This file has not been uploaded; upload it again.' },
  duplicate: { 'zh-CN': '同一个附件只能添加一次。', en: 'The same file is attached twice.' },
  contentMismatch: {
    'zh-CN': '文件内容与其类型不符（只能上传 JPEG、PNG、WebP 图片或 PDF 文件）。',
    en: 'The file content does not match its type (only JPEG, PNG or WebP images and PDF files).',
  },
} as const satisfies Record<string, Message>;
