import * as z from 'zod/mini';
import { ZId } from '../domain/ids';
import {
  ZInvitationBatch,
  ZInvitationBatchInput,
  ZInvitationBatchList,
  ZInvitationLinks,
  ZServiceRecordInput,
  ZServiceRecordLink,
} from '../domain/evaluation/invitations';
import { idParams } from './params';
import { ADMINS, MACHINE_SCOPES, type Route } from './route';

/**
 * Routes of admission, in the evaluation context: invitation batches for admins, and the service-record
 * link another system asks for (一事一评). A token proves what it is for; these routes make tokens.
 */

// Route objects hold no calls (schemas are named elsewhere), so a bundle drops the routes it does not use.
const periodParams = idParams('periodId');
const batchParams = z.object({ periodId: ZId, batchId: ZId });
const invalid = { status: 400, description: 'Invalid input; every failing field is named.' } as const;

export const issueInvitations = {
  operationId: 'issueInvitations',
  method: 'POST',
  path: '/admin/periods/{periodId}/invitations',
  entry: 'api/evaluation/issue-invitations.ts',
  access: ADMINS,
  tables: { catalog: 'readWrite' },
  summary:
    'Issues a batch of one-time invitations for a unit (or every unit of an all-units form), optionally for a ' +
    'respondent group. Stores the batch, never the tokens or who receives them.',
  params: periodParams,
  body: ZInvitationBatchInput,
  responses: [
    { status: 201, description: 'The batch; its links come from getInvitationLinks.', schema: ZInvitationBatch },
    invalid,
    { status: 404, description: 'No such period or form.' },
  ],
} as const satisfies Route;

export const listInvitationBatches = {
  operationId: 'listInvitationBatches',
  method: 'GET',
  path: '/admin/periods/{periodId}/invitations',
  entry: 'api/evaluation/list-invitation-batches.ts',
  access: ADMINS,
  tables: { catalog: 'read' },
  summary: "A period's invitation batches, newest first.",
  params: periodParams,
  responses: [
    { status: 200, description: 'The batches.', schema: ZInvitationBatchList },
    { status: 404, description: 'No such period.' },
  ],
} as const satisfies Route;

export const getInvitationLinks = {
  operationId: 'getInvitationLinks',
  method: 'GET',
  path: '/admin/periods/{periodId}/invitations/{batchId}/links',
  entry: 'api/evaluation/get-invitation-links.ts',
  access: ADMINS,
  tables: { catalog: 'read' },
  secrets: ['ballotKeys'],
  summary:
    "A batch's links (for the CSV and the printable QR sheet): each carries its token in the fragment and " +
    'nothing about a respondent. The same serials every time, so a link printed twice still rates once.',
  params: batchParams,
  responses: [
    { status: 200, description: 'The links.', schema: ZInvitationLinks },
    { status: 404, description: 'No such batch.' },
  ],
} as const satisfies Route;

export const createServiceRecordLink = {
  operationId: 'createServiceRecordLink',
  method: 'POST',
  path: '/service-records',
  entry: 'api/evaluation/create-service-record-link.ts',
  access: { scope: MACHINE_SCOPES.serviceRecords },
  tables: { catalog: 'read' },
  secrets: ['ballotKeys'],
  summary:
    "For another system (a client-credentials token with the service-records scope): the link that rates one " +
    'completed service once (一事一评). Posting the same record again gives the same link; nothing is stored.',
  body: ZServiceRecordInput,
  responses: [
    { status: 200, description: 'The link.', schema: ZServiceRecordLink },
    invalid,
    { status: 404, description: 'No such form.' },
  ],
} as const satisfies Route;
