import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { LOCAL_EXPORT_PATH, attachment, localExportSink, openLocalExport } from '../../../functions/store/exports/export-store';

/** The local stand-in for the export bucket: what `npm start` users download, and what a failure leaves. */

const T0 = new Date('2026-06-15T02:00:00.000Z');
const freshDir = () => mkdtempSync(join(tmpdir(), 'pingyi-export-store-'));
async function* chunks(...parts: string[]) {
  for (const part of parts) yield Buffer.from(part, 'utf8');
}
async function* failing() {
  yield Buffer.from('a,b\r\n', 'utf8');
  throw new Error('DynamoDB went away');
}

describe('localExportSink', () => {
  it('writes the file under an unguessable name and serves it until its link expires', async () => {
    // prepare
    const dir = freshDir();
    const sink = localExportSink(dir, 1, () => T0);

    // act
    const saved = await sink.save('原始答卷-2026-annual.csv', 'text/csv; charset=utf-8', chunks('a,b\r\n', '1,2\r\n'));
    const name = saved.url.slice(LOCAL_EXPORT_PATH.length);
    const served = await openLocalExport(dir, name, new Date(T0.getTime() + 60_000));
    const late = await openLocalExport(dir, name, new Date(T0.getTime() + 15 * 60_000));

    // assert
    expect(saved.url.startsWith(LOCAL_EXPORT_PATH)).toBe(true);
    expect(name).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(saved.expiresAt).toEqual(new Date(T0.getTime() + 15 * 60_000));
    expect(await text(served!.stream)).toBe('a,b\r\n1,2\r\n');
    expect(served!.headers['content-disposition']).toBe(attachment('原始答卷-2026-annual.csv'));
    expect(late).toBeUndefined();
    expect(await openLocalExport(dir, '../../etc/passwd')).toBeUndefined();
  });

  it('leaves no file behind when the rows fail half-way', async () => {
    // prepare
    const dir = freshDir();
    const sink = localExportSink(dir, 1, () => T0);

    // act
    const saving = sink.save('x.csv', 'text/csv', failing());

    // assert
    await expect(saving).rejects.toThrow('DynamoDB went away');
    expect(readdirSync(dir)).toEqual([]);
  });
});
