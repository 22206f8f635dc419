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
  it('writes the file under an unguessable name, serves nothing until a link is asked for, then until that link expires', async () => {
    // prepare
    const dir = freshDir();
    let now = T0;
    const sink = localExportSink(dir, 1, () => now);

    // act
    const saved = await sink.save('原始答卷-2026-annual.csv', 'text/csv; charset=utf-8', chunks('a,b\r\n', '1,2\r\n'));
    const unlinked = await openLocalExport(dir, saved.ref, T0);
    const link = await sink.link(saved.ref, '原始答卷-2026-annual.csv', 'text/csv; charset=utf-8');
    const served = await openLocalExport(dir, saved.ref, new Date(T0.getTime() + 60_000));
    const late = await openLocalExport(dir, saved.ref, new Date(T0.getTime() + 15 * 60_000));
    now = new Date(T0.getTime() + 20 * 60_000);
    const again = await sink.link(saved.ref, '原始答卷-2026-annual.csv', 'text/csv; charset=utf-8');
    const servedAgain = await openLocalExport(dir, saved.ref, new Date(T0.getTime() + 21 * 60_000));

    // assert
    expect(saved.ref).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(unlinked).toBeUndefined();
    expect(link).toEqual({ url: `${LOCAL_EXPORT_PATH}${saved.ref}`, expiresAt: new Date(T0.getTime() + 15 * 60_000) });
    expect(await text(served!.stream)).toBe('a,b\r\n1,2\r\n');
    expect(served!.headers['content-disposition']).toBe(attachment('原始答卷-2026-annual.csv'));
    expect(late).toBeUndefined();
    expect(again.expiresAt).toEqual(new Date(T0.getTime() + 35 * 60_000));
    expect(await text(servedAgain!.stream)).toBe('a,b\r\n1,2\r\n');
    expect(await openLocalExport(dir, '../../etc/passwd')).toBeUndefined();
    await expect(sink.link('../../etc/passwd', 'x.csv', 'text/csv')).rejects.toThrow(/not a local export/);
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
