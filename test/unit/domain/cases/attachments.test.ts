import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_MAX_BYTES,
  FILE_NAME_MAX,
  UPLOAD_URL_SECONDS,
  ZAttachmentKeys,
  ZAttachmentUploadInput,
  attachmentIssues,
  attachmentLinks,
  requestAttachmentUpload,
  sanitizeFileName,
  sniffType,
  type AttachmentDeps,
  type StoredAttachment,
} from '../../../../functions/domain/cases/attachments';
import { ZCaseIntake } from '../../../../functions/domain/cases/case';

const NOW = new Date('2026-11-27T02:00:00Z');
const KEY = (n: number) => `key${String(n).padStart(29, '0')}`;
const bytes = (...b: number[]) => new Uint8Array([...b, ...new Array(12).fill(0)]);
const PNG_HEAD = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const aPng = (over: Partial<StoredAttachment> = {}): StoredAttachment => ({ contentType: 'image/png', size: 68, fileName: 'a.png', head: PNG_HEAD, ...over });

/** The attachment store as a plain map, with the upload URLs it was asked for kept for the assertions. */
function fakeStore(stored: Record<string, StoredAttachment> = {}) {
  const presigned: { key: string; file: unknown; expiresAt: Date }[] = [];
  const deps: AttachmentDeps = {
    async presignUpload(key, file, expiresAt) {
      presigned.push({ key, file, expiresAt });
      return { url: `https://upload.example/${key}`, headers: { 'content-type': file.contentType } };
    },
    describe: async (key) => stored[key],
    markAttached: async () => undefined,
    downloadUrl: async (key, file, expiresAt) => `https://download.example/${key}?as=${file.fileName}&until=${expiresAt.toISOString()}`,
    newAttachmentKey: () => KEY(1),
    now: () => NOW,
  };
  return { deps, presigned };
}

describe('ZAttachmentUploadInput', () => {
  it('names contentType and size for a type not allowed and a file over 10 MB or empty', () => {
    // act
    const big = ZAttachmentUploadInput.safeParse({ contentType: 'application/x-msdownload', size: ATTACHMENT_MAX_BYTES + 1, fileName: 'a.exe' });
    const empty = ZAttachmentUploadInput.safeParse({ contentType: 'image/png', size: 0, fileName: 'a.png' });
    const ok = ZAttachmentUploadInput.safeParse({ contentType: 'application/pdf', size: ATTACHMENT_MAX_BYTES, fileName: '材料.pdf' });

    // assert
    expect(big.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['contentType', 'size']);
    expect(empty.error?.issues.map((i) => i.path.join('.'))).toEqual(['size']);
    expect(ok.success).toBe(true);
  });

  it('takes at most five keys at intake, each of the random-key shape', () => {
    // act
    const six = ZAttachmentKeys.safeParse([1, 2, 3, 4, 5, 6].map(KEY));
    const five = ZCaseIntake.safeParse({ kind: 'complaint', description: '附件五个', attachmentKeys: [1, 2, 3, 4, 5].map(KEY) });
    const named = ZAttachmentKeys.safeParse(['../etc/passwd']);

    // assert
    expect(six.success).toBe(false);
    expect(five.success).toBe(true);
    expect(named.error?.issues.map((i) => i.path.join('.'))).toEqual(['0']);
  });
});

describe('sanitizeFileName', () => {
  it('keeps the last path segment without control or path characters', () => {
    expect(sanitizeFileName('C:\\Users\\me\\..\\窗口 排队\u0000.png')).toBe('窗口 排队.png');
    expect(sanitizeFileName('../../etc/<script>.pdf')).toBe('script.pdf');
    expect(sanitizeFileName('...hidden.jpg')).toBe('hidden.jpg');
    expect(sanitizeFileName('///')).toBe('attachment');
  });

  it('cuts a long name to the limit, keeping its extension', () => {
    // act
    const name = sanitizeFileName(`${'长'.repeat(300)}.jpeg`);

    // assert
    expect([...name].length).toBe(FILE_NAME_MAX);
    expect(name.endsWith('长.jpeg')).toBe(true);
  });
});

describe('sniffType', () => {
  it('tells JPEG, PNG, WebP and PDF by their first bytes, and nothing else', () => {
    expect(sniffType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffType(PNG_HEAD)).toBe('image/png');
    expect(sniffType(bytes(0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50))).toBe('image/webp');
    expect(sniffType(bytes(0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x41, 0x56, 0x45))).toBeUndefined();
    expect(sniffType(new TextEncoder().encode('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffType(bytes(0x4d, 0x5a, 0x90, 0x00))).toBeUndefined();
    expect(sniffType(new Uint8Array())).toBeUndefined();
  });
});

describe('requestAttachmentUpload', () => {
  it('signs a random key for the declared type and size for ten minutes, the name sanitised', async () => {
    // prepare
    const { deps, presigned } = fakeStore();

    // act
    const upload = await requestAttachmentUpload(deps, { contentType: 'image/png', size: 68, fileName: '/tmp/窗口.png' });

    // assert
    expect(upload).toEqual({
      attachmentKey: KEY(1),
      uploadUrl: `https://upload.example/${KEY(1)}`,
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      expiresAt: new Date(NOW.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    });
    expect(presigned).toEqual([{ key: KEY(1), file: { contentType: 'image/png', size: 68, fileName: '窗口.png' }, expiresAt: new Date(NOW.getTime() + 600_000) }]);
  });
});

describe('attachmentIssues', () => {
  it('names each key not uploaded, given twice, of a type or size not allowed, or whose bytes are not its type', async () => {
    // prepare
    const { deps } = fakeStore({
      [KEY(1)]: aPng(),
      [KEY(3)]: aPng({ head: bytes(0x4d, 0x5a) }),
      [KEY(4)]: aPng({ contentType: 'text/html' }),
      [KEY(5)]: aPng({ size: ATTACHMENT_MAX_BYTES + 1 }),
    });

    // act
    const issues = await attachmentIssues(deps, [KEY(1), KEY(2), KEY(3), KEY(4), KEY(1)]);
    const oversize = await attachmentIssues(deps, [KEY(5)]);

    // assert
    expect(issues.map((i) => [i.path, i.message.en])).toEqual([
      ['attachmentKeys.1', 'This file has not been uploaded; upload it again.'],
      ['attachmentKeys.2', expect.stringContaining('does not match its type')],
      ['attachmentKeys.3', expect.stringContaining('Only JPEG')],
      ['attachmentKeys.4', 'The same file is attached twice.'],
    ]);
    expect(oversize.map((i) => [i.path, i.message.en])).toEqual([['attachmentKeys.0', 'A file may be at most 10 MB.']]);
  });

  it('finds nothing wrong with uploaded files of the allowed types', async () => {
    // prepare
    const { deps } = fakeStore({ [KEY(1)]: aPng(), [KEY(2)]: aPng({ contentType: 'application/pdf', head: new TextEncoder().encode('%PDF-1.4') }) });

    // act
    const issues = await attachmentIssues(deps, [KEY(1), KEY(2)]);

    // assert
    expect(issues).toEqual([]);
  });
});

describe('attachmentLinks', () => {
  it('gives a five-minute link per stored attachment under its original name, leaving out one gone', async () => {
    // prepare
    const { deps } = fakeStore({ [KEY(1)]: aPng({ fileName: '窗口.png' }) });

    // act
    const links = await attachmentLinks(deps, [KEY(1), KEY(2)]);

    // assert
    const until = new Date(NOW.getTime() + 300_000).toISOString();
    expect(links).toEqual([{ attachmentKey: KEY(1), fileName: '窗口.png', contentType: 'image/png', size: 68, url: `https://download.example/${KEY(1)}?as=窗口.png&until=${until}`, expiresAt: until }]);
  });
});
