import * as z from 'zod/mini';
import { ZDirectory, ZDirectoryEntry, ZDirectoryEntryInput } from '../domain/notifications/directory';
import { ZId } from '../domain/ids';
import { ADMINS, type Route, type ScheduledJob } from './route';

/**
 * The notifications context: the escalation sweeper, which moves late cases up the ladder (domain/cases/
 * escalation.ts) and sends the ladder's messages from the outbox (domain/notifications/); and the
 * notification directory those messages are addressed from, which admins keep.
 */

// Route objects hold no calls (schemas are named elsewhere), so a bundle drops the routes it does not use.
const entryParams = z.object({ entryId: ZId });

export const listNotificationDirectory = {
  operationId: 'listNotificationDirectory',
  method: 'GET',
  path: '/admin/notification-directory',
  entry: 'api/notifications/list-directory.ts',
  // Staff e-mail addresses: an admin's, as every /admin/ operation is.
  access: ADMINS,
  tables: { catalog: 'read' },
  summary: "The addresses the escalation ladder's messages go to: the supervising office's entry and each unit's.",
  responses: [{ status: 200, description: 'The directory.', schema: ZDirectory }],
} as const satisfies Route;

export const saveDirectoryEntry = {
  operationId: 'saveDirectoryEntry',
  method: 'PUT',
  path: '/admin/notification-directory/{entryId}',
  entry: 'api/notifications/save-directory-entry.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary:
    "Sets the addresses of the supervising office's entry (`supervisors`) or of a unit's (its unit id): a new entry without `rev`, " +
    'a change with the revision read.',
  params: entryParams,
  body: ZDirectoryEntryInput,
  responses: [
    { status: 200, description: 'The entry as saved.', schema: ZDirectoryEntry },
    { status: 400, description: 'Invalid input; every failing field is named.' },
    { status: 404, description: 'No unit with this id.' },
    { status: 409, description: 'The entry exists already (give `rev`), or someone saved it after the revision given.' },
  ],
} as const satisfies Route;

export const sweepCasesJob = {
  id: 'sweepCases',
  entry: 'jobs/sweep-cases.ts',
  summary:
    'Moves late cases up the escalation ladder (提醒 reminder → 催办 chase → 督办 supervision → 通报 public notice), recording ' +
    "each step's messages once in the outbox in the same write, and sends the outbox's pending messages (SES on AWS).",
  // Every half hour on AWS: a step falls due at 09:00 CST and is sent by 09:30. Every minute under npm start.
  everyMinutes: { aws: 30, local: 1 },
  // cases: the open-cases index and the escalation transaction; catalog: the calendar and the notification
  // directory; notifications: the outbox.
  tables: { cases: 'readWrite', catalog: 'read', notifications: 'readWrite' },
  mail: 'send',
} as const satisfies ScheduledJob;
