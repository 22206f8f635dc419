import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryEntry } from '../../functions/domain/notifications/directory';
import { unitStore } from '../../functions/store/units/unit-store';
import { loadHandler, type LambdaHandler } from '../../infra/local/lambda';
import { aUnit } from '../fixtures/catalog';
import { httpEvent, lambdaContext, staffClaims } from '../fixtures/http';
import { freshTables, type TestTables } from './helpers';

/**
 * The notification directory's admin routes on DynamoDB Local: an admin sets the supervising office's and a
 * unit's addresses, a stale or duplicate save answers 409, an unknown unit 404, a bad address 400 naming it;
 * the sweeper reads the same entries (directory-store `recipientsOf`).
 */

let t: TestTables;
let save: LambdaHandler;
let list: LambdaHandler;

beforeAll(async () => {
  t = await freshTables();
  await unitStore(t.db, t.tables.catalog).createUnit(aUnit({ unitId: 'tax-bureau' }));
  save = await loadHandler('api/notifications/save-directory-entry.ts');
  list = await loadHandler('api/notifications/list-directory.ts');
});
afterAll(() => t.drop());

const admin = staffClaims('admin');
const put = async (entryId: string, body: unknown, claims = admin) =>
  (await save(httpEvent('saveDirectoryEntry', { params: { entryId }, body, claims }), lambdaContext())) as { statusCode: number; body: string };

describe('the notification directory', () => {
  it("lets an admin set the office's and a unit's addresses, and change them at the revision read", async () => {
    // act
    const office = await put('supervisors', { addresses: ['Duty@ZFB.example.cn'] });
    const unit = await put('tax-bureau', { addresses: ['cases@tax.example.cn', 'cases@tax.example.cn'] });
    const changed = await put('tax-bureau', { addresses: ['new@tax.example.cn'], rev: 1 });
    const listed = (await list(httpEvent('listNotificationDirectory', { claims: staffClaims('admin') }), lambdaContext())) as { statusCode: number; body: string };

    // assert
    expect([office.statusCode, unit.statusCode, changed.statusCode, listed.statusCode]).toEqual([200, 200, 200, 200]);
    expect((JSON.parse(unit.body) as DirectoryEntry).addresses).toEqual(['cases@tax.example.cn']);
    const entries = (JSON.parse(listed.body) as { entries: DirectoryEntry[] }).entries;
    expect(entries.map((e) => [e.entryId, e.addresses, e.rev]).sort()).toEqual([
      ['supervisors', ['duty@zfb.example.cn'], 1],
      ['tax-bureau', ['new@tax.example.cn'], 2],
    ]);
    const { directoryStore } = await import('../../functions/store/notifications/directory-store');
    expect(await directoryStore(t.db, t.tables.catalog).recipientsOf('tax-bureau')).toEqual({ unitHandlers: ['new@tax.example.cn'], supervisors: ['duty@zfb.example.cn'] });
    expect(await directoryStore(t.db, t.tables.catalog).recipientsOf(null)).toEqual({ unitHandlers: [], supervisors: ['duty@zfb.example.cn'] });
  });

  it('answers 409 to a second new entry and to a stale revision, 404 to an unknown unit, 400 naming a bad address, 403 to a supervisor', async () => {
    // act
    const again = await put('supervisors', { addresses: ['x@zfb.example.cn'] });
    const stale = await put('supervisors', { addresses: ['x@zfb.example.cn'], rev: 7 });
    const unknown = await put('no-such-unit', { addresses: ['x@zfb.example.cn'] });
    const bad = await put('supervisors', { addresses: ['duty@zfb.example.cn', 'not an address'], rev: 1 });
    const notAdmin = await put('supervisors', { addresses: ['x@zfb.example.cn'], rev: 1 }, staffClaims('supervisor'));

    // assert
    expect([again.statusCode, stale.statusCode, unknown.statusCode, bad.statusCode, notAdmin.statusCode]).toEqual([409, 409, 404, 400, 403]);
    expect(bad.body).toContain('addresses.1');
    const listed = (await list(httpEvent('listNotificationDirectory', { claims: admin }), lambdaContext())) as { body: string };
    expect((JSON.parse(listed.body) as { entries: DirectoryEntry[] }).entries.find((e) => e.entryId === 'supervisors')?.addresses).toEqual(['duty@zfb.example.cn']);
  });
});
