import * as z from 'zod/mini';
import { NotFoundError, ValidationError, type FieldIssue } from '../errors';
import type { Lang } from '../lang';
import { COMMON_MESSAGES, fill, schemaMessage, type Message } from '../messages';
import { cstParts, TIME_ZONE_OFFSET } from '../time-zone';
import { cstDate } from '../working-days';
import {
  CASE_KINDS,
  DESCRIPTION_MAX,
  FINAL_STATES,
  ZCaseKind,
  ZTrackingNumber,
  type Case,
  type CaseContact,
  type CaseIntake,
  type CaseKind,
  type CaseReceipt,
} from './case';
import { fileCase } from './intake';
import { CASE_KIND_LABELS, CASE_STATE_LABELS } from './messages';
import type { CaseDeps, IntakeDeps } from './ports';
import { monthsBetween } from './workflow';

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) mapped onto cases, so that existing Open311
 * clients can file complaints and follow them. Pure: the use cases stay intake.ts's and workflow.ts's.
 *
 * | Open311                         | Pingyi                                                                     |
 * |---------------------------------|----------------------------------------------------------------------------|
 * | service (`service_code`)        | a case kind: consultation, request, complaint (`metadata: false`)           |
 * | `service_request_id`            | the tracking number                                                         |
 * | `status` open / closed          | closed once CLOSED or REJECTED, open before                                 |
 * | `status_notes`                  | the state's name only (reply and rejection reason need the access code)     |
 * | `agency_responsible`            | the name of the unit the case is with (empty while the office holds it)     |
 * | `requested_` / `updated_` / `expected_datetime` | received, last changed, deadline — ISO 8601 at +08:00       |
 * | `description`, contact fields   | taken at intake; never shown by a GET (they may carry personal data)        |
 * | `service_notice` (POST)         | the access code, shown this once, and the deadline                          |
 *
 * Open311 has no access code: whoever knows a tracking number may read its status, dates and unit, not
 * what the citizen wrote nor the reply — those are read with the access code (`POST /cases/status`).
 */

// ---- services ---------------------------------------------------------------------------------------------

export const ZOpen311Service = z.object({
  service_code: ZCaseKind,
  service_name: z.string(),
  description: z.string(),
  metadata: z.boolean(),
  type: z.literal('realtime'),
  keywords: z.string(),
  group: z.string(),
});
export type Open311Service = z.infer<typeof ZOpen311Service>;
export const ZOpen311ServiceList = z
  .array(ZOpen311Service)
  .register(z.globalRegistry, { id: 'Open311ServiceList', description: 'GeoReport v2 service list: one service per case kind.' });

const SERVICE_TEXTS = {
  consultation: {
    description: { 'zh-CN': '咨询政策、办事流程等，2 个工作日内答复。', en: 'Questions about policies and procedures; answered within 2 working days.' },
    keywords: { 'zh-CN': '咨询,政策,流程', en: 'consultation,policy,procedure' },
  },
  request: {
    description: { 'zh-CN': '求助或意见建议，10 个工作日内答复。', en: 'Requests for help and suggestions; answered within 10 working days.' },
    keywords: { 'zh-CN': '求助,建议', en: 'request,suggestion' },
  },
  complaint: {
    description: { 'zh-CN': '投诉或举报公共服务单位及其工作人员，15 个工作日内答复。', en: 'Complaints and reports about public-service units and their staff; answered within 15 working days.' },
    keywords: { 'zh-CN': '投诉,举报,作风', en: 'complaint,report,conduct' },
  },
} as const satisfies Record<CaseKind, { description: Message; keywords: Message }>;

const GROUP: Message = { 'zh-CN': '群众诉求', en: 'Citizen matters' };

/** The service list: one service per case kind, no extra attributes (`metadata: false`). */
export function open311Services(lang: Lang): Open311Service[] {
  return CASE_KINDS.map((kind) => ({
    service_code: kind,
    service_name: CASE_KIND_LABELS[kind][lang],
    description: SERVICE_TEXTS[kind].description[lang],
    metadata: false,
    type: 'realtime' as const,
    keywords: SERVICE_TEXTS[kind].keywords[lang],
    group: GROUP[lang],
  }));
}

// ---- creating a request ----------------------------------------------------------------------------------

const M = {
  unknownService: { 'zh-CN': '没有这项服务（service_code 应为 consultation、request 或 complaint）。', en: 'No such service (service_code is consultation, request or complaint).' },
  badNumber: { 'zh-CN': '应为数字。', en: 'Must be a number.' },
  badPhone: { 'zh-CN': '请填写有效的电话号码（手机或座机）。', en: 'Enter a valid phone number (mobile or landline).' },
  badEmail: { 'zh-CN': '请填写有效的电子邮箱。', en: 'Enter a valid email address.' },
  notFound: { 'zh-CN': '没有受理编号为“{id}”的诉求。', en: 'No service request "{id}".' },
  tooMany: { 'zh-CN': '一次最多查询 {max} 个受理编号。', en: 'At most {max} service requests at once.' },
  badId: { 'zh-CN': '受理编号格式不对。', en: 'This is not a service request id.' },
  badRange: { 'zh-CN': '开始时间不能晚于结束时间，且相隔不超过 {days} 天。', en: 'The start must not be after the end, and at most {days} days before it.' },
} as const satisfies Record<string, Message>;

const optionalText = (max: number) =>
  z.optional(z.string().check(z.trim(), z.maxLength(max, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max })))));
// Open311 clients send empty fields as `name=`: an empty optional field is an absent one.
const decimal = z.optional(z.string().check(z.trim(), z.regex(/^(-?\d{1,3}(\.\d{1,12})?)?$/, schemaMessage(M.badNumber))));

/**
 * A GeoReport v2 POST requests.json, as its form fields (application/x-www-form-urlencoded). Fields Pingyi
 * has no use for (api_key, jurisdiction_id, device_id, account_id, attribute[…]) are accepted and ignored:
 * filing needs no account and no key, as on the intake page.
 */
export const ZOpen311RequestForm = z
  .object({
    service_code: z.enum(CASE_KINDS, schemaMessage(M.unknownService)),
    description: z.string().check(
      z.trim(),
      z.minLength(1, schemaMessage(COMMON_MESSAGES.required)),
      z.maxLength(DESCRIPTION_MAX, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max: DESCRIPTION_MAX }))),
    ),
    lat: decimal,
    long: decimal,
    address_string: optionalText(200),
    address_id: optionalText(100),
    email: z.optional(
      z.union([
        z.literal(''),
        z.string().check(z.trim(), z.maxLength(254, schemaMessage(fill(COMMON_MESSAGES.tooLong, { max: 254 }))), z.email(schemaMessage(M.badEmail))),
      ]),
    ),
    phone: z.optional(z.string().check(z.trim(), z.regex(/^(\+?[0-9][0-9 -]{5,19})?$/, schemaMessage(M.badPhone)))),
    first_name: optionalText(25),
    last_name: optionalText(25),
    media_url: optionalText(500),
  })
  .register(z.globalRegistry, { id: 'Open311RequestForm', description: 'GeoReport v2 POST requests.json form fields.' });
export type Open311RequestForm = z.infer<typeof ZOpen311RequestForm>;

const CJK = /[\u3400-\u9fff]/;

/** A name from Open311's first and last name: family name first and no space in Chinese, "First Last" otherwise. */
export function nameOf(first: string | undefined, last: string | undefined): string | undefined {
  const parts = [first, last].filter((p): p is string => !!p);
  if (parts.length === 0) return undefined;
  return CJK.test(parts.join('')) ? `${last ?? ''}${first ?? ''}` : parts.join(' ');
}

/**
 * The intake of an Open311 request: the kind from `service_code`, no unit (the supervising office assigns
 * it), the description with the place it names, contact details only when a phone or an email is given (a
 * name alone reaches nobody), and no callback consent (Open311 cannot ask for it).
 */
export function intakeOfOpen311(form: Open311RequestForm): CaseIntake {
  const place = [
    form.address_string ? `地址：${form.address_string}` : undefined,
    form.lat && form.long ? `位置：${form.lat},${form.long}` : undefined,
    form.address_id ? `地址编号：${form.address_id}` : undefined,
    form.media_url ? `图片链接：${form.media_url}` : undefined,
  ].filter((line): line is string => line !== undefined);
  const description = [form.description, ...place].join('\n').slice(0, DESCRIPTION_MAX);
  const name = nameOf(form.first_name, form.last_name);
  const contact: CaseContact | undefined =
    form.phone || form.email ? { ...(name ? { name } : {}), ...(form.phone ? { phone: form.phone } : {}), ...(form.email ? { email: form.email } : {}) } : undefined;
  return { kind: form.service_code as CaseKind, unitId: null, description, ...(contact ? { contact } : {}), callbackConsent: false };
}

export const ZOpen311Created = z
  .array(z.object({ service_request_id: z.string(), service_notice: z.string(), account_id: z.null() }))
  .register(z.globalRegistry, { id: 'Open311Created', description: 'GeoReport v2 answer to POST requests.json.' });
export type Open311Created = z.infer<typeof ZOpen311Created>;

const NOTICE: Message = {
  'zh-CN': '已受理，请于 {due} 前留意答复。查询码 {code}（仅显示这一次）：凭受理编号和查询码查看进度和答复。',
  en: 'Received; expect an answer by {due}. Access code {code} (shown only this once): with the request id it shows progress and the reply.',
};

/** The answer to a created request: its tracking number, and the access code and deadline in `service_notice`. */
export function open311Created(receipt: CaseReceipt, lang: Lang): Open311Created {
  return [{ service_request_id: receipt.trackingNumber, service_notice: fill(NOTICE, { due: receipt.dueDate, code: receipt.accessCode })[lang], account_id: null }];
}

// ---- reading requests ------------------------------------------------------------------------------------

/** An instant as ISO 8601 in China Standard Time: `2026-11-29T17:10:00+08:00`. */
export function isoCst(iso: string): string {
  const p = cstParts(iso);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${TIME_ZONE_OFFSET}`;
}

export const ZOpen311Request = z.object({
  service_request_id: z.string(),
  status: z.enum(['open', 'closed']),
  status_notes: z.string(),
  service_name: z.string(),
  service_code: ZCaseKind,
  agency_responsible: z.string(),
  service_notice: z.string(),
  requested_datetime: z.string(),
  updated_datetime: z.string(),
  expected_datetime: z.string(),
  address: z.string(),
  address_id: z.string(),
  zipcode: z.string(),
  lat: z.null(),
  long: z.null(),
  media_url: z.string(),
});
export type Open311Request = z.infer<typeof ZOpen311Request>;
export const ZOpen311RequestList = z
  .array(ZOpen311Request)
  .register(z.globalRegistry, { id: 'Open311RequestList', description: 'GeoReport v2 service requests (public fields only).' });

/**
 * A case as an Open311 service request, with only what anyone knowing its number may read: no description,
 * no contact, no reply (see the table above). `unitName` is the unit's name, when the case is with one.
 */
export function open311Request(c: Case, unitName: string | undefined, lang: Lang): Open311Request {
  return {
    service_request_id: c.trackingNumber,
    status: FINAL_STATES.includes(c.state) ? 'closed' : 'open',
    status_notes: CASE_STATE_LABELS[c.state][lang],
    service_name: CASE_KIND_LABELS[c.kind][lang],
    service_code: c.kind,
    agency_responsible: unitName ?? '',
    service_notice: '',
    requested_datetime: isoCst(c.receivedAt),
    updated_datetime: isoCst(c.updatedAt),
    expected_datetime: isoCst(c.dueAt),
    address: '',
    address_id: '',
    zipcode: '',
    lat: null,
    long: null,
    media_url: '',
  };
}

/** The request id of `GET requests/{service_request_id}.json`: the path's last segment without `.json`. */
export const ZOpen311RequestParams = z.object({
  requestFile: z.string().check(z.regex(/^\d{8}-[2-9A-HJKMNP-Z]{8}\.json$/i, schemaMessage(M.badId))),
});
export const requestIdOfFile = (file: string): string => file.slice(0, -'.json'.length).toUpperCase();

/** How many requests one GET may name or answer at most, and how far its range may reach. */
export const OPEN311_MAX_IDS = 50;
export const OPEN311_MAX_RESULTS = 1000;
export const OPEN311_MAX_DAYS = 90;

/** GET requests.json's query: requests by id (comma-separated; overrides the rest), or by kind, status and dates. */
export const ZOpen311RequestQuery = z
  .object({
    service_request_id: z.optional(z.string().check(z.maxLength(OPEN311_MAX_IDS * 18))),
    service_code: z.optional(ZCaseKind),
    status: z.optional(z.enum(['open', 'closed'])),
    start_date: z.optional(z.iso.datetime({ offset: true })),
    end_date: z.optional(z.iso.datetime({ offset: true })),
    jurisdiction_id: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'Open311RequestQuery' });
export type Open311RequestQuery = z.infer<typeof ZOpen311RequestQuery>;

/** The tracking numbers a `service_request_id` list names (upper-cased, without repeats), or ValidationError. */
export function requestIdsOf(list: string): string[] {
  const ids = [...new Set(list.split(',').map((id) => id.trim().toUpperCase()).filter((id) => id !== ''))];
  const issues: FieldIssue[] = [];
  if (ids.length > OPEN311_MAX_IDS) issues.push({ path: 'service_request_id', message: fill(M.tooMany, { max: OPEN311_MAX_IDS }) });
  else if (ids.some((id) => !ZTrackingNumber.safeParse(id).success)) issues.push({ path: 'service_request_id', message: M.badId });
  if (issues.length > 0) throw new ValidationError(issues);
  return ids;
}

const DAY_MS = 86_400_000;

/** The CST days a list without ids covers: `start_date` to `end_date`, by default the last 90 days; at most 90 days. */
export function open311Range(query: Pick<Open311RequestQuery, 'start_date' | 'end_date'>, now: Date): { from: string; to: string } {
  // Without an end, up to now (or to the start, for a start still ahead: nothing is found then).
  const end = query.end_date ? new Date(query.end_date) : new Date(Math.max(now.getTime(), query.start_date ? Date.parse(query.start_date) : 0));
  const start = query.start_date ? new Date(query.start_date) : new Date(end.getTime() - OPEN311_MAX_DAYS * DAY_MS);
  if (start.getTime() > end.getTime() || end.getTime() - start.getTime() > OPEN311_MAX_DAYS * DAY_MS) {
    throw new ValidationError([{ path: 'start_date', message: fill(M.badRange, { days: OPEN311_MAX_DAYS }) }]);
  }
  return { from: cstDate(start), to: cstDate(end) };
}

/** Whether a case passes a list's kind and status filters. */
export const open311Matches = (c: Case, query: Pick<Open311RequestQuery, 'service_code' | 'status'>): boolean =>
  (!query.service_code || c.kind === query.service_code) && (!query.status || (FINAL_STATES.includes(c.state) ? 'closed' : 'open') === query.status);

/** An Open311 error answer: `[{ code, description }]`, the code being the HTTP status. */
export const ZOpen311Errors = z
  .array(z.object({ code: z.int(), description: z.string() }))
  .register(z.globalRegistry, { id: 'Open311Errors', description: 'GeoReport v2 errors: the HTTP status as code, and what went wrong.' });
export type Open311Errors = z.infer<typeof ZOpen311Errors>;

// ---- use cases -------------------------------------------------------------------------------------------

/** Files an Open311 request through the one intake (intake.ts `fileCase`); ValidationError names every failing field. */
export async function createOpen311Request(deps: IntakeDeps, form: Open311RequestForm, lang: Lang): Promise<Open311Created> {
  return open311Created(await fileCase(deps, intakeOfOpen311(form)), lang);
}

type ReadDeps = Pick<CaseDeps, 'findTracking' | 'getCase' | 'getUnit'>;

/** The name of each unit the cases are with, read once per unit. */
async function unitNames(deps: Pick<CaseDeps, 'getUnit'>, cases: readonly Case[], lang: Lang): Promise<Map<string, string>> {
  const ids = [...new Set(cases.map((c) => c.unitId).filter((id): id is string => id !== null))];
  const units = await Promise.all(ids.map((id) => deps.getUnit(id)));
  return new Map(ids.map((id, i) => [id, units[i]?.name[lang] ?? id]));
}

async function asRequests(deps: Pick<CaseDeps, 'getUnit'>, cases: readonly Case[], lang: Lang): Promise<Open311Request[]> {
  const names = await unitNames(deps, cases, lang);
  return cases.map((c) => open311Request(c, c.unitId === null ? undefined : names.get(c.unitId), lang));
}

/** The cases of these tracking numbers that exist, in the order asked. */
async function casesOf(deps: Pick<CaseDeps, 'findTracking' | 'getCase'>, ids: readonly string[]): Promise<Case[]> {
  const found = await Promise.all(
    ids.map(async (id) => {
      const proof = await deps.findTracking(id);
      return proof ? deps.getCase(proof.caseId) : undefined;
    }),
  );
  return found.filter((c): c is Case => c !== undefined);
}

/** `GET requests/{service_request_id}.json`: the one request, as a list of one (the spec's shape); NotFoundError otherwise. */
export async function getOpen311Request(deps: ReadDeps, id: string, lang: Lang): Promise<Open311Request[]> {
  const cases = await casesOf(deps, [id]);
  if (cases.length === 0) throw new NotFoundError('case', id);
  return asRequests(deps, cases, lang);
}

/**
 * `GET requests.json`: the requests named by `service_request_id` (unknown ones left out, as the spec has
 * it), or else those received from `start_date` to `end_date` (the last 90 days by default), of one kind
 * and status if asked, newest first, at most 1,000 — read month by month of receipt, never by a scan.
 */
export async function listOpen311Requests(deps: ReadDeps & Pick<CaseDeps, 'listCasesOfMonths' | 'now'>, query: Open311RequestQuery, lang: Lang): Promise<Open311Request[]> {
  if (query.service_request_id !== undefined) return asRequests(deps, await casesOf(deps, requestIdsOf(query.service_request_id)), lang);
  const { from, to } = open311Range(query, deps.now());
  const start = query.start_date ? Date.parse(query.start_date) : Number.NEGATIVE_INFINITY;
  const end = query.end_date ? Date.parse(query.end_date) : Number.POSITIVE_INFINITY;
  const cases = (await deps.listCasesOfMonths(monthsBetween(from, to)))
    .filter((c) => Date.parse(c.receivedAt) >= start && Date.parse(c.receivedAt) <= end && cstDate(new Date(c.receivedAt)) >= from && open311Matches(c, query))
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || a.caseId.localeCompare(b.caseId))
    .slice(0, OPEN311_MAX_RESULTS);
  return asRequests(deps, cases, lang);
}
