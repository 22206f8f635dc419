import * as z from 'zod/mini';
import { NotFoundError, ValidationError, type FieldIssue } from '../errors';
import { ZId } from '../ids';
import { fill } from '../messages';
import { ZInstant } from '../text';
import { invitationSerial, serviceRecordSerial, signToken, type KeyRing, type TokenClaims } from './ballot-token';
import type { Form, FormVersion } from './form';
import { ANSWER_MESSAGES, FORM_MESSAGES, REVIEW_MESSAGES as M } from './messages';
import { periodState, type Period } from './period';
import type { RespondentGroup } from './respondent-group';

/**
 * Invitations and service-record links: how a respondent gets a token (ballot-token.ts). An admin issues
 * invitations in batches for a unit (or every unit of an all-units form) and, where the period says so, for
 * a respondent group; another system posts completed services one by one (一事一评). Pingyi stores the batch
 * — how many, for what, by whom — and never the tokens or who received them: a batch's links are signed
 * again whenever they are asked for, and a service record's link is the same every time it is posted.
 */

/** The largest batch: one printing of QR sheets, or one CSV for an SMS campaign. */
export const INVITATION_BATCH_MAX = 2_000;

const ZLabel = z.string().check(z.trim(), z.maxLength(100));

export const ZInvitationBatchInput = z
  .object({
    /** The form the links open. */
    formId: ZId,
    /** The unit they rate: required on a one-unit form, absent on an all-units form. */
    unitId: z.optional(ZId),
    /** The respondent group they are for (a group that counts only through invitations, say). */
    groupId: z.optional(ZId),
    count: z.int().check(z.minimum(1), z.maximum(INVITATION_BATCH_MAX)),
    /** When the links stop working; the end of the period by default. */
    expiresAt: z.optional(ZInstant),
    /** Where the batch goes, for the admin's own records (`服务大厅 11 月`); never a respondent's name. */
    label: z._default(ZLabel, ''),
  })
  .register(z.globalRegistry, { id: 'InvitationBatchInput', description: 'A batch of one-time invitation links to issue.' });
export type InvitationBatchInput = z.infer<typeof ZInvitationBatchInput>;

export const ZInvitationBatch = z
  .object({
    periodId: ZId,
    batchId: ZId,
    formId: ZId,
    unitId: z.optional(ZId),
    groupId: z.optional(ZId),
    count: z.int().check(z.minimum(1)),
    expiresAt: z.iso.datetime({ offset: true }),
    label: z.string(),
    issuedBy: z.string(),
    issuedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'InvitationBatch', description: 'A batch of invitations: what they are for, never who got them.' });
export type InvitationBatch = z.infer<typeof ZInvitationBatch>;
export const ZInvitationBatchList = z.object({ batches: z.array(ZInvitationBatch) }).register(z.globalRegistry, { id: 'InvitationBatchList' });

/** A link a respondent rates by: the citizens' page with the form (and unit), the token in the fragment. */
export const ZRatingLink = z.object({
  /** The token alone, for systems that build their own links or SMS texts. */
  token: z.string(),
  /**
   * The link relative to the site (`rate.html?form=…&unit=…#t=…`). The token sits in the fragment, which a
   * browser never sends to a server, so it does not reach any access log.
   */
  path: z.string(),
});
export const ZInvitationLinks = z
  .object({ batch: ZInvitationBatch, links: z.array(z.object({ n: z.int(), ...ZRatingLink.shape })) })
  .register(z.globalRegistry, { id: 'InvitationLinks' });
export type InvitationLinks = z.infer<typeof ZInvitationLinks>;

/** A service record (办件) another system posts once the service is completed. */
export const ZServiceRecordInput = z
  .object({
    formId: ZId,
    unitId: ZId,
    /** The record's number in the posting system. Pingyi keeps only a keyed digest of it, in the link. */
    recordNumber: z.string().check(z.regex(/^[\x21-\x7e]{1,64}$/)),
    /** When the link stops working; the end of the period by default. */
    expiresAt: z.optional(ZInstant),
  })
  .register(z.globalRegistry, { id: 'ServiceRecordInput', description: 'A completed service to be rated once (一事一评).' });
export type ServiceRecordInput = z.infer<typeof ZServiceRecordInput>;
export const ZServiceRecordLink = z
  .object({ ...ZRatingLink.shape, expiresAt: z.iso.datetime() })
  .register(z.globalRegistry, { id: 'ServiceRecordLink', description: 'The link that rates one service, the same every time it is posted.' });
export type ServiceRecordLink = z.infer<typeof ZServiceRecordLink>;

/** What the invitation and service-record use cases need. */
export interface InvitationDeps {
  getPeriod(periodId: string): Promise<Period | undefined>;
  getForm(formId: string): Promise<Form | undefined>;
  getFormVersion(formId: string, version: number): Promise<FormVersion | undefined>;
  listGroups(): Promise<RespondentGroup[]>;
  ballotKeys(): Promise<KeyRing>;
  createInvitationBatch(batch: InvitationBatch): Promise<void>;
  getInvitationBatch(periodId: string, batchId: string): Promise<InvitationBatch | undefined>;
  listInvitationBatches(periodId: string): Promise<InvitationBatch[]>;
  /** A new batch id: short, random, lowercase. */
  newBatchId(): string;
  now(): Date;
}

/** The citizens' page for a form (and unit) with a token. */
export function ratingPath(formId: string, unitId: string | undefined, token: string): string {
  const query = new URLSearchParams({ form: formId, ...(unitId ? { unit: unitId } : {}) });
  return `rate.html?${query.toString()}#t=${token}`;
}

/**
 * Checks that a form of `period` takes links for `unitId` now, adding every failing field to `issues`; an
 * unknown form is a NotFoundError.
 */
async function checkTarget(deps: InvitationDeps, period: Period, formId: string, unitId: string | undefined, now: Date, issues: FieldIssue[]): Promise<void> {
  if (periodState(period, now) === 'ended') issues.push({ path: 'formId', message: M.periodEnded });
  const form = await deps.getForm(formId);
  if (!form) throw new NotFoundError('form', formId);
  if (form.periodId !== period.periodId) return void issues.push({ path: 'formId', message: fill(M.formNotOfPeriod, { id: formId }) });
  const version = form.latestVersion > 0 && form.status !== 'closed' ? await deps.getFormVersion(formId, form.latestVersion) : undefined;
  if (!version) return void issues.push({ path: 'formId', message: fill(M.formNotPublished, { id: formId }) });
  const { layout, unitIds } = version.content;
  if (layout === 'allUnits' && unitId !== undefined) issues.push({ path: 'unitId', message: M.noUnitOnAllUnitsForm });
  if (layout !== 'allUnits' && unitId === undefined) issues.push({ path: 'unitId', message: M.unitNeededForOneUnitForm });
  if (layout !== 'allUnits' && unitId !== undefined && !unitIds.includes(unitId)) {
    issues.push({ path: 'unitId', message: ANSWER_MESSAGES.unitNotOnForm });
  }
}

function expiryOf(period: Period, expiresAt: string | undefined, now: Date, issues: FieldIssue[]): string {
  const at = expiresAt ?? period.closesAt;
  if (Date.parse(at) <= now.getTime()) issues.push({ path: 'expiresAt', message: M.expiresInPast });
  return at;
}

async function periodOf(deps: Pick<InvitationDeps, 'getPeriod'>, periodId: string): Promise<Period> {
  const period = await deps.getPeriod(periodId);
  if (!period) throw new NotFoundError('period', periodId);
  return period;
}

/** Issues a batch of invitations: stores what it is for, and returns it (its links come from `invitationLinks`). */
export async function issueInvitations(deps: InvitationDeps, issuedBy: string, periodId: string, input: InvitationBatchInput): Promise<InvitationBatch> {
  const period = await periodOf(deps, periodId);
  const now = deps.now();
  const issues: FieldIssue[] = [];
  await checkTarget(deps, period, input.formId, input.unitId, now, issues);
  if (input.groupId !== undefined && !(await deps.listGroups()).some((g) => g.groupId === input.groupId)) {
    issues.push({ path: 'groupId', message: fill(FORM_MESSAGES.unknownGroup, { id: input.groupId }) });
  }
  const expiresAt = expiryOf(period, input.expiresAt, now, issues);
  if (issues.length > 0) throw new ValidationError(issues);
  const batch: InvitationBatch = {
    periodId,
    batchId: deps.newBatchId(),
    formId: input.formId,
    ...(input.unitId !== undefined ? { unitId: input.unitId } : {}),
    ...(input.groupId !== undefined ? { groupId: input.groupId } : {}),
    count: input.count,
    expiresAt,
    label: input.label,
    issuedBy,
    issuedAt: now.toISOString(),
  };
  await deps.createInvitationBatch(batch);
  return batch;
}

/** A period's invitation batches, newest first. */
export async function listInvitationBatches(deps: InvitationDeps, periodId: string): Promise<InvitationBatch[]> {
  await periodOf(deps, periodId);
  return (await deps.listInvitationBatches(periodId)).sort((a, b) => b.issuedAt.localeCompare(a.issuedAt) || a.batchId.localeCompare(b.batchId));
}

/** The links of a batch, signed with the current key (the same serials every time, so each rates once). */
export async function invitationLinks(deps: InvitationDeps, periodId: string, batchId: string): Promise<InvitationLinks> {
  const batch = await deps.getInvitationBatch(periodId, batchId);
  if (!batch) throw new NotFoundError('invitationBatch', batchId);
  const ring = await deps.ballotKeys();
  const links = Array.from({ length: batch.count }, (_, i) => {
    const n = i + 1;
    const claims: TokenClaims = {
      kind: 'invitation',
      periodId,
      ...(batch.unitId !== undefined ? { unitId: batch.unitId } : {}),
      ...(batch.groupId !== undefined ? { groupId: batch.groupId } : {}),
      expiresAt: new Date(batch.expiresAt),
      serial: invitationSerial(batch.batchId, n),
    };
    const token = signToken(ring, claims);
    return { n, token, path: ratingPath(batch.formId, batch.unitId, token) };
  });
  return { batch, links };
}

/**
 * The link that rates one completed service: bound to its unit and period by a keyed digest of the
 * record number, so posting the record again returns the same link and the service is rated once.
 * Nothing is stored.
 */
export async function serviceRecordLink(deps: InvitationDeps, input: ServiceRecordInput): Promise<ServiceRecordLink> {
  const form = await deps.getForm(input.formId);
  if (!form) throw new NotFoundError('form', input.formId);
  const period = await periodOf(deps, form.periodId);
  const now = deps.now();
  const issues: FieldIssue[] = [];
  await checkTarget(deps, period, input.formId, input.unitId, now, issues);
  const expiresAt = expiryOf(period, input.expiresAt, now, issues);
  if (issues.length > 0) throw new ValidationError(issues);
  const ring = await deps.ballotKeys();
  const claims: TokenClaims = {
    kind: 'serviceRecord',
    periodId: period.periodId,
    unitId: input.unitId,
    expiresAt: new Date(expiresAt),
    serial: serviceRecordSerial(ring, period.periodId, input.unitId, input.recordNumber),
  };
  const token = signToken(ring, claims);
  return { token, path: ratingPath(input.formId, input.unitId, token), expiresAt: new Date(expiresAt).toISOString() };
}
