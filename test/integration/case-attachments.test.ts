import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKETS } from '../../functions/store/buckets';
import { ATTACHMENT_MAX_BYTES, type AttachmentUpload } from '../../functions/domain/cases/attachments';
import type { Case, CaseDetail, CaseReceipt } from '../../functions/domain/cases/case';
import { createDistrict, startAdmissionStack, type AdmissionStack } from './admission-stack';

/**
 * Attachments over the local HTTP API, DynamoDB Local and the attachments bucket's local folder: a citizen
 * asks for an upload URL, PUTs the file there, files the case with its key, and staff download the same
 * bytes; the upload URL holds to the declared type and size, and the intake refuses keys not uploaded,
 * files whose bytes are not what they claim, and a sixth file, naming each field.
 */

// The smallest valid PNG: a 1×1 transparent pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('case attachments over the local API', () => {
  let api: AdmissionStack;

  beforeAll(async () => {
    api = await startAdmissionStack('attachments');
    await createDistrict(api, ['tax-office']);
  });

  afterAll(async () => {
    await api?.stop();
  });

  const ask = (body: Record<string, unknown>, lang?: string) =>
    api.send('POST', '/cases/attachments', body, lang ? { headers: { 'accept-language': lang } } : {});

  async function uploadTicket(bytes: Buffer, contentType = 'image/png', fileName = '窗口排队.png'): Promise<AttachmentUpload> {
    const res = await ask({ contentType, size: bytes.length, fileName });
    expect(res.status, res.text).toBe(201);
    return res.body as AttachmentUpload;
  }

  const put = (ticket: AttachmentUpload, bytes: Buffer, headers: Record<string, string> = ticket.headers) =>
    fetch(`${api.url}${ticket.uploadUrl}`, { method: 'PUT', headers, body: new Uint8Array(bytes) });

  async function uploaded(bytes: Buffer, contentType = 'image/png', fileName = '窗口排队.png'): Promise<string> {
    const ticket = await uploadTicket(bytes, contentType, fileName);
    const res = await put(ticket, bytes);
    expect(res.status).toBe(200);
    return ticket.attachmentKey;
  }

  const file = (attachmentKeys: string[]) =>
    api.send('POST', '/cases', { kind: 'complaint', unitId: 'tax-office', description: '窗口排队两小时，附照片。', attachmentKeys });

  /** Whether the local bucket still holds a file as an unclaimed upload (S3: its `pending=true` tag). */
  const pending = (key: string) => {
    const dir = process.env[BUCKETS.attachments.envVar]!.slice('file:'.length);
    return (JSON.parse(readFileSync(join(dir, 'objects', `${key}.json`), 'utf8')) as { pending: boolean }).pending;
  };

  const fieldsOf = (body: { fields?: { path: string }[] }) => (body.fields ?? []).map((f) => f.path).sort();

  it('files a case with an uploaded PNG, and staff download the same bytes under its original name', async () => {
    // prepare
    const key = await uploaded(PNG, 'image/png', '../../etc/窗口排队.png');
    const unclaimed = await uploaded(PNG);

    // act
    const filed = await file([key]);
    expect(filed.status, filed.text).toBe(201);
    const receipt = filed.body as CaseReceipt;
    const list = await api.send('GET', '/cases?state=RECEIVED', undefined, { as: 'supervisor' });
    const c = (list.body.cases as Case[]).find((x) => x.trackingNumber === receipt.trackingNumber)!;
    const detail = await api.send('GET', `/cases/${c.caseId}`, undefined, { as: 'supervisor' });
    const links = (detail.body as CaseDetail).attachments ?? [];
    const download = await fetch(`${api.url}${links[0]!.url}`);

    // assert
    expect(c.attachmentKeys).toEqual([key]);
    expect([pending(key), pending(unclaimed)]).toEqual([false, true]);
    expect(key).not.toContain('窗口');
    expect(links).toMatchObject([{ attachmentKey: key, fileName: '窗口排队.png', contentType: 'image/png', size: PNG.length }]);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-disposition')).toContain(encodeURIComponent('窗口排队.png'));
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);
    const status = await api.send('POST', '/cases/status', { trackingNumber: receipt.trackingNumber, accessCode: receipt.accessCode });
    expect(status.status).toBe(200);
    expect(status.text).not.toContain(key);
  });

  it('refuses an upload of another type or size than declared, a wrong token and a second use of the URL', async () => {
    // prepare
    const ticket = await uploadTicket(PNG);
    const wrongToken = { ...ticket, uploadUrl: ticket.uploadUrl.replace(/token=.*/, 'token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA') };

    // act
    const asPdf = await put(ticket, PNG, { 'content-type': 'application/pdf' });
    const longer = await put(ticket, Buffer.concat([PNG, Buffer.from('xx')]));
    const forged = await put(wrongToken, PNG);
    const first = await put(ticket, PNG);
    const second = await put(ticket, PNG);

    // assert
    expect([asPdf.status, longer.status, forged.status]).toEqual([403, 403, 403]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(403);
  });

  it('answers 400 naming contentType and size for a type or size not allowed, in zh-CN and en', async () => {
    // act
    const zh = await ask({ contentType: 'application/x-msdownload', size: ATTACHMENT_MAX_BYTES + 1, fileName: 'setup.exe' });
    const en = await ask({ contentType: 'text/html', size: 0, fileName: 'a.html' }, 'en');

    // assert
    expect(zh.status).toBe(400);
    expect(fieldsOf(zh.body)).toEqual(['contentType', 'size']);
    expect(zh.text).toContain('只能上传');
    expect(en.status).toBe(400);
    expect(fieldsOf(en.body)).toEqual(['contentType', 'size']);
    expect(en.text).toContain('Only JPEG');
  });

  it('refuses to file with a key never uploaded, a file whose bytes are not its type, or six files, naming each field', async () => {
    // prepare
    const good = await uploaded(PNG);
    const renamed = await uploaded(Buffer.from('MZ\x90\x00 this is an executable, renamed'), 'image/png', 'photo.png');
    const notUploaded = (await uploadTicket(PNG)).attachmentKey;
    const six = await Promise.all(Array.from({ length: 6 }, () => uploaded(PNG)));
    const before = (await api.scan('cases')).length;

    // act
    const mixed = await file([good, notUploaded, renamed, good]);
    const tooMany = await file(six);
    const malformed = await file(['../../etc/passwd']);

    // assert
    expect(mixed.status, mixed.text).toBe(400);
    expect(fieldsOf(mixed.body)).toEqual(['attachmentKeys.1', 'attachmentKeys.2', 'attachmentKeys.3']);
    expect(tooMany.status).toBe(400);
    expect(fieldsOf(tooMany.body)).toEqual(['attachmentKeys']);
    expect(malformed.status).toBe(400);
    expect(fieldsOf(malformed.body)).toEqual(['attachmentKeys.0']);
    expect((await api.scan('cases')).length).toBe(before);
  });
});
