import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../functions/domain/cases/case';
import { ZOpen311Created, ZOpen311Errors, ZOpen311RequestList, ZOpen311ServiceList, type Open311Request } from '../../functions/domain/cases/open311';
import { createDistrict, startAdmissionStack, type AdmissionStack, type Caller } from './admission-stack';

/**
 * Open311 GeoReport v2 over the local HTTP API on DynamoDB Local, with the spec's example requests
 * (https://wiki.open311.org/GeoReport_v2): the service list, a request posted form-encoded, and the request
 * read back by id and in lists — each answered in the spec's shapes, with errors as `[{ code, description }]`.
 * What anyone knowing a request id may read holds no description, contact nor reply.
 */

const TAX: Caller = { unitHandlerOf: ['tax-office'] };

/** GeoReport v2's example POST, with the values of a Chinese city. */
const SPEC_EXAMPLE = {
  api_key: 'xyz',
  jurisdiction_id: 'pingyi.example.cn',
  service_code: 'complaint',
  lat: '31.2304',
  long: '121.4737',
  address_string: '人民路 1 号政务服务中心',
  email: 'xiaoming.zhuge@example.cn',
  device_id: 'tt222111',
  account_id: '123456',
  first_name: '小明',
  last_name: '诸葛',
  phone: '13700001111',
  description: '政务服务中心三楼的空调坏了一周，无人维修。',
  media_url: 'https://example.cn/photo.jpg',
};

describe('Open311 GeoReport v2 over the local API', () => {
  let api: AdmissionStack;

  beforeAll(async () => {
    api = await startAdmissionStack('open311');
    await createDistrict(api, ['tax-office']);
  });

  afterAll(async () => {
    await api?.stop();
  });

  async function call(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), text, body: JSON.parse(text) as unknown };
  }

  async function post(form: Record<string, string> = SPEC_EXAMPLE): Promise<{ id: string; notice: string }> {
    const res = await call('POST', '/open311/v2/requests.json', form);
    expect(res.status, res.text).toBe(201);
    const [created] = ZOpen311Created.parse(res.body);
    return { id: created!.service_request_id, notice: created!.service_notice };
  }

  const caseOf = async (trackingNumber: string) =>
    (await api.scan('cases')).find((i) => i.sk === 'STATE' && i.trackingNumber === trackingNumber) as unknown as Case;

  it('lists one service per case kind (GET services.json)', async () => {
    // act
    const zh = await call('GET', '/open311/v2/services.json');
    const en = await call('GET', '/open311/v2/services.json?jurisdiction_id=pingyi.example.cn', undefined, { 'accept-language': 'en' });

    // assert
    expect(zh.status).toBe(200);
    expect(zh.type).toMatch(/^application\/json/);
    const services = ZOpen311ServiceList.parse(zh.body);
    expect(services.map((s) => s.service_code)).toEqual(['consultation', 'request', 'complaint']);
    expect(services.every((s) => s.metadata === false && s.type === 'realtime' && s.service_name && s.description && s.group)).toBe(true);
    expect(services.map((s) => Object.keys(s).sort())).toEqual(services.map(() => ['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']));
    expect(services[2]!.service_name).toBe('投诉或举报');
    expect(ZOpen311ServiceList.parse(en.body)[2]!.service_name).toBe('Complaint or report');
  });

  it("files the spec's example request (POST requests.json, form-encoded) as a case, contacts apart, the access code in service_notice", async () => {
    // act
    const { id, notice } = await post();
    const code = /[2-9A-HJKMNP-Z]{10}/.exec(notice)?.[0];
    const status = await api.send('POST', '/cases/status', { trackingNumber: id, accessCode: code });
    const c = await caseOf(id);

    // assert
    expect(id).toMatch(/^\d{8}-[2-9A-HJKMNP-Z]{8}$/);
    expect(code).toBeDefined();
    expect(status.status, status.text).toBe(200);
    expect(c).toMatchObject({ source: 'complaint', kind: 'complaint', unitId: null, requestedUnitId: null, state: 'RECEIVED', hasContact: true, callbackConsent: false });
    expect(c.description).toContain(SPEC_EXAMPLE.description);
    expect(c.description).toContain('人民路 1 号政务服务中心');
    expect(c.description).toContain('31.2304,121.4737');
    const contacts = (await api.scan('contacts')).filter((i) => i.pk === `CASE#${c.caseId}`);
    expect(contacts).toEqual([expect.objectContaining({ name: '诸葛小明', phone: SPEC_EXAMPLE.phone, email: SPEC_EXAMPLE.email })]);
    expect(JSON.stringify(await api.scan('cases'))).not.toContain(SPEC_EXAMPLE.phone);
  });

  it('reads a request by id (GET requests/{id}.json) in the spec shape, its unit, dates at +08:00, and never its description, contact or reply', async () => {
    // prepare
    const { id } = await post();
    const c = await caseOf(id);
    const read = async () => {
      const res = await call('GET', `/open311/v2/requests/${id}.json`);
      expect(res.status, res.text).toBe(200);
      return { text: res.text, request: ZOpen311RequestList.parse(res.body)[0]! };
    };

    // act
    const received = await read();
    await api.send('POST', `/cases/${c.caseId}/actions`, { action: 'assign', unitId: 'tax-office' }, { as: 'supervisor' });
    const assigned = await read();
    for (const body of [{ action: 'accept' }, { action: 'reply', text: '已于周五修好空调，感谢监督。' }]) {
      const res = await api.send('POST', `/cases/${c.caseId}/actions`, body, { as: TAX });
      expect(res.status, res.text).toBe(200);
    }
    const closing = await api.send('POST', `/cases/${c.caseId}/actions`, { action: 'close', note: '电话回访满意' }, { as: 'supervisor' });
    const closed = await read();
    const lower = await call('GET', `/open311/v2/requests/${id.toLowerCase()}.json`);

    // assert
    expect(received.request).toEqual<Open311Request>({
      service_request_id: id,
      status: 'open',
      status_notes: '已受理',
      service_name: '投诉或举报',
      service_code: 'complaint',
      agency_responsible: '',
      service_notice: '',
      requested_datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      updated_datetime: expect.stringMatching(/\+08:00$/),
      expected_datetime: `${c.dueDate}T23:59:59+08:00`,
      address: '',
      address_id: '',
      zipcode: '',
      lat: null,
      long: null,
      media_url: '',
    });
    expect(Date.parse(received.request.requested_datetime)).toBe(Math.floor(Date.parse(c.receivedAt) / 1000) * 1000);
    expect(assigned.request).toMatchObject({ status: 'open', status_notes: '已交办', agency_responsible: '单位tax-office' });
    expect(closing.status, closing.text).toBe(200);
    expect(closed.request).toMatchObject({ status: 'closed', status_notes: '已办结', agency_responsible: '单位tax-office' });
    for (const text of [received.text, assigned.text, closed.text]) {
      for (const secret of [SPEC_EXAMPLE.description, SPEC_EXAMPLE.phone, SPEC_EXAMPLE.email, '小明', '已于周五修好空调']) expect(text).not.toContain(secret);
    }
    expect(lower.status).toBe(200);
  });

  it('lists requests by id (comma-separated, unknown ones left out) or by kind, status and dates (GET requests.json)', async () => {
    // prepare
    const first = await post();
    const second = await post({ service_code: 'consultation', description: '社保卡补办需要带什么材料？' });
    const unknown = '20200101-22222222';

    // act
    const byIds = await call('GET', `/open311/v2/requests.json?service_request_id=${first.id},${unknown},${second.id}`);
    const consultations = await call('GET', '/open311/v2/requests.json?service_code=consultation&status=open');
    const future = await call('GET', `/open311/v2/requests.json?start_date=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);

    // assert
    expect(byIds.status, byIds.text).toBe(200);
    expect(ZOpen311RequestList.parse(byIds.body).map((r) => r.service_request_id)).toEqual([first.id, second.id]);
    const listed = ZOpen311RequestList.parse(consultations.body);
    expect(listed.map((r) => r.service_request_id)).toContain(second.id);
    expect(listed.every((r) => r.service_code === 'consultation' && r.status === 'open')).toBe(true);
    expect(listed.map((r) => r.service_request_id)).not.toContain(first.id);
    expect(ZOpen311RequestList.parse(future.body)).toEqual([]);
  });

  it("answers errors in the spec's shape, [{ code, description }], with its status codes", async () => {
    // act
    const missing = await call('POST', '/open311/v2/requests.json', { api_key: 'xyz', lat: '31.2304', long: '121.4737' });
    const unknownService = await call('POST', '/open311/v2/requests.json', { ...SPEC_EXAMPLE, service_code: '001' }, { 'accept-language': 'en' });
    const json = await fetch(`${api.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(SPEC_EXAMPLE) });
    const notFound = await call('GET', '/open311/v2/requests/20200101-22222222.json');
    const badId = await call('GET', '/open311/v2/requests/638344.json');
    const badRange = await call('GET', '/open311/v2/requests.json?start_date=2020-01-01T00:00:00%2B08:00&end_date=2021-01-01T00:00:00%2B08:00');

    // assert
    expect(missing.status).toBe(400);
    const missingErrors = ZOpen311Errors.parse(missing.body);
    expect(missingErrors.map((e) => e.code)).toEqual([400, 400]);
    expect(missingErrors.map((e) => e.description.split(':')[0]).sort()).toEqual(['description', 'service_code']);
    expect(unknownService.status).toBe(400);
    expect(ZOpen311Errors.parse(unknownService.body)).toEqual([{ code: 400, description: expect.stringMatching(/^service_code: No such service/) }]);
    expect(json.status).toBe(415);
    expect(ZOpen311Errors.parse(await json.json())).toEqual([{ code: 415, description: expect.stringContaining('x-www-form-urlencoded') }]);
    expect(notFound.status).toBe(404);
    expect(ZOpen311Errors.parse(notFound.body)).toEqual([{ code: 404, description: expect.any(String) }]);
    expect(badId.status).toBe(400);
    expect(ZOpen311Errors.parse(badId.body)[0]!.code).toBe(400);
    expect(badRange.status).toBe(400);
    expect(ZOpen311Errors.parse(badRange.body)).toEqual([{ code: 400, description: expect.stringMatching(/^start_date: /) }]);
  });
});
