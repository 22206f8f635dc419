import { describe, expect, it } from 'vitest';
import {
  TOKEN_MAX_LENGTH,
  batchOfSerial,
  derivedRecordKey,
  invitationSerial,
  keyRingOf,
  readToken,
  serviceRecordSerial,
  signToken,
  tokenBallotRef,
} from '../../../../functions/domain/evaluation/ballot-token';
import { ZBallotRef } from '../../../../functions/domain/evaluation/ballot-ids';
import { KEY_1, KEY_2, aRing, invitationClaims, serviceRecordClaims } from './submission-fakes';

/** The token with one of its dot-separated parts replaced. */
const withPart = (token: string, index: number, value: string) => {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
};

describe('keyRingOf', () => {
  it('reads the flat secret: the current key signs, every listed key verifies', () => {
    const stored = { current: 'k2', k1: KEY_1, k2: KEY_2 };

    const ring = keyRingOf(stored);

    expect(ring.current).toBe('k2');
    expect(ring.keys).toEqual({ k1: KEY_1, k2: KEY_2 });
  });

  it('derives the record key from k1 until the ring writes one down, and keeps a written one', () => {
    const derived = keyRingOf({ current: 'k2', k1: KEY_1, k2: KEY_2 });
    const written = keyRingOf({ current: 'k1', k1: KEY_1, record: 'r'.repeat(40) });

    expect(derived.recordKey).toBe(derivedRecordKey(KEY_1));
    expect(written.recordKey).toBe('r'.repeat(40));
  });

  it('refuses a ring without its current key, with a short key, or with nothing to make a record key from, naming no key', () => {
    const rings: Record<string, string>[] = [
      { current: 'k3', k1: KEY_1 },
      { k1: KEY_1 },
      { current: 'k1', k1: 'too-short' },
      { current: 'k2', k2: KEY_2 },
    ];

    const errors = rings.map((stored) => {
      try {
        keyRingOf(stored);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    });

    expect(errors).toEqual([
      'ballot key ring: the current key is missing',
      'ballot key ring: the current key is missing',
      'ballot key ring: key k1 is not 32 to 128 URL-safe characters',
      'ballot key ring: no record key, and no k1 to derive it from',
    ]);
    for (const message of errors) expect(message).not.toContain(KEY_1.slice(0, 8));
  });

  it('ignores fields that are not key ids', () => {
    const ring = keyRingOf({ current: 'k1', k1: KEY_1, note: 'rotated by ops', kx: 'nonsense' });

    expect(Object.keys(ring.keys)).toEqual(['k1']);
  });
});

describe('signToken and readToken', () => {
  it('reads back what an invitation for a unit and a group says', () => {
    const claims = invitationClaims({ groupId: 'deputy' });

    const read = readToken(aRing(), signToken(aRing(), claims));

    expect(read).toEqual(claims);
  });

  it('reads an invitation to rate every unit, without unit or group', () => {
    const { unitId: _unit, ...claims } = invitationClaims();

    const read = readToken(aRing(), signToken(aRing(), claims));

    expect(read).toEqual(claims);
    expect(read).not.toHaveProperty('unitId');
    expect(read).not.toHaveProperty('groupId');
  });

  it('reads a service-record token as one', () => {
    const claims = serviceRecordClaims();

    const read = readToken(aRing(), signToken(aRing(), claims));

    expect(read?.kind).toBe('serviceRecord');
    expect(read?.serial).toBe(claims.serial);
  });

  it('says in the token what it is for, signed by the current key, with a 128-bit MAC', () => {
    const token = signToken(aRing({ current: 'k2', k1: KEY_1, k2: KEY_2 }), invitationClaims({ groupId: 'deputy' }));

    const [kind, keyId, periodId, unitId, groupId, , serial, mac] = token.split('.');

    expect([kind, keyId, periodId, unitId, groupId, serial]).toEqual(['i', 'k2', '2026-annual', 'tax-bureau', 'deputy', 'batch0001-1']);
    expect(Buffer.from(mac!, 'base64url')).toHaveLength(16);
    expect(token.length).toBeLessThan(TOKEN_MAX_LENGTH);
  });

  it('rounds the expiry up to the minute, never earlier than asked', () => {
    const asked = new Date('2026-12-31T23:59:30.500Z');

    const read = readToken(aRing(), signToken(aRing(), invitationClaims({ expiresAt: asked })));

    expect(read?.expiresAt.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('refuses a token whose claims were changed after signing', () => {
    const token = signToken(aRing(), invitationClaims());
    const changed = [
      withPart(token, 2, '2025-annual'),
      withPart(token, 3, 'service-centre'),
      withPart(token, 4, 'deputy'),
      withPart(token, 5, (Number.parseInt(token.split('.')[5]!, 36) + 60 * 24 * 365).toString(36)),
      withPart(token, 6, 'batch0001-2'),
      withPart(token, 0, 'r'),
    ];

    const read = changed.map((t) => readToken(aRing(), t));

    expect(read).toEqual(changed.map(() => undefined));
  });

  it('refuses a forged MAC', () => {
    const token = signToken(aRing(), invitationClaims());
    const mac = token.split('.')[7]!;
    const forged = withPart(token, 7, (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1));

    const read = readToken(aRing(), forged);

    expect(read).toBeUndefined();
  });

  it('refuses a token signed with a key the ring does not have, or that names another key id', () => {
    const foreign = signToken(aRing({ current: 'k1', k1: KEY_2 }), invitationClaims());
    const relabelled = withPart(signToken(aRing(), invitationClaims()), 1, 'k2');

    const read = [readToken(aRing(), foreign), readToken(aRing({ current: 'k2', k1: KEY_1, k2: KEY_2 }), relabelled)];

    expect(read).toEqual([undefined, undefined]);
  });

  it('keeps tokens of an older key valid after a rotation, until the key is retired', () => {
    const before = aRing({ current: 'k1', k1: KEY_1 });
    const rotated = aRing({ current: 'k2', k1: KEY_1, k2: KEY_2 });
    const retired = aRing({ current: 'k2', k2: KEY_2, record: derivedRecordKey(KEY_1) });
    const token = signToken(before, invitationClaims());

    const read = [readToken(rotated, token), readToken(retired, token)];

    expect(read[0]).toEqual(invitationClaims());
    expect(read[1]).toBeUndefined();
  });

  it('refuses malformed tokens without throwing', () => {
    const token = signToken(aRing(), invitationClaims());
    const malformed = [
      '',
      'not-a-token',
      token.split('.').slice(0, 7).join('.'),
      `${token}.extra`,
      withPart(token, 0, 'x'),
      withPart(token, 1, 'constructor'),
      withPart(token, 1, '__proto__'),
      withPart(token, 2, 'Not_An_Id'),
      withPart(token, 3, ''),
      withPart(token, 5, '-1'),
      withPart(token, 6, 'a.b'),
      withPart(token, 6, 'x'),
      withPart(token, 7, ''),
      withPart(token, 7, '%%%%'),
      token + 'A'.repeat(TOKEN_MAX_LENGTH),
      'i.k1.2026-annual.tax-bureau._.zzzzzzzzzzz.batch0001-1.AAAAAAAAAAAAAAAAAAAAAA',
    ];

    const read = malformed.map((t) => readToken(aRing(), t));

    expect(read).toEqual(malformed.map(() => undefined));
  });
});

describe('ballot references and serials', () => {
  it("keys a token's ballot by its kind and serial, as a valid ballot reference", () => {
    const refs = [tokenBallotRef(invitationClaims()), tokenBallotRef(serviceRecordClaims())];

    expect(refs).toEqual(['i.batch0001-1', 'r.cmVjb3JkLWRpZ2VzdA']);
    for (const ref of refs) expect(ZBallotRef.safeParse(ref).success).toBe(true);
  });

  it('numbers the invitations of a batch, and finds the batch again from a serial', () => {
    const serials = [1, 35, 36, 2000].map((n) => invitationSerial('hq2x9-batch', n));

    expect(serials).toEqual(['hq2x9-batch-1', 'hq2x9-batch-z', 'hq2x9-batch-10', 'hq2x9-batch-1jk']);
    expect(serials.map(batchOfSerial)).toEqual(serials.map(() => 'hq2x9-batch'));
  });

  it('gives a service record the same serial every time, and another record, unit or period another one', () => {
    const ring = aRing();

    const serials = [
      serviceRecordSerial(ring, '2026-annual', 'tax-bureau', 'SW-2026-000123'),
      serviceRecordSerial(ring, '2026-annual', 'tax-bureau', 'SW-2026-000123'),
      serviceRecordSerial(ring, '2026-annual', 'tax-bureau', 'SW-2026-000124'),
      serviceRecordSerial(ring, '2026-annual', 'service-centre', 'SW-2026-000123'),
      serviceRecordSerial(ring, '2027-annual', 'tax-bureau', 'SW-2026-000123'),
    ];

    expect(serials[1]).toBe(serials[0]);
    expect(new Set(serials).size).toBe(4);
    for (const serial of serials) {
      expect(serial).not.toContain('000123');
      expect(ZBallotRef.safeParse(`r.${serial}`).success).toBe(true);
    }
  });

  it("keeps a service record's serial across a key rotation, so a record posted again still rates once", () => {
    const before = aRing({ current: 'k1', k1: KEY_1 });
    const after = aRing({ current: 'k2', k1: KEY_1, k2: KEY_2 });
    const retired = aRing({ current: 'k2', k2: KEY_2, record: derivedRecordKey(KEY_1) });

    const serials = [before, after, retired].map((ring) => serviceRecordSerial(ring, '2026-annual', 'tax-bureau', 'SW-1'));

    expect(new Set(serials).size).toBe(1);
  });
});
