import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TIME_ZONE, cstParts, formatInstantCst } from '../../../functions/domain/time-zone';

describe('cstParts', () => {
  const intlParts = (iso: string) => {
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
    return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
  };

  it('reads every instant since 1992 as the time-zone database reads Asia/Shanghai', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1992-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        expect(cstParts(date.toISOString())).toEqual(intlParts(date.toISOString()));
      }),
      { numRuns: 2000 },
    );
  });

  it('crosses midnight and the new year at 16:00 UTC', () => {
    // Prepare: the last second of 2026 in UTC+8, and the first of 2027.
    const before = '2026-12-31T15:59:59.999Z';
    const after = '2026-12-31T16:00:00.000Z';
    // Act and assert
    expect(formatInstantCst(before)).toBe('2026-12-31 23:59:59');
    expect(formatInstantCst(after)).toBe('2027-01-01 00:00:00');
  });
});
