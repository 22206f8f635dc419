import * as z from 'zod/mini';
import {
  ZApprovalResult,
  ZDisclosure,
  ZDisclosureApproveInput,
  ZDisclosureDetail,
  ZDisclosureEditInput,
  ZDisclosureInput,
  ZDisclosureList,
  ZDisclosureWithdrawInput,
} from '../domain/disclosure/disclosure';
import { SUPERVISORS, type Route } from './route';

/**
 * Routes of the public disclosure (公示): supervisors propose what to publish (the content drawn from the data
 * and redacted at once), read and edit the redacted draft, approve one revision (which publishes it as static
 * files under the site's `public/` prefix) and withdraw it. The public reads only those files, never this API.
 */

// Route objects hold no calls (schemas are named elsewhere), so a bundle drops the routes it does not use.
const disclosureParams = z.object({ disclosureId: z.uuid() });
const invalid = { status: 400, description: 'Invalid input; every failing field is named.' } as const;
const noDisclosure = { status: 404, description: 'No such disclosure.' } as const;
const conflict = {
  status: 409,
  description: 'The disclosure is not in a state that allows this (approved already, withdrawn), or changed since the revision given; nothing was written.',
} as const;
// What the content is drawn from: snapshots and units (tallies, catalog), cases and ledger items (cases).
const sources = { catalog: 'read', tallies: 'read', cases: 'read' } as const;

export const listDisclosures = {
  operationId: 'listDisclosures',
  method: 'GET',
  path: '/disclosures',
  entry: 'api/disclosure/list-disclosures.ts',
  access: SUPERVISORS,
  tables: { disclosures: 'read' },
  summary: 'Every disclosure (公示), newest first: drafts awaiting approval, published and withdrawn ones.',
  responses: [{ status: 200, description: 'The disclosures, without their content.', schema: ZDisclosureList }],
} as const satisfies Route;

export const proposeDisclosure = {
  operationId: 'proposeDisclosure',
  method: 'POST',
  path: '/disclosures',
  entry: 'api/disclosure/propose-disclosure.ts',
  access: SUPERVISORS,
  tables: { ...sources, disclosures: 'append' },
  summary:
    "Proposes a disclosure: a period's per-unit scores (its latest snapshot: N, interval, rank), case KPIs of a range, ledger items marked for " +
    'publication with their progress, closed cases with their replies. Each is drawn now and every free text redacted (names, phone and ID numbers, ' +
    'addresses, plates, e-mail): the answer shows the redacted text with what was found. Nothing is public until approved.',
  body: ZDisclosureInput,
  responses: [{ status: 201, description: 'The draft, redacted, at rev 1.', schema: ZDisclosure }, invalid],
} as const satisfies Route;

export const getDisclosure = {
  operationId: 'getDisclosure',
  method: 'GET',
  path: '/disclosures/{disclosureId}',
  entry: 'api/disclosure/get-disclosure.ts',
  access: SUPERVISORS,
  tables: { disclosures: 'read' },
  summary: 'A disclosure with its redacted content, what redaction found, its approval and publication, and its events.',
  params: disclosureParams,
  responses: [{ status: 200, description: 'The disclosure.', schema: ZDisclosureDetail }, noDisclosure],
} as const satisfies Route;

export const editDisclosure = {
  operationId: 'editDisclosure',
  method: 'PUT',
  path: '/disclosures/{disclosureId}',
  entry: 'api/disclosure/edit-disclosure.ts',
  access: SUPERVISORS,
  tables: { disclosures: 'readWrite' },
  summary: "Edits a draft's redacted texts (each redacted again on save) or leaves items out, at the revision read: a new revision to approve.",
  params: disclosureParams,
  body: ZDisclosureEditInput,
  responses: [{ status: 200, description: 'The draft as saved.', schema: ZDisclosure }, invalid, noDisclosure, conflict],
} as const satisfies Route;

export const approveDisclosure = {
  operationId: 'approveDisclosure',
  method: 'POST',
  path: '/disclosures/{disclosureId}/approve',
  entry: 'api/disclosure/approve-disclosure.ts',
  access: SUPERVISORS,
  // Scores go out with the commitment to every ballot of their period (responses, reviews, catalog read); a closed
  // ledger item published moves to PUBLISHED (cases).
  tables: { disclosures: 'readWrite', cases: 'readWrite', catalog: 'read', reviews: 'read', responses: 'read' },
  buckets: { publications: 'publish' },
  summary:
    'Approves exactly the revision read (who, when, the hash of the content are recorded) and publishes it: a file under /public/disclosure/ and ' +
    "the index the public page reads; a period's scores with the commitment to each ballot counted and excluded; closed ledger items become PUBLISHED.",
  params: disclosureParams,
  body: ZDisclosureApproveInput,
  // The ballot commitment reads every ballot of a period: one full vCPU, and as long as the gateway allows.
  runtime: { timeoutSeconds: 28, memoryMb: 1769 },
  responses: [{ status: 200, description: 'The disclosure as published.', schema: ZApprovalResult }, invalid, noDisclosure, conflict],
} as const satisfies Route;

export const withdrawDisclosure = {
  operationId: 'withdrawDisclosure',
  method: 'POST',
  path: '/disclosures/{disclosureId}/withdraw',
  entry: 'api/disclosure/withdraw-disclosure.ts',
  access: SUPERVISORS,
  tables: { disclosures: 'readWrite' },
  buckets: { publications: 'publish' },
  summary: 'Takes a published disclosure off the public page, at the revision read, with a reason kept for staff: the index drops it, and its file is deleted and invalidated in the site CloudFront cache.',
  params: disclosureParams,
  body: ZDisclosureWithdrawInput,
  responses: [{ status: 200, description: 'The disclosure, withdrawn.', schema: ZDisclosure }, invalid, noDisclosure, conflict],
} as const satisfies Route;
