import {
  ZAdjustment,
  ZAdjustmentInput,
  ZCalendarView,
  ZDateParams,
  ZRevQuery,
  ZYearParams,
  ZYearSchedule,
  ZYearScheduleInput,
} from '../domain/calendar/calendar';
import { ADMINS, type Route } from './route';

/** Admin routes of the working-day calendar deadlines are counted on (工作日历). */

const invalid = { status: 400, description: 'Invalid input; every failing field is named.' } as const;
const stale = {
  status: 409,
  description: 'Without rev: the date (year) has an entry already. With rev: someone saved it after that revision (reload and retry).',
} as const;

export const getCalendar = {
  operationId: 'getCalendar',
  method: 'GET',
  path: '/admin/calendar',
  entry: 'api/calendar/get-calendar.ts',
  access: ADMINS,
  tables: { catalog: 'read' },
  summary: "The years deadlines are counted exactly in (the package's, and those an admin entered), and the local adjustments.",
  responses: [{ status: 200, description: 'The calendar.', schema: ZCalendarView }],
} as const satisfies Route;

export const setCalendarAdjustment = {
  operationId: 'setCalendarAdjustment',
  method: 'PUT',
  path: '/admin/calendar/adjustments/{date}',
  entry: 'api/calendar/set-adjustment.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: 'Declares one date a day off or a working day for the district (new without rev; a change names the rev it started from).',
  params: ZDateParams,
  body: ZAdjustmentInput,
  responses: [
    { status: 200, description: 'The adjustment as saved.', schema: ZAdjustment },
    invalid,
    { status: 404, description: 'A rev was given but the date has no adjustment.' },
    stale,
  ],
} as const satisfies Route;

export const deleteCalendarAdjustment = {
  operationId: 'deleteCalendarAdjustment',
  method: 'DELETE',
  path: '/admin/calendar/adjustments/{date}',
  entry: 'api/calendar/delete-adjustment.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: 'Removes the adjustment of a date (at the rev given): the official schedule applies to it again.',
  params: ZDateParams,
  query: ZRevQuery,
  responses: [
    { status: 204, description: 'Removed.' },
    invalid,
    { status: 404, description: 'The date has no adjustment.' },
    { status: 409, description: 'Someone saved the adjustment after the revision given (reload and retry).' },
  ],
} as const satisfies Route;

export const setCalendarYear = {
  operationId: 'setCalendarYear',
  method: 'PUT',
  path: '/admin/calendar/years/{year}',
  entry: 'api/calendar/set-year.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary:
    "Enters a whole year's official schedule (its holidays and make-up working days, with names) when the package does not know the " +
    "year yet; it replaces the package's data for that year. New without rev; a change names the rev it started from.",
  params: ZYearParams,
  body: ZYearScheduleInput,
  responses: [
    { status: 200, description: 'The schedule as saved.', schema: ZYearSchedule },
    invalid,
    { status: 404, description: 'A rev was given but no schedule of that year was entered.' },
    stale,
  ],
} as const satisfies Route;
