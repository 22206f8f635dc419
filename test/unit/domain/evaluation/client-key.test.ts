import { describe, expect, it } from 'vitest';
import { ZAdmission } from '../../../../functions/domain/evaluation/admission';
import { clientAddress, clientKey, cstDay, forgetPastSalts, newSalt, type DaySaltDeps } from '../../../../functions/domain/evaluation/client-key';

const SALT = Buffer.alloc(32, 7).toString('base64');
const OTHER_SALT = Buffer.alloc(32, 8).toString('base64');
const UA = 'Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0.50';

describe('cstDay', () => {
  it('goes by China Standard Time: 16:00 UTC is already the next day', () => {
    const days = [new Date('2026-11-27T15:59:59.999Z'), new Date('2026-11-27T16:00:00.000Z'), new Date('2026-12-31T16:00:00.000Z')].map(cstDay);

    expect(days).toEqual(['2026-11-27', '2026-11-28', '2027-01-01']);
  });
});

describe('clientAddress', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientAddress('203.0.113.7')).toBe('203.0.113.7');
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 address', () => {
    const addresses = ['::ffff:203.0.113.7', '::FFFF:203.0.113.7'].map(clientAddress);

    expect(addresses).toEqual(['203.0.113.7', '203.0.113.7']);
  });

  it('groups IPv6 addresses by their /64, however they are written', () => {
    const written = [
      '2409:8a00:1234:5678:aaaa:bbbb:cccc:dddd',
      '2409:8A00:1234:5678:1:2:3:4',
      '2409:8a00:1234:5678::1',
      '2409:8a00:1234:5678:0000:0000:0000:0001',
    ];

    const prefixes = written.map(clientAddress);

    expect(new Set(prefixes)).toEqual(new Set(['2409:8a00:1234:5678::/64']));
  });

  it('expands :: before taking the /64, and drops leading zeros', () => {
    const prefixes = ['2001:db8::1', '2001:0db8:0000:0001::5', 'fe80::1:2:3:4:5'].map(clientAddress);

    expect(prefixes).toEqual(['2001:db8:0:0::/64', '2001:db8:0:1::/64', 'fe80:0:0:1::/64']);
  });

  it('tells apart addresses in different /64s', () => {
    const prefixes = ['2409:8a00:1234:5678::1', '2409:8a00:1234:5679::1'].map(clientAddress);

    expect(prefixes[0]).not.toBe(prefixes[1]);
  });
});

describe('clientKey', () => {
  it('is 128 bits in base64url, as a stored open ballot takes it, and never holds the address', () => {
    const key = clientKey(SALT, '203.0.113.7', UA);

    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ZAdmission.safeParse({ kind: 'open', day: '2026-11-28', clientKey: key }).success).toBe(true);
    expect(key).not.toContain('203');
  });

  it('is the same for one address and browser under one salt, and another under the next day’s salt', () => {
    const today = [clientKey(SALT, '203.0.113.7', UA), clientKey(SALT, '203.0.113.7', UA)];
    const tomorrow = clientKey(OTHER_SALT, '203.0.113.7', UA);

    expect(today[1]).toBe(today[0]);
    expect(tomorrow).not.toBe(today[0]);
  });

  it('tells apart another address or another browser', () => {
    const keys = [clientKey(SALT, '203.0.113.7', UA), clientKey(SALT, '203.0.113.8', UA), clientKey(SALT, '203.0.113.7', `${UA} Edg/120`)];

    expect(new Set(keys).size).toBe(3);
  });

  it('gives one key to a phone that rotates the lower half of its IPv6 address', () => {
    const keys = ['2409:8a00:1234:5678:aaaa:bbbb:cccc:dddd', '2409:8a00:1234:5678:1111:2222:3333:4444'].map((a) => clientKey(SALT, a, UA));

    expect(keys[1]).toBe(keys[0]);
  });

  it('gives one key to an IPv4 address whether or not the socket mapped it into IPv6', () => {
    const keys = ['203.0.113.7', '::ffff:203.0.113.7'].map((a) => clientKey(SALT, a, UA));

    expect(keys[1]).toBe(keys[0]);
  });
});

describe('newSalt', () => {
  it('makes 256 random bits, different every time', () => {
    const salts = [newSalt(), newSalt()];

    expect(Buffer.from(salts[0]!, 'base64')).toHaveLength(32);
    expect(salts[1]).not.toBe(salts[0]);
  });
});

describe('forgetPastSalts', () => {
  function saltStore(days: string[], now: Date) {
    const kept = new Set(days);
    const deps: DaySaltDeps = {
      saltDays: async () => [...kept],
      deleteSalt: async (day) => void kept.delete(day),
      now: () => now,
    };
    return { deps, kept };
  }

  it("deletes every salt before today's (CST), oldest first, and keeps today's", async () => {
    // 2026-11-28 00:30 in Beijing is still 2026-11-27 in UTC.
    const { deps, kept } = saltStore(['2026-11-28', '2026-11-26', '2026-11-27'], new Date('2026-11-27T16:30:00Z'));

    const forgotten = await forgetPastSalts(deps);

    expect(forgotten).toEqual(['2026-11-26', '2026-11-27']);
    expect([...kept]).toEqual(['2026-11-28']);
  });

  it("keeps yesterday's salt until the CST day is over", async () => {
    const { deps, kept } = saltStore(['2026-11-27'], new Date('2026-11-27T15:59:00Z'));

    const forgotten = await forgetPastSalts(deps);

    expect(forgotten).toEqual([]);
    expect([...kept]).toEqual(['2026-11-27']);
  });

  it('does nothing when there are no salts', async () => {
    const { deps } = saltStore([], new Date('2026-11-27T16:30:00Z'));

    const forgotten = await forgetPastSalts(deps);

    expect(forgotten).toEqual([]);
  });
});
