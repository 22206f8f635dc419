import * as z from 'zod/mini';
import { ZId } from '../domain/ids';
import { ZFormVersion, ZFormVersionParams } from '../domain/evaluation/form';
import {
  ZCreateFormInput,
  ZFormDetail,
  ZFormDetailList,
  ZRevisionInput,
  ZSaveDraftInput,
} from '../domain/evaluation/form-admin';
import { ZPeriod } from '../domain/evaluation/period';
import {
  ZCreateGroupInput,
  ZCreatePeriodInput,
  ZPeriodList,
  ZUpdateGroupInput,
  ZUpdatePeriodInput,
} from '../domain/evaluation/period-admin';
import { ZFormSummaryList, ZPublishedForm } from '../domain/evaluation/published-form';
import { ZRespondentGroup, ZRespondentGroupList } from '../domain/evaluation/respondent-group';
import { ZRecountRecord } from '../domain/evaluation/recount';
import { ZReceipt, ZSubmissionInput } from '../domain/evaluation/response';
import { ZResponseExportInput } from '../domain/evaluation/response-export';
import { EXPORT_RUN_SECONDS, ZResponseExport } from '../domain/evaluation/export-job';
import { EXPORT_JOB_PREFIX } from '../store/evaluation/export-job-store';
import { ZPeriodTrend, ZSnapshotList, ZTrendQuery } from '../domain/evaluation/snapshot';
import { ZTallyReport } from '../domain/evaluation/tally-report';
import { idParams } from './params';
import { SALT_PARTITION } from '../store/evaluation/admission-store';
import { BALLOT_PREFIX } from '../store/evaluation/response-store';
import { ADMINS, STAFF, SUPERVISORS, type Route, type ScheduledJob, type StreamConsumer } from './route';

/** Routes of the evaluation context: forms for citizens, responses, tallies, and the admin's periods, groups and forms. */

const invalid = { status: 400, description: 'Invalid input; every failing field is named.' } as const;
// Route objects hold no calls (schemas are named elsewhere), so a bundle drops the routes it does not use.
const formParams = idParams('formId');
const periodParams = idParams('periodId');
const groupParams = idParams('groupId');
const staleForm = {
  status: 409,
  description: 'The form is closed, or someone saved it after the revision given (reload and retry).',
} as const;

// ---- citizens -------------------------------------------------------------------------------------

export const listForms = {
  operationId: 'listForms',
  method: 'GET',
  path: '/forms',
  entry: 'api/evaluation/list-forms.ts',
  access: 'public',
  tables: { catalog: 'read' },
  summary: 'The published evaluation forms and whether they take responses now.',
  responses: [{ status: 200, description: 'Published forms.', schema: ZFormSummaryList }],
} as const satisfies Route;

export const getForm = {
  operationId: 'getForm',
  method: 'GET',
  path: '/forms/{formId}',
  entry: 'api/evaluation/get-form.ts',
  access: 'public',
  tables: { catalog: 'read' },
  summary: "A form's latest published version with its period and the names of its units and groups.",
  params: formParams,
  responses: [
    { status: 200, description: 'The form.', schema: ZPublishedForm },
    { status: 404, description: 'No such published form.' },
  ],
} as const satisfies Route;

export const submitResponse = {
  operationId: 'submitResponse',
  method: 'POST',
  path: '/responses',
  entry: 'api/evaluation/submit-response.ts',
  access: 'public',
  tables: { catalog: 'read', responses: 'append' },
  secrets: ['ballotKeys'],
  summary:
    'One response to a form version, rating one unit or every unit of the form; stored as one item with one ' +
    'conditional write, which also uses up its invitation or service-record token. Retrying with the same ' +
    'submissionId returns the same receipt, after the period closed too.',
  body: ZSubmissionInput,
  responses: [
    { status: 201, description: 'Stored (or already stored by an earlier try).', schema: ZReceipt },
    invalid,
    { status: 403, description: 'Not admitted: the period takes tokens only, or the token is forged, expired, or for another period or unit.' },
    { status: 404, description: 'Unknown form, form version or period.' },
    {
      status: 409,
      description: 'The period is not open, the form is closed, the token was used (with the time), or the submissionId was used with other answers.',
    },
  ],
} as const satisfies Route;

// ---- supervisors ----------------------------------------------------------------------------------

export const listPeriods = {
  operationId: 'listPeriods',
  method: 'GET',
  path: '/periods',
  entry: 'api/evaluation/list-periods.ts',
  access: STAFF,
  tables: { catalog: 'read' },
  summary: 'Every evaluation period, newest first, with the forms made for it.',
  responses: [{ status: 200, description: 'The periods.', schema: ZPeriodList }],
} as const satisfies Route;

export const listTallies = {
  operationId: 'listTallies',
  method: 'GET',
  path: '/periods/{periodId}/tallies',
  entry: 'api/evaluation/list-tallies.ts',
  access: SUPERVISORS,
  tables: { catalog: 'read', tallies: 'read' },
  summary:
    "Every unit's tally for a period: counts, N, 满意率 and its interval, scores per group and dimension, " +
    'the composite score, and what was not counted and why.',
  params: periodParams,
  responses: [
    { status: 200, description: 'The tally report.', schema: ZTallyReport },
    { status: 404, description: 'No such period.' },
  ],
} as const satisfies Route;

export const downloadTallies = {
  operationId: 'downloadTallies',
  method: 'GET',
  path: '/periods/{periodId}/tallies.csv',
  entry: 'api/evaluation/download-tallies.ts',
  access: SUPERVISORS,
  tables: { catalog: 'read', tallies: 'read' },
  summary: "The tally report as CSV (UTF-8 with BOM, so Excel shows Chinese), in the request's language, times in CST.",
  params: periodParams,
  responses: [
    { status: 200, description: 'The CSV file.', contentType: 'text/csv; charset=utf-8' },
    { status: 404, description: 'No such period.' },
  ],
} as const satisfies Route;

export const downloadTalliesXlsx = {
  operationId: 'downloadTalliesXlsx',
  method: 'GET',
  path: '/periods/{periodId}/tallies.xlsx',
  entry: 'api/evaluation/download-tallies-xlsx.ts',
  access: SUPERVISORS,
  tables: { catalog: 'read', tallies: 'read' },
  summary:
    "The tally report as an XLSX workbook in the request's language: the units in their ranking, per dimension, per " +
    'respondent group and what was not counted by reason, each sheet with a frozen header and numbers stored as ' +
    'numbers, and a sheet naming the period and its data-as-of time (CST) and explaining each figure.',
  params: periodParams,
  // exceljs writes a workbook of 2,000 units in about 1.3 s of a full core: twice the default memory is twice the CPU.
  runtime: { memoryMb: 1024 },
  responses: [
    { status: 200, description: 'The XLSX file.', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    { status: 404, description: 'No such period.' },
  ],
} as const satisfies Route;

export const exportResponses = {
  operationId: 'exportResponses',
  method: 'POST',
  path: '/periods/{periodId}/response-exports',
  entry: 'api/evaluation/export-responses.ts',
  access: SUPERVISORS,
  tables: { catalog: 'read', tallies: 'append' },
  summary:
    "Asks for the raw anonymised responses of a period as one CSV file (UTF-8 with BOM, in the request's language): " +
    'its first lines name the period and the data-as-of time (CST); then one row per ballot and rated unit — a digest of ' +
    'the ballot under a key made for this export only, form, version, submission time (CST), group, admission kind, ' +
    'unit and every answer (levels by key, options by id, one column per dimension), and last why the tally leaves ' +
    'the row out (不计入原因 / Excluded because: a reason code and its label, by the review state when it is written; ' +
    'empty when counted). Never a client key, salt, receipt code, invitation batch or contact data; text answers only ' +
    'when an admin asks (`includeText`; a supervisor asking gets 403). A large period takes longer than a request may, ' +
    'so the export is queued and written by the export function: ask `getResponseExport` until it is `done`, then ' +
    'follow its link.',
  params: periodParams,
  body: ZResponseExportInput,
  responses: [
    { status: 202, description: 'The export, queued: ask for it by its `exportId`.', schema: ZResponseExport },
    invalid,
    { status: 403, description: 'Text answers asked for by someone who is not an admin.' },
    { status: 404, description: 'No such period.' },
  ],
} as const satisfies Route;

export const getResponseExport = {
  operationId: 'getResponseExport',
  method: 'GET',
  path: '/periods/{periodId}/response-exports/{exportId}',
  entry: 'api/evaluation/get-response-export.ts',
  access: SUPERVISORS,
  tables: { tallies: 'read' },
  buckets: { exports: 'read' },
  summary:
    'A raw export asked for: `queued`, `running`, `done` — with the file\'s name, data-as-of time and rows, and a ' +
    'link to it that expires in 15 minutes (made anew on each read) —, `failed` (why: `dependency`, `internal`, ' +
    '`timedOut`; ask again), or `expired` (the file is deleted a day after it was written).',
  params: z.object({ periodId: ZId, exportId: z.uuid() }),
  responses: [
    { status: 200, description: 'The export as it stands.', schema: ZResponseExport },
    { status: 404, description: 'No such export of this period.' },
  ],
} as const satisfies Route;

export const listSnapshots = {
  operationId: 'listSnapshots',
  method: 'GET',
  path: '/periods/{periodId}/snapshots',
  entry: 'api/evaluation/list-snapshots.ts',
  access: SUPERVISORS,
  tables: { catalog: 'read', tallies: 'read' },
  summary:
    "The trend within a period: the CST days it has daily snapshots of, each with its last tally run's data-as-of " +
    'time, and for each unit named in `units` (one to ten, comma-separated) its snapshot of each day, oldest first: ' +
    'N, 满意率 with its 95% interval, the composite score and rank, scores per group and per dimension.',
  params: periodParams,
  query: ZTrendQuery,
  responses: [
    { status: 200, description: 'The snapshots.', schema: ZSnapshotList },
    invalid,
    { status: 404, description: 'No such period.' },
  ],
} as const satisfies Route;

export const listPeriodTrend = {
  operationId: 'listPeriodTrend',
  method: 'GET',
  path: '/trends',
  entry: 'api/evaluation/list-period-trend.ts',
  access: SUPERVISORS,
  tables: { catalog: 'read', tallies: 'read' },
  summary:
    'The trend across periods: every period that has begun, oldest first, with the last daily snapshot (a closed ' +
    "period's final figures) of each unit named in `units` (one to ten, comma-separated) that has one.",
  query: ZTrendQuery,
  responses: [{ status: 200, description: 'The periods and their figures.', schema: ZPeriodTrend }, invalid],
} as const satisfies Route;

// ---- admins: respondent groups and periods ----------------------------------------------------------

export const listGroups = {
  operationId: 'listGroups',
  method: 'GET',
  path: '/admin/groups',
  entry: 'api/evaluation/list-groups.ts',
  access: ADMINS,
  tables: { catalog: 'read' },
  summary: 'The respondent groups (评议主体).',
  responses: [{ status: 200, description: 'The groups.', schema: ZRespondentGroupList }],
} as const satisfies Route;

export const createGroup = {
  operationId: 'createGroup',
  method: 'POST',
  path: '/admin/groups',
  entry: 'api/evaluation/create-group.ts',
  access: ADMINS,
  tables: { catalog: 'write' },
  summary: 'Adds a respondent group.',
  body: ZCreateGroupInput,
  responses: [
    { status: 201, description: 'The new group.', schema: ZRespondentGroup },
    invalid,
    { status: 409, description: 'A group with this id exists.' },
  ],
} as const satisfies Route;

export const updateGroup = {
  operationId: 'updateGroup',
  method: 'PUT',
  path: '/admin/groups/{groupId}',
  entry: 'api/evaluation/update-group.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: "Renames a respondent group.",
  params: groupParams,
  body: ZUpdateGroupInput,
  responses: [
    { status: 200, description: 'The group as saved.', schema: ZRespondentGroup },
    invalid,
    { status: 404, description: 'No such group.' },
    { status: 409, description: 'Someone saved the group after the revision given.' },
  ],
} as const satisfies Route;

export const createPeriod = {
  operationId: 'createPeriod',
  method: 'POST',
  path: '/admin/periods',
  entry: 'api/evaluation/create-period.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: 'Adds an evaluation period: its window (CST), minimum sample and group weights (summing to 1).',
  body: ZCreatePeriodInput,
  responses: [
    { status: 201, description: 'The new period.', schema: ZPeriod },
    invalid,
    { status: 409, description: 'A period with this id exists.' },
  ],
} as const satisfies Route;

export const updatePeriod = {
  operationId: 'updatePeriod',
  method: 'PUT',
  path: '/admin/periods/{periodId}',
  entry: 'api/evaluation/update-period.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: "Changes a period's name, window, minimum sample or weights; the next tally recounts with them.",
  params: periodParams,
  body: ZUpdatePeriodInput,
  responses: [
    { status: 200, description: 'The period as saved.', schema: ZPeriod },
    invalid,
    { status: 404, description: 'No such period.' },
    { status: 409, description: 'Someone saved the period after the revision given.' },
  ],
} as const satisfies Route;

export const recountPeriod = {
  operationId: 'recountPeriod',
  method: 'POST',
  path: '/admin/periods/{periodId}/recount',
  entry: 'api/evaluation/recount-period.ts',
  access: ADMINS,
  tables: { catalog: 'read', responses: 'read', tallies: 'readWrite', reviews: 'read' },
  summary:
    "Recounts a period now (复核重算), as the nightly recount does: its counted ballots read again from the raw " +
    'responses and compared with the running counters; a difference is repaired (the recount wins), counted in the ' +
    "RecountMismatches metric that raises the alarm, and the period's figures are derived again. `busy` when ballots " +
    'were being counted while it read (nothing changed; try again). It must finish within API Gateway\'s 30 s: a very ' +
    'large period is recounted with `npm run recount -- --period <id>` instead (README "Recount").',
  params: periodParams,
  // Reads every ballot of the period: one full vCPU, and as long as the gateway allows.
  runtime: { timeoutSeconds: 28, memoryMb: 1769 },
  responses: [
    { status: 200, description: 'What the recount found: match, repaired (which units, how many counters) or busy.', schema: ZRecountRecord },
    { status: 404, description: 'No such period.' },
  ],
} as const satisfies Route;

// ---- admins: forms ----------------------------------------------------------------------------------

export const listAdminForms = {
  operationId: 'listAdminForms',
  method: 'GET',
  path: '/admin/forms',
  entry: 'api/evaluation/list-admin-forms.ts',
  access: ADMINS,
  tables: { catalog: 'read' },
  summary: 'Every form, drafts and closed ones included.',
  responses: [{ status: 200, description: 'The forms.', schema: ZFormDetailList }],
} as const satisfies Route;

export const getAdminForm = {
  operationId: 'getAdminForm',
  method: 'GET',
  path: '/admin/forms/{formId}',
  entry: 'api/evaluation/get-admin-form.ts',
  access: ADMINS,
  tables: { catalog: 'read' },
  summary: 'A form with its draft and its published versions.',
  params: formParams,
  responses: [
    { status: 200, description: 'The form.', schema: ZFormDetail },
    { status: 404, description: 'No such form.' },
  ],
} as const satisfies Route;

export const createForm = {
  operationId: 'createForm',
  method: 'POST',
  path: '/admin/forms',
  entry: 'api/evaluation/create-form.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: 'Creates a form as a draft for a period.',
  body: ZCreateFormInput,
  responses: [
    { status: 201, description: 'The new form.', schema: ZFormDetail },
    invalid,
    { status: 409, description: 'A form with this id exists.' },
  ],
} as const satisfies Route;

export const saveFormDraft = {
  operationId: 'saveFormDraft',
  method: 'PUT',
  path: '/admin/forms/{formId}/draft',
  entry: 'api/evaluation/save-form-draft.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: "Saves a form's draft; published versions do not change.",
  params: formParams,
  body: ZSaveDraftInput,
  responses: [
    { status: 200, description: 'The form as saved.', schema: ZFormDetail },
    invalid,
    { status: 404, description: 'No such form.' },
    staleForm,
  ],
} as const satisfies Route;

export const previewForm = {
  operationId: 'previewForm',
  method: 'GET',
  path: '/admin/forms/{formId}/preview',
  entry: 'api/evaluation/preview-form.ts',
  access: ADMINS,
  tables: { catalog: 'read' },
  summary: "A form's draft exactly as citizens will see it once published (never takes responses).",
  params: formParams,
  responses: [
    { status: 200, description: 'The draft as a published form.', schema: ZPublishedForm },
    { status: 404, description: 'No such form.' },
  ],
} as const satisfies Route;

export const publishForm = {
  operationId: 'publishForm',
  method: 'POST',
  path: '/admin/forms/{formId}/publish',
  entry: 'api/evaluation/publish-form.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: 'Publishes the draft as the next immutable version; responses already given keep their version.',
  params: formParams,
  body: ZRevisionInput,
  responses: [
    { status: 200, description: 'The form with its new version.', schema: ZFormDetail },
    { status: 400, description: 'The draft breaks a form rule (every failing field is named).' },
    { status: 404, description: 'No such form.' },
    { status: 409, description: 'The form is closed, was saved after the revision given, or has no change to publish.' },
  ],
} as const satisfies Route;

export const closeForm = {
  operationId: 'closeForm',
  method: 'POST',
  path: '/admin/forms/{formId}/close',
  entry: 'api/evaluation/close-form.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: 'Closes a form: no more responses or versions; what it received stays counted.',
  params: formParams,
  body: ZRevisionInput,
  responses: [
    { status: 200, description: 'The closed form.', schema: ZFormDetail },
    invalid,
    { status: 404, description: 'No such form.' },
    staleForm,
  ],
} as const satisfies Route;

export const getFormVersion = {
  operationId: 'getFormVersion',
  method: 'GET',
  path: '/admin/forms/{formId}/versions/{version}',
  entry: 'api/evaluation/get-form-version.ts',
  access: ADMINS,
  tables: { catalog: 'read' },
  summary: 'One published version of a form, as it was published.',
  params: ZFormVersionParams,
  responses: [
    { status: 200, description: 'The version.', schema: ZFormVersion },
    { status: 404, description: 'No such form version.' },
  ],
} as const satisfies Route;

// ---- scheduled ----------------------------------------------------------------------------------------

export const tallyJob = {
  id: 'tally',
  entry: 'jobs/tally.ts',
  summary: 'Recomputes the satisfaction tallies of every period that is open or has just ended.',
  everyMinutes: { aws: 5, local: 1 },
  tables: { catalog: 'read', responses: 'read', tallies: 'readWrite', reviews: 'read' },
} as const satisfies ScheduledJob;

export const recountJob = {
  id: 'recount',
  entry: 'jobs/recount.ts',
  summary:
    "Recounts each open period (and an ended one once more) from the raw responses, repairs the stream's counters " +
    'where they differ (RecountMismatches alarm) and derives the figures again.',
  // Nightly at a quiet hour: 03:00 CST (19:00 UTC). Locally once a day after start (npm run recount runs it on demand).
  everyMinutes: { aws: 1440, local: 1440 },
  cron: { minute: '0', hour: '3' },
  // reviews: a repaired period's figures are derived again (tallyPeriod), with its appeals and batch reviews.
  tables: { catalog: 'read', responses: 'read', tallies: 'readWrite', reviews: 'read' },
} as const satisfies ScheduledJob;

export const daySaltsJob = {
  id: 'daySalts',
  entry: 'jobs/day-salts.ts',
  summary: "Deletes the salts of open ballots' client keys once their day (CST) is over.",
  everyMinutes: { aws: 60, local: 60 },
  tables: { responses: 'readWrite' },
  partitions: { responses: [SALT_PARTITION] },
} as const satisfies ScheduledJob;

// ---- stream consumers -----------------------------------------------------------------------------------

export const runResponseExports = {
  id: 'runResponseExports',
  entry: 'jobs/run-response-exports.ts',
  summary: 'Writes each raw export asked for (a new job in the tallies table) to the exports bucket, and records it done or failed.',
  stream: {
    table: 'tallies',
    filter: { eventNames: ['INSERT'], sortKeyBeginsWith: EXPORT_JOB_PREFIX },
    // One export per invocation, each up to EXPORT_RUN_SECONDS; exports of different periods side by side.
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    parallelizationFactor: 4,
    // A run that stopped without a word (timed out) is tried again, which claims the job anew.
    retryAttempts: 2,
    maxRecordAgeSeconds: 60 * 60,
  },
  tables: { catalog: 'read', responses: 'read', tallies: 'readWrite', reviews: 'read' },
  buckets: { exports: 'export' },
  // Up to Lambda's most; one full vCPU: the export is CPU-bound once DynamoDB's pages arrive.
  runtime: { timeoutSeconds: EXPORT_RUN_SECONDS, memoryMb: 1769 },
} as const satisfies StreamConsumer;

export const countResponses = {
  id: 'countResponses',
  entry: 'jobs/count-responses.ts',
  summary: "Counts each new ballot of the responses table into its period's counters, exactly once however often the stream delivers it.",
  stream: {
    table: 'responses',
    // Ballots only: the table holds the day salts too, and a ballot is written once, never changed.
    filter: { eventNames: ['INSERT'], sortKeyBeginsWith: BALLOT_PREFIX },
    batchSize: 100,
    maxBatchingWindowSeconds: 5,
    retryAttempts: 10,
    // The stream keeps a record 24 h: a backlog is counted late rather than skipped, up to that.
    maxRecordAgeSeconds: 24 * 60 * 60,
  },
  tables: { catalog: 'read', tallies: 'readWrite' },
} as const satisfies StreamConsumer;
