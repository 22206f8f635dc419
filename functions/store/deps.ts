import { randomBytes, randomUUID } from 'node:crypto';
import { newReceiptCode } from '../domain/evaluation/ballot-ids';
import { newSalt, type DaySaltDeps } from '../domain/evaluation/client-key';
import type { InvitationDeps } from '../domain/evaluation/invitations';
import type { ReviewDeps } from '../domain/evaluation/review';
import type { FormAdminDeps } from '../domain/evaluation/form-admin';
import type { PeriodAdminDeps } from '../domain/evaluation/period-admin';
import type { PublishedFormDeps } from '../domain/evaluation/published-form';
import type { SubmitResponseDeps } from '../domain/evaluation/response';
import type { SnapshotDeps } from '../domain/evaluation/snapshot';
import type { ResponseExportDeps } from '../domain/evaluation/response-export';
import type { CountingDeps } from '../domain/evaluation/counting';
import type { Period } from '../domain/evaluation/period';
import type { RecountDeps } from '../domain/evaluation/recount';
import type { RunTallyDeps } from '../domain/evaluation/tally';
import type { TallyReportDeps } from '../domain/evaluation/tally-report';
import type { ImportDeps } from '../domain/units/unit-import';
import type { UnitDeps } from '../domain/units/unit';
import { ballotKeySource } from './ballot-keys';
import { createDocumentClient, tableName } from './client';
import { invitationStore, saltKeeper, saltMaker } from './evaluation/admission-store';
import { catalogStore } from './evaluation/catalog-store';
import { counterStore } from './evaluation/counter-store';
import { responseStore, toBallotInBulk } from './evaluation/response-store';
import { reviewStore } from './evaluation/review-store';
import { cachedSubmissionContext } from './evaluation/submission-context';
import { tallyStore } from './evaluation/tally-store';
import { TABLES, type TableKey } from './tables';
import { exportSink, type ExportSink } from './exports/export-store';
import { csvChunks } from '../platform/csv';
import { unitStore } from './units/unit-store';
import type { CaseDeps, ContactReader, IntakeDeps } from '../domain/cases/ports';
import type { BadReviewDeps } from '../domain/cases/bad-review';
import { newCode } from '../domain/cases/intake';
import { caseStore, contactStore } from './cases/case-store';
import { attachmentStoreFromEnv } from './attachments/attachment-store';
import type { AttachmentDeps, AttachmentStorePort } from '../domain/cases/attachments';
import { calendarStore, loadWorkingCalendar, packagedYears } from './calendar/calendar-store';
import { loadDeadlineDays, settingsStore } from './cases/settings-store';
import type { DeadlineDays, DeadlineSettingsDeps } from '../domain/cases/deadline-settings';
import type { CalendarDeps } from '../domain/calendar/calendar';
import type { WorkingCalendar } from '../domain/working-days';
import type { DeliveryDeps, SweepDeps } from '../domain/notifications/sweep';
import type { DirectoryDeps } from '../domain/notifications/directory';
import { directoryStore } from './notifications/directory-store';
import { escalationStore } from './notifications/escalation-store';
import { mailerFromEnv, type Mailer } from './notifications/mailer';
import { outboxStore } from './notifications/outbox-store';
import type { BriefingDeps, BriefingStorePort } from '../domain/briefings/ports';
import { briefingSettingsStore, briefingStore } from './briefings/briefing-store';
import type { BriefingSettingsDeps } from '../domain/briefings/settings';
import type { AuditAppendDeps, AuditVerifyDeps } from '../domain/audit/ports';
import { auditChainStore, auditReader } from './audit/audit-store';
import { AUDITED_TABLES, kindOf } from './audit/audit-sources';
import type { EvidenceStore, LedgerCategoryStore, LedgerDeps } from '../domain/ledger/ports';
import type { LedgerSweepDeps } from '../domain/ledger/escalation';
import { applyLedgerAction, ledgerCategoryStore, ledgerEscalationStore, ledgerStore } from './ledger/ledger-store';
import { ledgerCategories } from '../domain/ledger/workflow';
import type { DisclosureDeps } from '../domain/disclosure/ports';
import { disclosureStore } from './disclosure/disclosure-store';
import { publicFilesFromEnv } from './disclosure/public-files';
import { ballotCommitmentDeps, commitPeriodBallots } from './disclosure/ballot-commitment';
import { BUCKETS } from './buckets';
import { exportResponses } from '../domain/evaluation/response-export';
import type { ExportJobDeps } from '../domain/evaluation/export-job';
import { exportJobStore } from './evaluation/export-job-store';

/** A dependency this function is not bound to (its route does not name it): calling it fails. */
const unbound = (what: string) => () => Promise.reject(new Error(`this function is not bound to ${what}`));

/**
 * The domain's ports wired to DynamoDB, one factory per use case. A handler calls its factory once at
 * module scope: the client is made once per cold start, and a missing table binding fails right there.
 */
const now = () => new Date();

const catalog = (db = createDocumentClient()) => ({
  ...catalogStore(db, tableName('catalog')),
  ...unitStore(db, tableName('catalog')),
});

export function publishedFormDeps(db = createDocumentClient()): PublishedFormDeps {
  return { ...catalog(db), now };
}

export function submitDeps(db = createDocumentClient()): SubmitResponseDeps {
  const responses = responseStore(db, tableName('responses'));
  return {
    loadSubmissionContext: cachedSubmissionContext(catalogStore(db, tableName('catalog'))),
    ballotKeys: ballotKeySource(),
    daySalt: saltMaker(db, tableName('responses'), newSalt),
    putResponseOnce: responses.putResponseOnce,
    findResponse: responses.findResponse,
    newId: randomUUID,
    newReceiptCode,
    now,
  };
}

/** A short random id for an invitation batch: ten lowercase base-36 characters. */
const newBatchId = () => Array.from(randomBytes(10), (b) => (b % 36).toString(36)).join('');

/** Invitation batches; `withKeys` for the functions that sign links (bound to the ballot keys). */
export function invitationDeps(db = createDocumentClient(), withKeys = false): InvitationDeps {
  const keys = withKeys ? ballotKeySource() : () => Promise.reject(new Error('this function is not bound to the ballot keys'));
  return { ...catalogStore(db, tableName('catalog')), ...invitationStore(db, tableName('catalog')), ballotKeys: keys, newBatchId, now };
}

/**
 * Appeals and flagged batches. Each function is bound only to the tables its route declares, so the
 * stores of the others fail only when called (never, by a handler that keeps to its route).
 */
export function reviewDeps(db = createDocumentClient(), env: NodeJS.ProcessEnv = process.env): ReviewDeps {
  const bound = (key: 'responses' | 'tallies') => (env[TABLES[key].envVar] ? tableName(key, env) : undefined);
  const responsesTable = bound('responses');
  const talliesTable = bound('tallies');
  const responses = responsesTable ? responseStore(db, responsesTable) : undefined;
  const catalogTables = catalogStore(db, tableName('catalog'));
  return {
    getPeriod: catalogTables.getPeriod,
    getFormVersion: catalogTables.getFormVersion,
    ...reviewStore(db, tableName('reviews')),
    getBallot: responses?.getBallot ?? unbound('the responses table'),
    unitBallots: responses?.unitBallots ?? unbound('the responses table'),
    listFlaggedBatches: talliesTable ? tallyStore(db, talliesTable).listFlaggedBatches : unbound('the tallies table'),
    newId: randomUUID,
    now,
  };
}

export function daySaltDeps(db = createDocumentClient()): DaySaltDeps {
  return { ...saltKeeper(db, tableName('responses')), now };
}

export function tallyReportDeps(db = createDocumentClient()): TallyReportDeps {
  return { ...catalog(db), ...tallyStore(db, tableName('tallies')) };
}

/** Daily snapshots and the periods they belong to, for trends. */
export function snapshotDeps(db = createDocumentClient()): SnapshotDeps {
  const { getPeriod, listPeriods } = catalogStore(db, tableName('catalog'));
  const { listSnapshotDays, listUnitSnapshots, lastUnitSnapshot } = tallyStore(db, tableName('tallies'));
  return { getPeriod, listPeriods, listSnapshotDays, listUnitSnapshots, lastUnitSnapshot, now };
}

export function runTallyDeps(db = createDocumentClient()): RunTallyDeps {
  const { listPeriods, getFormVersion, listGroups } = catalogStore(db, tableName('catalog'));
  const reviews = reviewStore(db, tableName('reviews'));
  const counters = counterStore(db, tableName('tallies'));
  return {
    listPeriods,
    getFormVersion,
    listGroups,
    listAppeals: reviews.listAppeals,
    listBatchReviews: reviews.listBatchReviews,
    ...tallyStore(db, tableName('tallies')),
    readTallyState: counters.readTallyState,
    unitBallots: counters.unitBallots,
    settleDay: counters.settleDay,
    countedRefs: counters.countedRefs,
    counted: counters.counted,
    getBallots: responseStore(db, tableName('responses')).getBallots,
    now,
  };
}

/** The counting function's: the catalog to read ballots by, the counters to add them to. */
export function countingDeps(db = createDocumentClient()): CountingDeps {
  const { getPeriod, getFormVersion, listGroups } = catalogStore(db, tableName('catalog'));
  const { hotDays, arrive, markHot, addOnce } = counterStore(db, tableName('tallies'));
  return { getPeriod, getFormVersion, listGroups, hotDays, arrive, markHot, addOnce, now };
}

/** The recount's: the raw ballots, and the counters to compare and repair. */
export function recountDeps(db = createDocumentClient()): RecountDeps & { listPeriods: () => Promise<Period[]>; getPeriod: (periodId: string) => Promise<Period | undefined> } {
  const { getPeriod, listPeriods, getFormVersion, listGroups } = catalogStore(db, tableName('catalog'));
  const counters = counterStore(db, tableName('tallies'));
  return {
    getPeriod,
    listPeriods,
    getFormVersion,
    listGroups,
    readCounters: counters.readCounters,
    countedBallots: counters.countedBallots,
    periodBallots: responseStore(db, tableName('responses')).periodBallots,
    addDifference: counters.addDifference,
    hotDays: counters.hotDays,
    markHot: counters.markHot,
    countedRevs: counters.countedRevs,
    arriveAll: counters.arriveAll,
    getRecount: counters.getRecount,
    saveRecount: counters.saveRecount,
    counting: countingDeps(db),
    now,
  };
}

export function unitDeps(db = createDocumentClient()): UnitDeps & ImportDeps {
  return { ...unitStore(db, tableName('catalog')), now };
}

export function periodAdminDeps(db = createDocumentClient()): PeriodAdminDeps {
  return { ...catalogStore(db, tableName('catalog')), now };
}

export function formAdminDeps(db = createDocumentClient()): FormAdminDeps & PublishedFormDeps {
  return { ...catalog(db), now };
}

/**
 * The raw export of a period: the period's form versions, its ballots read shard by shard, and the export
 * bucket (S3 on AWS, a folder under `.local/` locally: store/exports/export-store.ts) written as CSV; and
 * what the tally applies (groups, appeals, batch reviews, hot days) to say which rows it leaves out.
 */
export function responseExportDeps(db = createDocumentClient(), sink: ExportSink = exportSink('exports')): ResponseExportDeps {
  const catalogTable = catalogStore(db, tableName('catalog'));
  const responses = responseStore(db, tableName('responses'));
  const reviews = reviewStore(db, tableName('reviews'));
  const counters = counterStore(db, tableName('tallies'));
  return {
    toBallot: toBallotInBulk,
    listGroups: catalogTable.listGroups,
    listAppeals: reviews.listAppeals,
    listBatchReviews: reviews.listBatchReviews,
    hotDays: counters.hotDays,
    getPeriod: catalogTable.getPeriod,
    async periodFormVersions(periodId) {
      const forms = await catalogTable.listFormsOfPeriod(periodId);
      return (await Promise.all(forms.map((f) => catalogTable.listFormVersions(f.formId)))).flat();
    },
    periodItemPages: (periodId) => responses.periodItemPages(periodId),
    saveExport: (filename, pages) => sink.save(filename, CSV_TYPE, csvChunks(pages)),
    newExportKey: () => randomBytes(32),
    now,
  };
}

const CSV_TYPE = 'text/csv; charset=utf-8';

/**
 * Export jobs (domain/evaluation/export-job.ts) in the tallies table. The API's functions record and read
 * them (`sink` only to sign links, given where bound: GET); the export function also writes the file, with
 * `responseExportDeps`.
 */
export function exportJobDeps(
  db = createDocumentClient(),
  { sink, write }: { sink?: ExportSink; write?: ResponseExportDeps } = {},
): ExportJobDeps {
  const jobs = exportJobStore(db, tableName('tallies'));
  return {
    createExportJob: jobs.createExportJob,
    getExportJob: jobs.getExportJob,
    claimExportJob: jobs.claimExportJob,
    finishExportJob: jobs.finishExportJob,
    writeExport: (periodId, options) => (write ? exportResponses(write, periodId, options) : unbound('the export writer')()),
    linkExport: (file) => (sink ? sink.link(file.ref, file.filename, CSV_TYPE) : unbound('the exports bucket')()),
    fileDays: BUCKETS.exports.expiryDays,
    newId: randomUUID,
    now,
  };
}

/** Asking for an export: the period (catalog) besides the jobs. */
export const exportRequestDeps = (db = createDocumentClient()) => ({ ...exportJobDeps(db), getPeriod: catalogStore(db, tableName('catalog')).getPeriod });

/** How long a function keeps the working-day calendar it read (admin adjustments reach it within this). */
const CALENDAR_CACHE_MS = 5 * 60_000;

/** `load`'s answer, kept for `ms` after it was asked for (a failed load is asked again on the next call). */
function cachedFor<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    const at = Date.now();
    if (!cached || at - cached.at > ms) {
      const value = load();
      cached = { at, value };
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
}

/** The working-day calendar, read from the catalog table at most once per CALENDAR_CACHE_MS. */
function cachedWorkingCalendar(db: ReturnType<typeof createDocumentClient>, table: string): () => Promise<WorkingCalendar> {
  return cachedFor(CALENDAR_CACHE_MS, () => loadWorkingCalendar(db, table));
}

/** The deadline days per case kind, read from the catalog table at most once per CALENDAR_CACHE_MS (a change reaches intake as fast as a calendar change). */
function cachedDeadlineDays(db: ReturnType<typeof createDocumentClient>, table: string): () => Promise<DeadlineDays> {
  return cachedFor(CALENDAR_CACHE_MS, () => loadDeadlineDays(db, table));
}

/**
 * Cases: each function is bound only to the tables its route declares (store/tables.ts `contacts` only
 * where contact details are written or read), so the ports of the others fail only when called.
 */
export function caseDeps(db = createDocumentClient(), env: NodeJS.ProcessEnv = process.env): CaseDeps & Partial<ContactReader> & Partial<AttachmentStorePort> {
  const bound = (key: 'catalog' | 'contacts') => (env[TABLES[key].envVar] ? tableName(key, env) : undefined);
  const catalogTable = bound('catalog');
  const contactsTable = bound('contacts');
  return {
    ...caseStore(db, tableName('cases', env), contactsTable),
    ...(contactsTable ? contactStore(db, contactsTable) : {}),
    // The attachments bucket, where the route names it (the intake checks uploads, staff get download links).
    ...attachmentStoreFromEnv(env),
    getUnit: catalogTable ? unitStore(db, catalogTable).getUnit : unbound('the catalog table'),
    workingCalendar: catalogTable ? cachedWorkingCalendar(db, catalogTable) : unbound('the catalog table'),
    now,
  };
}

/** The attachment upload URLs' (public, before the intake): the attachments bucket only, no table. */
export function attachmentDeps(env: NodeJS.ProcessEnv = process.env): AttachmentDeps {
  const store = attachmentStoreFromEnv(env);
  if (!store) throw new Error('this function is not bound to the attachments bucket');
  return { ...store, newAttachmentKey: () => randomBytes(24).toString('base64url'), now };
}

/** The public intake's: cases and contacts to append to, the catalog for units, the calendar and the deadline days. */
export function intakeDeps(db = createDocumentClient()): IntakeDeps {
  return { ...caseDeps(db), deadlineDays: cachedDeadlineDays(db, tableName('catalog')), newId: randomUUID, newCode: (length) => newCode(length) };
}

/**
 * The bad-review follow-up's (domain/cases/bad-review.ts): the intake's ports, and read access to the
 * ballot (responses table) and its form version (catalog), never more.
 */
export function badReviewDeps(db = createDocumentClient()): BadReviewDeps {
  return {
    ...intakeDeps(db),
    getBallot: responseStore(db, tableName('responses')).getBallot,
    getFormVersion: catalogStore(db, tableName('catalog')).getFormVersion,
  };
}

/**
 * The escalation sweeper's (jobs/sweep-cases.ts): open cases from the cases table's `open` index, the
 * calendar and the notification directory from the catalog, and one transaction across cases and the
 * outbox per escalated case; then the outbox's pending messages, sent by `mailer` (SES, or the outbox alone).
 */
export function sweepDeps(db = createDocumentClient(), mailer: Mailer = mailerFromEnv()): SweepDeps & DeliveryDeps {
  const catalogTable = tableName('catalog');
  const cases = caseStore(db, tableName('cases'));
  const notificationsTable = tableName('notifications');
  return {
    openCasesDueBefore: cases.listOpenCases,
    loadWorkingCalendar: () => loadWorkingCalendar(db, catalogTable),
    recipientsOf: directoryStore(db, catalogTable).recipientsOf,
    ...escalationStore(db, { cases: tableName('cases'), notifications: notificationsTable }),
    ...outboxStore(db, notificationsTable),
    send: mailer,
    newId: randomUUID,
    now,
  };
}

/** The admin's calendar entries, and the package's schedules they are shown beside. */
export function calendarDeps(db = createDocumentClient()): CalendarDeps {
  return { ...calendarStore(db, tableName('catalog')), packageYears: packagedYears(), now };
}

/** The admin's deadline days per case kind, in the catalog table. */
export function deadlineSettingsDeps(db = createDocumentClient()): DeadlineSettingsDeps {
  return { ...settingsStore(db, tableName('catalog')), now };
}

/** The notification directory's admin routes: its entries and the units they name, in the catalog table. */
export function directoryDeps(db = createDocumentClient()): DirectoryDeps {
  return { ...directoryStore(db, tableName('catalog')), getUnit: unitStore(db, tableName('catalog')).getUnit, now };
}

/** The audit consumers': the chain's store, which only adds to the audit table (store/audit/audit-store.ts). */
export function auditAppendDeps(db = createDocumentClient()): AuditAppendDeps {
  return { ...auditChainStore(db, tableName('audit')), now };
}

/**
 * The audit verification's: the chain, and every chained table this function is bound to, to read each
 * chained item back (a table it is not bound to fails the verification when a record names it).
 */
export function auditVerifyDeps(db = createDocumentClient(), env: NodeJS.ProcessEnv = process.env): AuditVerifyDeps {
  const sources = Object.fromEntries(AUDITED_TABLES.filter((key) => env[TABLES[key].envVar]).map((key) => [key, tableName(key, env)]));
  return {
    ...auditReader(db, tableName('audit', env), sources),
    kindOf,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now,
  };
}

/** The briefing routes that read or write briefings only (list, read, narrative, publish, DOCX): the briefings table. */
export function briefingReadDeps(db = createDocumentClient()): BriefingStorePort & { now(): Date } {
  return { ...briefingStore(db, tableName('briefings')), now };
}

/** The admin's briefing settings: the settings item and the number counters, in the briefings table. */
export function briefingSettingsDeps(db = createDocumentClient()): BriefingSettingsDeps {
  return { ...briefingSettingsStore(db, tableName('briefings')), now };
}

/**
 * The drafting's (the job and "draft now"): the briefings table, and read access to what the figures come
 * from — units and periods (catalog), the tally snapshots, the cases (by month of receipt and the open
 * index) and the rectification ledger items in the cases table.
 */
export function briefingDeps(db = createDocumentClient()): BriefingDeps {
  const catalogTable = catalogStore(db, tableName('catalog'));
  const cases = caseStore(db, tableName('cases'));
  return {
    ...briefingStore(db, tableName('briefings')),
    listUnits: unitStore(db, tableName('catalog')).listUnits,
    listPeriods: catalogTable.listPeriods,
    listUnitSnapshots: tallyStore(db, tableName('tallies')).listUnitSnapshots,
    listCasesOfMonths: cases.listCasesOfMonths,
    listOpenCases: cases.listOpenCases,
    listLedgerFacts: ledgerStore(db, tableName('cases')).listAllLedger,
    now,
  };
}

/**
 * The rectification ledger's (domain/ledger/): its items in the cases table, units, categories and the
 * calendar from the catalog, the linked complaints, and (for the functions granted it) the attachments
 * bucket the evidence is in. Each function is bound only to the tables its route declares.
 */
export function ledgerDeps(db = createDocumentClient(), env: NodeJS.ProcessEnv = process.env): LedgerDeps & EvidenceStore {
  const catalogBound = env[TABLES.catalog.envVar] !== undefined;
  const catalogTable = catalogBound ? tableName('catalog', env) : undefined;
  const units = catalogTable ? unitStore(db, catalogTable) : undefined;
  return {
    ...ledgerStore(db, tableName('cases', env)),
    ...attachmentStoreFromEnv(env),
    getCase: caseStore(db, tableName('cases', env)).getCase,
    getLedgerCategories: catalogTable ? ledgerCategoryStore(db, catalogTable).getLedgerCategories : unbound('the catalog table'),
    getUnit: units?.getUnit ?? unbound('the catalog table'),
    listUnits: units?.listUnits ?? unbound('the catalog table'),
    workingCalendar: catalogTable ? cachedWorkingCalendar(db, catalogTable) : unbound('the catalog table'),
    newId: randomUUID,
    now,
  };
}

/** The ledger's category list (catalog table). */
export function ledgerCategoryDeps(db = createDocumentClient()): LedgerCategoryStore & { now(): Date } {
  return { ...ledgerCategoryStore(db, tableName('catalog')), now };
}

/** The escalation sweeper's ledger half: owed items from the cases table's `open` index, the calendar and directory, one transaction per item across cases and the outbox. */
export function ledgerSweepDeps(db = createDocumentClient()): LedgerSweepDeps {
  return {
    openLedgerItemsDueBefore: ledgerStore(db, tableName('cases')).listOpenLedgerItems,
    loadWorkingCalendar: () => loadWorkingCalendar(db, tableName('catalog')),
    recipientsOf: directoryStore(db, tableName('catalog')).recipientsOf,
    ...ledgerEscalationStore(db, { cases: tableName('cases'), notifications: tableName('notifications') }),
    now,
  };
}

/**
 * The disclosure routes' (domain/disclosure/): the disclosures table, and where each route's declaration binds
 * them, the sources content is drawn from (catalog, tallies, cases and ledger items), the public files (the
 * site bucket's `public/` prefix, or `.local/public/`), the ballot commitment of published scores (responses,
 * reviews, catalog) and the ledger's publish transition (cases). The ports of tables a function is not bound
 * to fail only when called (never, by a handler that keeps to its route).
 */
export function disclosureDeps(db = createDocumentClient(), env: NodeJS.ProcessEnv = process.env): DisclosureDeps {
  const bound = (key: TableKey) => (env[TABLES[key].envVar] ? tableName(key, env) : undefined);
  const [catalogTable, talliesTable, casesTable] = [bound('catalog'), bound('tallies'), bound('cases')];
  const canCommit = catalogTable && bound('responses') && bound('reviews');
  const canPublishLedger = catalogTable && casesTable;
  const units = catalogTable ? unitStore(db, catalogTable) : undefined;
  const tallies = talliesTable ? tallyStore(db, talliesTable) : undefined;
  const cases = casesTable ? caseStore(db, casesTable) : undefined;
  const ledger = casesTable ? ledgerStore(db, casesTable) : undefined;
  return {
    ...disclosureStore(db, tableName('disclosures', env)),
    getPeriod: catalogTable ? catalogStore(db, catalogTable).getPeriod : unbound('the catalog table'),
    listUnits: units?.listUnits ?? unbound('the catalog table'),
    getUnit: units?.getUnit ?? unbound('the catalog table'),
    ledgerCategories: catalogTable
      ? async () => (await ledgerCategories(ledgerCategoryStore(db, catalogTable))).categories
      : unbound('the catalog table'),
    listSnapshotDays: tallies?.listSnapshotDays ?? unbound('the tallies table'),
    lastUnitSnapshot: tallies?.lastUnitSnapshot ?? unbound('the tallies table'),
    getCase: cases?.getCase ?? unbound('the cases table'),
    listUnitCases: cases?.listUnitCases ?? unbound('the cases table'),
    listCasesOfMonths: cases?.listCasesOfMonths ?? unbound('the cases table'),
    getLedgerItem: ledger?.getLedgerItem ?? unbound('the cases table'),
    // Only the functions bound to the publications bucket publish (approve, withdraw).
    publicFiles: env[BUCKETS.publications.envVar] ? publicFilesFromEnv(env) : { put: unbound('the publications bucket'), remove: unbound('the publications bucket') },
    ...(canCommit ? { commitPeriodBallots: (args: { periodId: string; publicationId: string }) => commitPeriodBallots(ballotCommitmentDeps(db), args) } : {}),
    ...(canPublishLedger
      ? {
          publishLedgerItem: async (caseId: string, by: string) => {
            await applyLedgerAction(ledgerDeps(db, env), { kind: 'staff', sub: by, supervisor: true, unitIds: [] }, caseId, { action: 'publish' });
          },
        }
      : {}),
    newId: randomUUID,
    now,
  };
}
