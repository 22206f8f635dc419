import * as z from 'zod/mini';
import { ZId } from '../domain/ids';
import {
  ZAppeal,
  ZAppealDecisionInput,
  ZAppealInput,
  ZAppealList,
  ZBatchReview,
  ZBatchReviewInput,
  ZFlaggedBatchList,
  ZReviewEventList,
  ZUnitBallotPage,
} from '../domain/evaluation/review';
import { idParams } from './params';
import { STAFF, SUPERVISORS, UNIT_HANDLERS, type Route } from './route';

/**
 * Routes of review, in the evaluation context: flagged batches a supervisor releases or excludes, and
 * appeals (申诉复核) a unit handler files and a supervisor decides. Every decision is an event with who and
 * when, visible to both sides.
 */

// Route objects hold no calls (schemas are named elsewhere), so a bundle drops the routes it does not use.
const periodParams = idParams('periodId');
const invalid = { status: 400, description: 'Invalid input; every failing field is named.' } as const;
const noPeriod = { status: 404, description: 'No such period.' } as const;

export const listFlaggedBatches = {
  operationId: 'listFlaggedBatches',
  method: 'GET',
  path: '/periods/{periodId}/flags',
  entry: 'api/evaluation/list-flagged-batches.ts',
  access: SUPERVISORS,
  tables: { catalog: 'read', tallies: 'read', reviews: 'read' },
  summary: 'The batches of open ballots the tally flagged (one client past the limits, bursts, identical answers), pending first.',
  params: periodParams,
  responses: [{ status: 200, description: 'The batches.', schema: ZFlaggedBatchList }, noPeriod],
} as const satisfies Route;

export const reviewFlaggedBatch = {
  operationId: 'reviewFlaggedBatch',
  method: 'POST',
  path: '/periods/{periodId}/flags/{batchId}/review',
  entry: 'api/evaluation/review-flagged-batch.ts',
  access: SUPERVISORS,
  tables: { catalog: 'read', tallies: 'read', reviews: 'readWrite' },
  summary: 'Releases a flagged batch into the figures, or excludes it, with a reason; the next tally counts accordingly.',
  params: z.object({ periodId: ZId, batchId: ZId }),
  body: ZBatchReviewInput,
  responses: [
    { status: 200, description: 'The review as saved.', schema: ZBatchReview },
    invalid,
    { status: 404, description: 'No such period or batch.' },
    { status: 409, description: 'Someone reviewed the batch after the revision given.' },
  ],
} as const satisfies Route;

export const listAppeals = {
  operationId: 'listAppeals',
  method: 'GET',
  path: '/periods/{periodId}/appeals',
  entry: 'api/evaluation/list-appeals.ts',
  access: STAFF,
  tables: { catalog: 'read', reviews: 'read' },
  summary: "A period's appeals with their decisions: a unit handler's own units', or every one.",
  params: periodParams,
  responses: [{ status: 200, description: 'The appeals.', schema: ZAppealList }, noPeriod],
} as const satisfies Route;

export const fileAppeal = {
  operationId: 'fileAppeal',
  method: 'POST',
  path: '/periods/{periodId}/appeals',
  entry: 'api/evaluation/file-appeal.ts',
  access: UNIT_HANDLERS,
  tables: { catalog: 'read', responses: 'read', reviews: 'readWrite' },
  summary: 'A unit handler appeals a rating of one of their units (申诉), with a reason.',
  params: periodParams,
  body: ZAppealInput,
  responses: [
    { status: 201, description: 'The appeal.', schema: ZAppeal },
    invalid,
    { status: 404, description: 'No such period or rating.' },
    { status: 409, description: 'The unit has appealed this rating already.' },
  ],
} as const satisfies Route;

export const decideAppeal = {
  operationId: 'decideAppeal',
  method: 'POST',
  path: '/periods/{periodId}/appeals/{appealId}/decision',
  entry: 'api/evaluation/decide-appeal.ts',
  access: SUPERVISORS,
  tables: { catalog: 'read', reviews: 'readWrite' },
  summary: 'Upholds an appeal (the rating is excluded, and shown as excluded with the reason) or rejects it.',
  params: z.object({ periodId: ZId, appealId: ZId }),
  body: ZAppealDecisionInput,
  responses: [
    { status: 200, description: 'The decided appeal.', schema: ZAppeal },
    invalid,
    { status: 404, description: 'No such period or appeal.' },
    { status: 409, description: 'The appeal was decided already.' },
  ],
} as const satisfies Route;

export const listReviewEvents = {
  operationId: 'listReviewEvents',
  method: 'GET',
  path: '/periods/{periodId}/review-events',
  entry: 'api/evaluation/list-review-events.ts',
  access: STAFF,
  tables: { catalog: 'read', reviews: 'read' },
  summary: 'Every step of the reviews of a period (appeals filed and decided, batches released or excluded), oldest first.',
  params: periodParams,
  responses: [{ status: 200, description: 'The events.', schema: ZReviewEventList }, noPeriod],
} as const satisfies Route;

export const listUnitBallots = {
  operationId: 'listUnitBallots',
  method: 'GET',
  path: '/periods/{periodId}/units/{unitId}/ballots',
  entry: 'api/evaluation/list-unit-ballots.ts',
  access: STAFF,
  tables: { catalog: 'read', responses: 'read', reviews: 'read' },
  summary: "A page of the ratings of a unit (a unit handler's own units only), with any appeal of each.",
  params: z.object({ periodId: ZId, unitId: ZId }),
  query: z.object({ cursor: z.optional(z.string().check(z.maxLength(400))) }),
  responses: [
    { status: 200, description: 'A page of ratings.', schema: ZUnitBallotPage },
    invalid,
    noPeriod,
  ],
} as const satisfies Route;
