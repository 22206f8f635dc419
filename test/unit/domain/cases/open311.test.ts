import { describe, expect, it } from 'vitest';
import {
  ZOpen311RequestForm,
  intakeOfOpen311,
  isoCst,
  nameOf,
  open311Range,
  open311Request,
  requestIdsOf,
} from '../../../../functions/domain/cases/open311';
import { ValidationError } from '../../../../functions/domain/errors';
import { aCase, aUnitCase } from '../../../fixtures/cases';

describe('intakeOfOpen311', () => {
  it('files the kind of service_code, no unit, the place in the description, contact only with a phone or email, no callback consent', () => {
    // prepare
    const form = ZOpen311RequestForm.parse({
      service_code: 'complaint',
      description: '路灯不亮',
      address_string: '人民路 1 号',
      lat: '31.2304',
      long: '121.4737',
      first_name: '小明',
      last_name: '诸葛',
      email: 'x@example.cn',
      api_key: 'ignored',
    });

    // act
    const intake = intakeOfOpen311(form);
    const nameOnly = intakeOfOpen311(ZOpen311RequestForm.parse({ service_code: 'request', description: '建议', first_name: 'Ming', email: '', phone: '', lat: '', long: '' }));

    // assert
    expect(intake).toEqual({
      kind: 'complaint',
      unitId: null,
      description: '路灯不亮\n地址：人民路 1 号\n位置：31.2304,121.4737',
      contact: { name: '诸葛小明', email: 'x@example.cn' },
      callbackConsent: false,
    });
    expect(nameOnly).toEqual({ kind: 'request', unitId: null, description: '建议', callbackConsent: false });
  });

  it('refuses an unknown service_code and a missing description, naming both', () => {
    // act
    const parsed = ZOpen311RequestForm.safeParse({ service_code: 'pothole' });

    // assert
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['description', 'service_code']);
  });
});

describe('nameOf', () => {
  it('puts a Chinese family name first without a space, a Western name first-name first', () => {
    // assert
    expect(nameOf('小明', '诸葛')).toBe('诸葛小明');
    expect(nameOf('Jane', 'Doe')).toBe('Jane Doe');
    expect(nameOf(undefined, '王')).toBe('王');
    expect(nameOf(undefined, undefined)).toBeUndefined();
  });
});

describe('open311Request', () => {
  it('maps state to open/closed and a state name, times to ISO at +08:00, and shows no description or reply', () => {
    // prepare
    const open = aCase({ receivedAt: '2026-06-01T02:00:00.000Z', updatedAt: '2026-06-01T02:00:00.000Z', dueAt: '2026-06-22T15:59:59.999Z' });
    const closed = aUnitCase('CLOSED', { reply: { text: '已修复', at: '2026-06-03T02:00:00.000Z' } });

    // act
    const a = open311Request(open, undefined, 'zh-CN');
    const b = open311Request(closed, 'District Tax Bureau', 'en');

    // assert
    expect(a).toMatchObject({
      service_request_id: open.trackingNumber,
      status: 'open',
      status_notes: '已受理',
      service_code: 'complaint',
      agency_responsible: '',
      requested_datetime: '2026-06-01T10:00:00+08:00',
      expected_datetime: '2026-06-22T23:59:59+08:00',
    });
    expect(b).toMatchObject({ status: 'closed', status_notes: 'Closed', service_name: 'Complaint or report', agency_responsible: 'District Tax Bureau' });
    expect(JSON.stringify([a, b])).not.toContain(open.description);
    expect(JSON.stringify(b)).not.toContain('已修复');
    expect(open311Request(aCase({ state: 'REJECTED' }), undefined, 'zh-CN').status).toBe('closed');
  });
});

describe('isoCst', () => {
  it('writes an instant in China Standard Time with its offset', () => {
    // assert
    expect(isoCst('2026-12-31T16:30:05.123Z')).toBe('2027-01-01T00:30:05+08:00');
  });
});

describe('requestIdsOf', () => {
  it('splits, trims, upper-cases and de-duplicates ids, and refuses one that is no tracking number', () => {
    // assert
    expect(requestIdsOf(' 20260601-7kq2m9xa,20260601-7KQ2M9XA,,20260602-22222222 ')).toEqual(['20260601-7KQ2M9XA', '20260602-22222222']);
    expect(() => requestIdsOf('638344')).toThrow(ValidationError);
  });
});

describe('open311Range', () => {
  const now = new Date('2026-06-15T02:00:00Z');

  it('reaches 90 days back by default, and refuses a reversed or longer range', () => {
    // assert
    expect(open311Range({}, now)).toEqual({ from: '2026-03-17', to: '2026-06-15' });
    expect(open311Range({ start_date: '2026-06-01T00:00:00+08:00', end_date: '2026-06-10T00:00:00+08:00' }, now)).toEqual({ from: '2026-06-01', to: '2026-06-10' });
    expect(() => open311Range({ start_date: '2026-06-10T00:00:00+08:00', end_date: '2026-06-01T00:00:00+08:00' }, now)).toThrow(ValidationError);
    expect(() => open311Range({ start_date: '2026-01-01T00:00:00+08:00', end_date: '2026-06-01T00:00:00+08:00' }, now)).toThrow(ValidationError);
  });
});
