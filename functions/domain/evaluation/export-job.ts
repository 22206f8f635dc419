import * as z from 'zod/mini';
import { NotFoundError } from '../errors';
import { LANGS, type Lang } from '../lang';
import { ZInstant } from '../text';
import type { Period } from './period';

/**
 * A raw export as a job (原始答卷导出任务). Reading and writing a period of a million ballots takes longer than
 * API Gateway waits for an answer (30 s), so a supervisor's request only records the export as `queued`
 * and answers 202; the export function, fed the tallies table's stream (routes/evaluation.ts
 * `runResponseExports`, up to EXPORT_RUN_SECONDS), claims it (`running`), writes the file
 * (response-export.ts) and records it `done` with the file's figures — or `failed`. The page asks for the job
 * until it is done and then gets a fresh link (15 minutes) to the file, which is kept a day.
 *
 * queued → running → done | failed. A run that stopped without a word (the function timed out or crashed)
 * is claimed again when the stream delivers the job again; once it is older than a run can be, the job reads
 * as failed (timedOut). A job is kept after its file is gone: who exported what, and when.
 */
export const EXPORT_JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type ExportJobState = (typeof EXPORT_JOB_STATES)[number];

/** Why a job failed: a dependency (DynamoDB, S3) kept failing; anything else; or its run stopped without a word. */
export const EXPORT_FAILURES = ['dependency', 'internal', 'timedOut'] as const;
export type ExportFailure = (typeof EXPORT_FAILURES)[number];

/** How long one run of an export may take: the export function's timeout (Lambda's most). */
export const EXPORT_RUN_SECONDS = 15 * 60;
/**
 * A queued job not claimed within this reads as failed: the stream hands it over in seconds, and retries a
 * run that stopped within a few minutes of EXPORT_RUN_SECONDS.
 */
const EXPORT_GIVE_UP_MS = 2 * EXPORT_RUN_SECONDS * 1000 + 5 * 60_000;

/** The written file, as the job records it: where the store keeps it, and what it holds. */
export const ZExportFile = z.object({
  /** The store's name for the file (an S3 key, or the local file's name); never shown. */
  ref: z.string(),
  filename: z.string(),
  dataAsOf: ZInstant,
  rows: z.int().check(z.minimum(0)),
  ballots: z.int().check(z.minimum(0)),
  unreadable: z.int().check(z.minimum(0)),
});
export type ExportFile = z.infer<typeof ZExportFile>;

/** A stored export job (store/evaluation/export-job-store.ts). */
export const ZExportJob = z.object({
  exportId: z.uuid(),
  periodId: z.string(),
  state: z.enum(EXPORT_JOB_STATES),
  includeText: z.boolean(),
  /** The language of the request: the file's headers, labels and name. */
  lang: z.enum(LANGS),
  /** The staff member who asked (their sign-in subject). */
  requestedBy: z.string(),
  requestedAt: ZInstant,
  /** When the current run claimed it. */
  startedAt: z.optional(ZInstant),
  finishedAt: z.optional(ZInstant),
  /** Runs that claimed it: more than one when a run stopped without a word and the stream delivered it again. */
  runs: z.int().check(z.minimum(0)),
  file: z.optional(ZExportFile),
  failure: z.optional(z.enum(EXPORT_FAILURES)),
});
export type ExportJob = z.infer<typeof ZExportJob>;

/** What the caller reads: the job, and once it is done the file's figures and a link to it. */
export const ZResponseExport = z
  .object({
    exportId: z.uuid(),
    periodId: z.string(),
    /** `expired`: done, but its file has been deleted (a day after it was written); ask for a new export. */
    state: z.enum([...EXPORT_JOB_STATES, 'expired']),
    includeText: z.boolean(),
    requestedAt: ZInstant,
    startedAt: z.optional(ZInstant),
    finishedAt: z.optional(ZInstant),
    failure: z.optional(z.enum(EXPORT_FAILURES)),
    /** The file's name (it names the period). Done only, as the figures below. */
    filename: z.optional(z.string()),
    /** The time the rows were read from; the file names it in CST. */
    dataAsOf: z.optional(ZInstant),
    /** Data rows in the file: one per ballot and rated unit. */
    rows: z.optional(z.int().check(z.minimum(0))),
    /** Ballots read. */
    ballots: z.optional(z.int().check(z.minimum(0))),
    /** Stored items that did not read as a ballot (left out, counted here). */
    unreadable: z.optional(z.int().check(z.minimum(0))),
    /** Where to download the file: a presigned link on AWS; a link on the same origin under `npm start`. Made anew on each read. */
    url: z.optional(z.string()),
    /** When that link stops working. */
    expiresAt: z.optional(ZInstant),
  })
  .register(z.globalRegistry, { id: 'ResponseExport', description: 'A raw anonymised export of a period: queued, running, done (with its link), failed or expired.' });
export type ResponseExport = z.infer<typeof ZResponseExport>;

/** What the export jobs need (store/deps.ts `exportJobDeps`). */
export interface ExportJobDeps {
  createExportJob(job: ExportJob): Promise<void>;
  getExportJob(periodId: string, exportId: string): Promise<ExportJob | undefined>;
  /**
   * Marks the job running, if it is queued or its run started before `staleBefore` (a run that stopped
   * without a word): the claimed job, or undefined when it is done, failed or running elsewhere.
   */
  claimExportJob(job: ExportJob, startedAt: string, staleBefore: string): Promise<ExportJob | undefined>;
  /** Records the run's end, if the job is still the run's (running, claimed at `job.startedAt`); false otherwise. */
  finishExportJob(job: ExportJob): Promise<boolean>;
  /** Writes the period's export (response-export.ts `exportResponses`). */
  writeExport(periodId: string, options: { lang: Lang; includeText: boolean }): Promise<ExportFile>;
  /** A fresh download link to a written file. */
  linkExport(file: ExportFile): Promise<{ url: string; expiresAt: Date }>;
  /** How many days the store keeps a file (store/buckets.ts `exports.expiryDays`). */
  fileDays: number;
  newId(): string;
  now(): Date;
}

/** Records an export of a period as queued (NotFoundError for an unknown period): the export function runs it. */
export async function requestExport(
  deps: Pick<ExportJobDeps, 'createExportJob' | 'newId' | 'now'> & { getPeriod(periodId: string): Promise<Period | undefined> },
  periodId: string,
  request: { includeText: boolean; lang: Lang; requestedBy: string },
): Promise<ResponseExport> {
  if (!(await deps.getPeriod(periodId))) throw new NotFoundError('period', periodId);
  const job: ExportJob = { exportId: deps.newId(), periodId, state: 'queued', ...request, requestedAt: deps.now().toISOString(), runs: 0 };
  await deps.createExportJob(job);
  return viewOf(job, deps.now());
}

/** The export as the caller reads it, with a fresh link once it is done (NotFoundError for an unknown one). */
export async function readExport(
  deps: Pick<ExportJobDeps, 'getExportJob' | 'linkExport' | 'fileDays' | 'now'>,
  periodId: string,
  exportId: string,
): Promise<ResponseExport> {
  const job = await deps.getExportJob(periodId, exportId);
  if (!job) throw new NotFoundError('responseExport', exportId);
  const now = deps.now();
  const view = viewOf(job, now, deps.fileDays);
  if (view.state !== 'done' || !job.file) return view;
  const link = await deps.linkExport(job.file);
  return { ...view, url: link.url, expiresAt: link.expiresAt.toISOString() };
}

/** A job as read at `now`: a run or a wait longer than any can be reads as failed, a deleted file as expired. */
function viewOf(job: ExportJob, now: Date, fileDays = Number.POSITIVE_INFINITY): ResponseExport {
  const { exportId, periodId, includeText, requestedAt, startedAt, finishedAt, failure, file } = job;
  let state: ResponseExport['state'] = job.state;
  let stopped: ExportFailure | undefined;
  const since = Date.parse(startedAt ?? requestedAt);
  if ((state === 'queued' || state === 'running') && now.getTime() - since > EXPORT_GIVE_UP_MS) {
    state = 'failed';
    stopped = 'timedOut';
  }
  if (state === 'done' && finishedAt && now.getTime() >= Date.parse(finishedAt) + fileDays * 86_400_000) state = 'expired';
  const figures = state === 'done' && file ? { filename: file.filename, dataAsOf: file.dataAsOf, rows: file.rows, ballots: file.ballots, unreadable: file.unreadable } : {};
  const why = stopped ?? failure;
  return {
    exportId,
    periodId,
    state,
    includeText,
    requestedAt,
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(state === 'failed' && why ? { failure: why } : {}),
    ...figures,
  };
}

/** What became of a job the export function was handed. */
export type ExportRun = { outcome: 'done'; rows: number } | { outcome: 'failed'; failure: ExportFailure; error: unknown } | { outcome: 'skipped' };

/**
 * Runs a queued job (the export function): claims it, writes the file, records it done; a failure is recorded
 * as the job's (`dependency` when a dependency kept failing, else `internal`), not thrown, so the caller sees
 * it and may ask again. A job already done, failed or running elsewhere is skipped: the stream may deliver a
 * job twice. `isDependencyFault` tells the kinds of failure apart (platform/errors.ts).
 */
export async function runExport(deps: ExportJobDeps, job: ExportJob, isDependencyFault: (error: unknown) => boolean): Promise<ExportRun> {
  const started = deps.now();
  const claimed = await deps.claimExportJob(job, started.toISOString(), new Date(started.getTime() - EXPORT_RUN_SECONDS * 1000).toISOString());
  if (!claimed) return { outcome: 'skipped' };
  try {
    const file = await deps.writeExport(claimed.periodId, { lang: claimed.lang, includeText: claimed.includeText });
    await deps.finishExportJob({ ...claimed, state: 'done', file, finishedAt: deps.now().toISOString() });
    return { outcome: 'done', rows: file.rows };
  } catch (error) {
    const failure: ExportFailure = isDependencyFault(error) ? 'dependency' : 'internal';
    await deps.finishExportJob({ ...claimed, state: 'failed', failure, finishedAt: deps.now().toISOString() });
    return { outcome: 'failed', failure, error };
  }
}
