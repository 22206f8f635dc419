import * as z from 'zod/mini';
import {
  ZCase,
  ZCaseActionInput,
  ZCaseCallbackInput,
  ZCaseCredentials,
  ZCaseDetail,
  ZCaseIntake,
  ZCaseList,
  ZCaseListQuery,
  ZCaseReceipt,
  ZCaseStatus,
} from '../domain/cases/case';
import { ZKpiQuery, ZKpiReport } from '../domain/cases/kpis';
import { ZBadReviewCases, ZBadReviewInput } from '../domain/cases/bad-review';
import { ZAttachmentUpload, ZAttachmentUploadInput } from '../domain/cases/attachments';
import { ZDeadlineSettings, ZDeadlineSettingsInput } from '../domain/cases/deadline-settings';
import { ADMINS, STAFF, SUPERVISORS, type Route } from './route';

/**
 * Routes of the cases context (complaints, bad reviews, findings): the citizen's intake, status and
 * callback (public, by tracking number and access code, sent in a POST body so the code never sits in a
 * URL or an access log), and the staff inbox, case detail and actions, scoped to a unit handler's units.
 * The contacts table is granted only to the functions that write or read contact details.
 */

// Route objects hold no calls (schemas are named elsewhere), so a bundle drops the routes it does not use.
const caseParams = z.object({ caseId: z.uuid() });
const invalid = { status: 400, description: 'Invalid input; every failing field is named.' } as const;
const noCase = { status: 404, description: 'No such case, or not one the caller may see (nothing about it is told).' } as const;
const noCredentials = { status: 404, description: 'No case with this tracking number and access code (a wrong code answers as an unknown number).' } as const;

export const fileCase = {
  operationId: 'fileCase',
  method: 'POST',
  path: '/cases',
  entry: 'api/cases/file-case.ts',
  access: 'public',
  tables: { catalog: 'read', cases: 'append', contacts: 'append' },
  // Each attachment key is checked against what was uploaded (HeadObject and its first bytes), then claimed (its `pending` tag removed).
  buckets: { attachments: 'attach' },
  summary: 'A citizen files a consultation, request or complaint, no account needed; the answer holds the tracking number and the access code, shown only this once.',
  body: ZCaseIntake,
  responses: [{ status: 201, description: 'The tracking number, access code and deadline.', schema: ZCaseReceipt }, invalid],
} as const satisfies Route;

export const requestCaseAttachment = {
  operationId: 'requestCaseAttachment',
  method: 'POST',
  path: '/cases/attachments',
  entry: 'api/cases/request-case-attachment.ts',
  access: 'public',
  tables: {},
  buckets: { attachments: 'upload' },
  summary:
    'Before filing a case, a citizen declares one file to attach (JPEG, PNG, WebP or PDF, at most 10 MB): the answer is its key and a URL ' +
    'that accepts exactly that type and size by HTTP PUT for 10 minutes (presigned S3 PUT on AWS). File the case with the keys.',
  body: ZAttachmentUploadInput,
  responses: [{ status: 201, description: 'The attachment key and where to upload the file.', schema: ZAttachmentUpload }, invalid],
} as const satisfies Route;

export const caseStatus = {
  operationId: 'caseStatus',
  method: 'POST',
  path: '/cases/status',
  entry: 'api/cases/case-status.ts',
  access: 'public',
  tables: { cases: 'read' },
  summary: 'Where a case stands, its steps and its reply, for whoever holds its tracking number and access code.',
  body: ZCaseCredentials,
  responses: [{ status: 200, description: 'The case as its citizen sees it.', schema: ZCaseStatus }, invalid, noCredentials],
} as const satisfies Route;

export const caseCallback = {
  operationId: 'caseCallback',
  method: 'POST',
  path: '/cases/callback',
  entry: 'api/cases/case-callback.ts',
  access: 'public',
  tables: { catalog: 'read', cases: 'readWrite', contacts: 'write' },
  summary: 'The citizen says whether the reply satisfied them (回访): satisfied closes the case, not satisfied reopens it (重办).',
  body: ZCaseCallbackInput,
  responses: [
    { status: 200, description: 'The case as its citizen now sees it.', schema: ZCaseStatus },
    invalid,
    noCredentials,
    { status: 409, description: 'The case is not waiting for a callback, or changed meanwhile.' },
  ],
} as const satisfies Route;

export const listCases = {
  operationId: 'listCases',
  method: 'GET',
  path: '/cases',
  entry: 'api/cases/list-cases.ts',
  access: STAFF,
  tables: { cases: 'read' },
  summary: "Cases, newest first, filtered by state, unit, kind, overdue and day of receipt: a unit handler's own units' only, or every one for supervisors.",
  query: ZCaseListQuery,
  responses: [{ status: 200, description: 'The cases.', schema: ZCaseList }, invalid],
} as const satisfies Route;

export const caseKpis = {
  operationId: 'caseKpis',
  method: 'GET',
  path: '/cases/kpis',
  entry: 'api/cases/case-kpis.ts',
  access: SUPERVISORS,
  tables: { cases: 'read' },
  summary: '办结率, 按时办结率, 满意率, 回访率, 重办率, 回退率 and 差评整改率 of the cases received in a range, each with numerator and denominator.',
  query: ZKpiQuery,
  responses: [{ status: 200, description: 'The KPIs.', schema: ZKpiReport }, invalid],
} as const satisfies Route;

export const downloadCaseKpis = {
  operationId: 'downloadCaseKpis',
  method: 'GET',
  path: '/cases/kpis.csv',
  entry: 'api/cases/download-case-kpis.ts',
  access: SUPERVISORS,
  tables: { cases: 'read' },
  summary: "The case KPIs of a range as CSV (UTF-8 with BOM, so Excel shows Chinese), in the request's language.",
  query: ZKpiQuery,
  responses: [{ status: 200, description: 'The CSV file.', contentType: 'text/csv; charset=utf-8' }, invalid],
} as const satisfies Route;

export const downloadCaseKpisXlsx = {
  operationId: 'downloadCaseKpisXlsx',
  method: 'GET',
  path: '/cases/kpis.xlsx',
  entry: 'api/cases/download-case-kpis-xlsx.ts',
  access: SUPERVISORS,
  tables: { cases: 'read' },
  summary: "The case KPIs of a range as an XLSX workbook in the request's language: numerators and denominators as numbers, rates as percentages.",
  query: ZKpiQuery,
  responses: [{ status: 200, description: 'The XLSX file.', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, invalid],
} as const satisfies Route;

export const getCase = {
  operationId: 'getCase',
  method: 'GET',
  path: '/cases/{caseId}',
  entry: 'api/cases/get-case.ts',
  access: STAFF,
  tables: { cases: 'read', contacts: 'read' },
  buckets: { attachments: 'read' },
  summary: "A case with its events and download links to its attachments (valid 5 minutes); supervisors also get the citizen's contact details, to call back.",
  params: caseParams,
  responses: [{ status: 200, description: 'The case.', schema: ZCaseDetail }, noCase],
} as const satisfies Route;

export const actOnCase = {
  operationId: 'actOnCase',
  method: 'POST',
  path: '/cases/{caseId}/actions',
  entry: 'api/cases/act-on-case.ts',
  access: STAFF,
  tables: { catalog: 'read', cases: 'readWrite', contacts: 'write' },
  summary:
    'Moves a case on: assign, reject (supervisors); return, accept, requestExtension, reply (the unit handler); approveExtension, denyExtension, ' +
    'callback, close (supervisors). Each is an append-only event.',
  params: caseParams,
  body: ZCaseActionInput,
  responses: [
    { status: 200, description: 'The case as saved.', schema: ZCase },
    invalid,
    { status: 403, description: "The caller's role may not take this action (a unit handler approving their own extension); nothing was written." },
    noCase,
    { status: 409, description: 'The case is in a state that does not allow the action, the deadline has passed, or someone acted first; nothing was written.' },
  ],
} as const satisfies Route;

export const fileBadReview = {
  operationId: 'fileBadReview',
  method: 'POST',
  path: '/cases/bad-reviews',
  entry: 'api/cases/bad-review.ts',
  access: 'public',
  tables: { responses: 'read', catalog: 'read', cases: 'append', contacts: 'append' },
  summary:
    'After a bad rating, its respondent (with the ballot reference and receipt code) leaves contact details and agrees to a callback: ' +
    'each unit rated 不满意 or 非常不满意 gets one case (source badReview, the bad-review deadline: 15 working days unless an admin set another), however often this is sent.',
  body: ZBadReviewInput,
  responses: [
    { status: 201, description: 'At least one case was opened now: each unit rated badly, with its tracking number (and the access code of a case opened now, shown once).', schema: ZBadReviewCases },
    { status: 200, description: 'Every case was opened by an earlier request (whose answer had their numbers): nothing opened now.', schema: ZBadReviewCases },
    { status: 400, description: 'Invalid input, or the ballot rated no unit badly (`ballotRef`); every failing field is named.' },
    { status: 404, description: 'No ballot with this reference and receipt code (a wrong code answers as an unknown ballot).' },
  ],
} as const satisfies Route;

export const getCaseDeadlines = {
  operationId: 'getCaseDeadlines',
  method: 'GET',
  path: '/admin/case-deadlines',
  entry: 'api/cases/get-case-deadlines.ts',
  access: ADMINS,
  tables: { catalog: 'read' },
  summary: "The working days a new case gets, by kind and for a bad review (domain.md's defaults until an admin saves others; rev 0 then).",
  responses: [{ status: 200, description: 'The deadline days in force, and the defaults.', schema: ZDeadlineSettings }],
} as const satisfies Route;

export const setCaseDeadlines = {
  operationId: 'setCaseDeadlines',
  method: 'PUT',
  path: '/admin/case-deadlines',
  entry: 'api/cases/set-case-deadlines.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary:
    'Sets the working days (1–60) new cases get, by kind and for a bad review, at the rev read (0 while the defaults hold). ' +
    'Cases already filed keep the days they were given, also when reopened.',
  body: ZDeadlineSettingsInput,
  responses: [
    { status: 200, description: 'The deadline days as saved.', schema: ZDeadlineSettings },
    invalid,
    { status: 409, description: 'Someone saved the deadline days after the revision given (reload and retry).' },
  ],
} as const satisfies Route;
