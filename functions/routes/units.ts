import { ZUnitImportInput, ZUnitImportResult } from '../domain/units/unit-import';
import { ZCreateUnitInput, ZUnit, ZUnitList, ZUnitStatusInput, ZUpdateUnitInput } from '../domain/units/unit';
import { idParams } from './params';
import { ADMINS, type Route } from './route';

/** Admin routes of the units being evaluated. */

// Route objects hold no calls (schemas are named elsewhere), so a bundle drops the routes it does not use.
const unitParams = idParams('unitId');
const invalid = { status: 400, description: 'Invalid input; every failing field is named.' } as const;
const stale = { status: 409, description: 'Someone saved the unit after the revision given (reload and retry).' } as const;
const unknown = { status: 404, description: 'No such unit.' } as const;

export const listUnits = {
  operationId: 'listUnits',
  method: 'GET',
  path: '/admin/units',
  entry: 'api/units/list-units.ts',
  access: ADMINS,
  tables: { catalog: 'read' },
  summary: 'Every unit, active and retired.',
  responses: [{ status: 200, description: 'The units.', schema: ZUnitList }],
} as const satisfies Route;

export const createUnit = {
  operationId: 'createUnit',
  method: 'POST',
  path: '/admin/units',
  entry: 'api/units/create-unit.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: 'Adds a unit.',
  body: ZCreateUnitInput,
  responses: [
    { status: 201, description: 'The new unit.', schema: ZUnit },
    invalid,
    { status: 409, description: 'A unit with this id exists.' },
  ],
} as const satisfies Route;

export const updateUnit = {
  operationId: 'updateUnit',
  method: 'PUT',
  path: '/admin/units/{unitId}',
  entry: 'api/units/update-unit.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: "Changes a unit's name, kind or parent.",
  params: unitParams,
  body: ZUpdateUnitInput,
  responses: [{ status: 200, description: 'The unit as saved.', schema: ZUnit }, invalid, unknown, stale],
} as const satisfies Route;

export const setUnitStatus = {
  operationId: 'setUnitStatus',
  method: 'POST',
  path: '/admin/units/{unitId}/status',
  entry: 'api/units/set-unit-status.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: 'Retires a unit (never deleted: its ratings stay counted) or reinstates it.',
  params: unitParams,
  body: ZUnitStatusInput,
  responses: [{ status: 200, description: 'The unit as saved.', schema: ZUnit }, invalid, unknown, stale],
} as const satisfies Route;

export const importUnits = {
  operationId: 'importUnits',
  method: 'POST',
  path: '/admin/units/import',
  entry: 'api/units/import-units.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary:
    'Imports units from a CSV or XLSX file (columns 编号, 名称, 英文名称, 类型, 上级单位编号). With dryRun it only says what each ' +
    'row would do; otherwise it writes all rows, or none when any row is bad.',
  body: ZUnitImportInput,
  // Reading a 2,000-row XLSX and writing it in transactions: a full vCPU, and time up to the gateway's limit.
  runtime: { timeoutSeconds: 28, memoryMb: 1769 },
  responses: [
    { status: 200, description: 'What the import does (did), row by row.', schema: ZUnitImportResult },
    { status: 400, description: 'A bad row (each is named as rows.<row>.<column>) or an unreadable file; nothing was written.' },
    { status: 409, description: 'A unit changed while importing; nothing of that batch was written (retry).' },
  ],
} as const satisfies Route;
