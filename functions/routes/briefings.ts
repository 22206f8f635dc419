import {
  ZBriefing,
  ZBriefingList,
  ZBriefingNarrativeInput,
  ZBriefingParams,
  ZDraftBriefingInput,
  ZPublishBriefingInput,
} from '../domain/briefings/briefing';
import { ZBriefingSettingsInput, ZBriefingSettingsView } from '../domain/briefings/settings';
import { ADMINS, SUPERVISORS, type Route, type ScheduledJob } from './route';

/**
 * Routes of the briefings context: the weekly briefing (简报, 第N期) and the monthly report (月报告). The
 * job drafts them; supervisors read, draft on demand, write the narrative, publish (which numbers the
 * issue) and download them as DOCX. Drafting reads the catalog (units, periods), the tally snapshots, and
 * the cases table (cases and rectification ledger items). Admins set the issuing office, the thresholds and
 * where each kind's numbering goes on.
 */

// Route objects hold no calls (schemas are named elsewhere), so a bundle drops the routes it does not use.
const invalid = { status: 400, description: 'Invalid input; every failing field is named.' } as const;
const noBriefing = { status: 404, description: 'No such briefing.' } as const;
const DRAFT_TABLES = { briefings: 'readWrite', catalog: 'read', tallies: 'read', cases: 'read' } as const;

export const listBriefings = {
  operationId: 'listBriefings',
  method: 'GET',
  path: '/briefings',
  entry: 'api/briefings/list-briefings.ts',
  access: SUPERVISORS,
  tables: { briefings: 'read' },
  summary: 'Every weekly briefing and monthly report, newest first, draft or published (with its number), without figures.',
  responses: [{ status: 200, description: 'The briefings.', schema: ZBriefingList }],
} as const satisfies Route;

export const draftBriefing = {
  operationId: 'draftBriefing',
  method: 'POST',
  path: '/briefings/drafts',
  entry: 'api/briefings/draft-briefing.ts',
  access: SUPERVISORS,
  tables: DRAFT_TABLES,
  summary:
    '"Draft now": drafts the week (Monday–Sunday, CST) or month holding `day` (default today: the figures so far), or refreshes the figures ' +
    "of its draft, keeping the narrative. The scheduled job refreshes a draft taken before its window ended once it has.",
  body: ZDraftBriefingInput,
  // Reads every unit's snapshots of each open period: one Query per unit and period.
  runtime: { timeoutSeconds: 28 },
  responses: [
    { status: 201, description: 'The draft, made now.', schema: ZBriefing },
    { status: 200, description: 'The draft that existed, with its figures refreshed.', schema: ZBriefing },
    invalid,
    { status: 409, description: 'The window was published already, or its draft changed meanwhile; nothing was written.' },
  ],
} as const satisfies Route;

export const getBriefing = {
  operationId: 'getBriefing',
  method: 'GET',
  path: '/briefings/{briefingId}',
  entry: 'api/briefings/get-briefing.ts',
  access: SUPERVISORS,
  tables: { briefings: 'read' },
  summary: 'A briefing with its figures and narrative.',
  params: ZBriefingParams,
  responses: [{ status: 200, description: 'The briefing.', schema: ZBriefing }, noBriefing],
} as const satisfies Route;

export const downloadBriefingDocx = {
  operationId: 'downloadBriefingDocx',
  method: 'GET',
  path: '/briefings/{briefingId}/docx',
  entry: 'api/briefings/download-briefing-docx.ts',
  access: SUPERVISORS,
  tables: { briefings: 'read' },
  summary: "A briefing as a Word document (DOCX) laid out as a government 简报, in the request's language, dates in CST.",
  params: ZBriefingParams,
  responses: [{ status: 200, description: 'The DOCX file.', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }, noBriefing],
} as const satisfies Route;

export const saveBriefingNarrative = {
  operationId: 'saveBriefingNarrative',
  method: 'PUT',
  path: '/briefings/{briefingId}/narrative',
  entry: 'api/briefings/save-briefing-narrative.ts',
  access: SUPERVISORS,
  tables: { briefings: 'readWrite' },
  summary: 'Sets the narrative sections of a draft (典型经验, 发现问题, 下一步工作) at the revision read.',
  params: ZBriefingParams,
  body: ZBriefingNarrativeInput,
  responses: [
    { status: 200, description: 'The draft as saved.', schema: ZBriefing },
    invalid,
    noBriefing,
    { status: 409, description: 'The briefing is published (it never changes), or someone saved it after the revision given.' },
  ],
} as const satisfies Route;

export const publishBriefing = {
  operationId: 'publishBriefing',
  method: 'POST',
  path: '/briefings/{briefingId}/publish',
  entry: 'api/briefings/publish-briefing.ts',
  access: SUPERVISORS,
  tables: { briefings: 'readWrite' },
  summary: 'Publishes a draft at the revision read: it takes the next number of its kind (第N期, no gaps, no duplicates) and never changes again.',
  params: ZBriefingParams,
  body: ZPublishBriefingInput,
  responses: [
    { status: 200, description: 'The published briefing, with its number.', schema: ZBriefing },
    invalid,
    noBriefing,
    { status: 409, description: 'Published already, or changed after the revision given; nothing was written.' },
  ],
} as const satisfies Route;

export const getBriefingSettings = {
  operationId: 'getBriefingSettings',
  method: 'GET',
  path: '/admin/briefing-settings',
  entry: 'api/briefings/get-briefing-settings.ts',
  access: ADMINS,
  tables: { briefings: 'read' },
  summary: 'The issuing office and below-threshold thresholds new drafts take (the defaults until an admin saves others; rev 0 then), and the next number of each kind.',
  responses: [{ status: 200, description: 'The settings in force, the next numbers, and the defaults.', schema: ZBriefingSettingsView }],
} as const satisfies Route;

export const setBriefingSettings = {
  operationId: 'setBriefingSettings',
  method: 'PUT',
  path: '/admin/briefing-settings',
  entry: 'api/briefings/set-briefing-settings.ts',
  access: ADMINS,
  tables: { briefings: 'readWrite' },
  summary:
    'Sets the issuing office and thresholds new drafts take, at the rev read (0 while the defaults hold), and may raise the next number of a kind ' +
    '(a district continuing its paper numbering); never to or below a number published. A kind left out of nextNumber keeps its numbering. Drafts are refreshed with them; published briefings keep theirs.',
  body: ZBriefingSettingsInput,
  responses: [
    { status: 200, description: 'The settings as saved, with the next numbers.', schema: ZBriefingSettingsView },
    { status: 400, description: 'Invalid input, or a next number at or below one published (nextNumber.<kind>); every failing field is named.' },
    { status: 409, description: 'Someone saved the settings, or a briefing was published, after the revision given; nothing was written (reload and retry).' },
  ],
} as const satisfies Route;

export const draftBriefingsJob = {
  id: 'draftBriefings',
  entry: 'jobs/draft-briefings.ts',
  summary:
    "Drafts last week's briefing and last month's report (CST), each once: a window with a draft taken after it ended, or a published " +
    'issue, is left alone; a draft taken before its end gets its figures refreshed.',
  // Daily at 01:00 CST: Monday's run drafts the week, the 1st's the month, the other days' find nothing to do
  // (and retry what a failed run left). Hourly under npm start.
  everyMinutes: { aws: 1440, local: 60 },
  cron: { minute: '0', hour: '1' },
  tables: DRAFT_TABLES,
} as const satisfies ScheduledJob;
