import * as z from 'zod/mini';
import {
  ZLedgerActionInput,
  ZLedgerCategories,
  ZLedgerCategoriesInput,
  ZLedgerDetail,
  ZLedgerItem,
  ZLedgerItemInput,
  ZLedgerListQuery,
} from '../domain/ledger/ledger';
import { ZLedgerImportInput, ZLedgerImportResult } from '../domain/ledger/ledger-import';
import { ZLedgerList } from '../domain/ledger/progress';
import { ADMINS, STAFF, SUPERVISORS, type Route } from './route';

/**
 * Routes of the rectification ledger (整改台账): the views (by level, unit, category, owner, state, overdue,
 * with 整改完成率), an item with its history, the life cycle's actions, and the ledger as an XLSX workbook
 * in the shape offices keep it (template, import with a preview, export of any view). A unit handler sees
 * and works their own units' items only; supervisors all. Ledger items live in the cases table.
 */

// Route objects hold no calls (schemas are named elsewhere), so a bundle drops the routes it does not use.
const itemParams = z.object({ itemId: z.uuid() });
const invalid = { status: 400, description: 'Invalid input; every failing field is named.' } as const;
const noItem = { status: 404, description: 'No such ledger item, or not one the caller may see (nothing about it is told).' } as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const listLedger = {
  operationId: 'listLedger',
  method: 'GET',
  path: '/ledger',
  entry: 'api/ledger/list-ledger.ts',
  access: STAFF,
  tables: { cases: 'read' },
  summary:
    "Ledger items filtered by level, unit, category, owner, state, source and overdue, with the view's progress (counts by state, overdue, " +
    "整改完成率 with numerator and denominator): a unit handler's own units' items only, every item for supervisors.",
  query: ZLedgerListQuery,
  responses: [{ status: 200, description: 'The items and their progress.', schema: ZLedgerList }, invalid],
} as const satisfies Route;

export const createLedgerItem = {
  operationId: 'createLedgerItem',
  method: 'POST',
  path: '/ledger',
  entry: 'api/ledger/create-ledger-item.ts',
  access: STAFF,
  tables: { catalog: 'read', cases: 'readWrite' },
  summary:
    'Enters a problem on the ledger (查摆): IDENTIFIED, or LEDGERED at once when owner, responsible leader, measures and deadline are given. ' +
    "A unit handler enters their own units' self-inspection findings; a supervisor any, also one linked to a complaint or bad review (linkedCaseId).",
  body: ZLedgerItemInput,
  responses: [
    { status: 201, description: 'The item as saved.', schema: ZLedgerItem },
    invalid,
    { status: 403, description: "A unit handler entering another source than selfInspection; nothing was written." },
  ],
} as const satisfies Route;

export const getLedgerCategories = {
  operationId: 'getLedgerCategories',
  method: 'GET',
  path: '/ledger/categories',
  entry: 'api/ledger/get-ledger-categories.ts',
  access: STAFF,
  tables: { catalog: 'read' },
  summary: 'The problem categories (问题类别) in force: the campaign\'s six aspects until an admin sets others (rev 0 then).',
  responses: [{ status: 200, description: 'The categories.', schema: ZLedgerCategories }],
} as const satisfies Route;

export const setLedgerCategories = {
  operationId: 'setLedgerCategories',
  method: 'PUT',
  path: '/admin/ledger-categories',
  entry: 'api/ledger/set-ledger-categories.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary: 'Sets the problem categories, at the rev read (0 while the defaults hold). Items keep the category id they were given.',
  body: ZLedgerCategoriesInput,
  responses: [
    { status: 200, description: 'The categories as saved.', schema: ZLedgerCategories },
    invalid,
    { status: 409, description: 'Someone saved the categories after the revision given (reload and retry).' },
  ],
} as const satisfies Route;

export const ledgerTemplate = {
  operationId: 'ledgerTemplate',
  method: 'GET',
  path: '/ledger/template.xlsx',
  entry: 'api/ledger/ledger-template.ts',
  access: STAFF,
  tables: { catalog: 'read' },
  summary:
    'The ledger import template (XLSX): the columns 序号, 层级, 问题类别, 问题描述, 责任单位, 责任人, 责任领导, 整改措施, 整改时限, 整改进展, 状态, 问题来源, ' +
    'one example row, and a sheet 填写说明 listing the values each column takes.',
  responses: [{ status: 200, description: 'The XLSX template.', contentType: XLSX }],
} as const satisfies Route;

export const exportLedger = {
  operationId: 'exportLedger',
  method: 'GET',
  path: '/ledger/export.xlsx',
  entry: 'api/ledger/export-ledger.ts',
  access: STAFF,
  tables: { catalog: 'read', cases: 'read' },
  summary: 'Any ledger view (the filters of GET /ledger) as an XLSX workbook in the template\'s shape, so that importing it gives the same ledger.',
  query: ZLedgerListQuery,
  responses: [{ status: 200, description: 'The XLSX file.', contentType: XLSX }, invalid],
} as const satisfies Route;

export const importLedger = {
  operationId: 'importLedger',
  method: 'POST',
  path: '/ledger/import',
  entry: 'api/ledger/import-ledger.ts',
  access: SUPERVISORS,
  tables: { catalog: 'read', cases: 'append' },
  summary:
    'Imports ledger items from an XLSX (or CSV) file in the template\'s shape. With dryRun it only previews each row (and names every bad row and column); ' +
    'otherwise it writes every row as a new item in the state its row names, or nothing when any row is bad.',
  body: ZLedgerImportInput,
  runtime: { timeoutSeconds: 28, memoryMb: 1769 },
  responses: [
    { status: 200, description: 'What the import does (did), row by row.', schema: ZLedgerImportResult },
    { status: 400, description: 'A bad row (each named as rows.<row>.<column>) or an unreadable file; nothing was written.' },
  ],
} as const satisfies Route;

export const getLedgerItem = {
  operationId: 'getLedgerItem',
  method: 'GET',
  path: '/ledger/{itemId}',
  entry: 'api/ledger/get-ledger-item.ts',
  access: STAFF,
  tables: { cases: 'read' },
  buckets: { attachments: 'read' },
  summary: 'A ledger item with its events and download links to its evidence (valid 5 minutes).',
  params: itemParams,
  responses: [{ status: 200, description: 'The item.', schema: ZLedgerDetail }, noItem],
} as const satisfies Route;

export const actOnLedgerItem = {
  operationId: 'actOnLedgerItem',
  method: 'POST',
  path: '/ledger/{itemId}/actions',
  entry: 'api/ledger/act-on-ledger-item.ts',
  access: STAFF,
  tables: { catalog: 'read', cases: 'readWrite' },
  // Evidence keys are checked against what was uploaded (type, size, first bytes), then claimed.
  buckets: { attachments: 'attach' },
  summary:
    'Moves a ledger item on: ledger (建账), start, progress, submitEvidence (the unit handler; ledger and start also supervisors); ' +
    'sendBack (with a reason), accept, close (销号), markDisclosure, publish (supervisors). Each is an append-only event.',
  params: itemParams,
  body: ZLedgerActionInput,
  responses: [
    { status: 200, description: 'The item as saved.', schema: ZLedgerItem },
    invalid,
    { status: 403, description: "The caller's role may not take this action (a unit handler accepting their own evidence); nothing was written." },
    noItem,
    { status: 409, description: 'The item is in a state that does not allow the action, or someone acted first; nothing was written.' },
  ],
} as const satisfies Route;
