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
import { responseStore } from './evaluation/response-store';
import { reviewStore } from './evaluation/review-store';
import { cachedSubmissionContext } from './evaluation/submission-context';
import { tallyStore } from './evaluation/tally-store';
import { TABLES } from './tables';
import { exportSink, type ExportSink } from './exports/export-store';
import { csvChunks } from '../platform/csv';
import { unitStore } from './units/unit-store';

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
  const unbound = (what: string) => () => Promise.reject(new Error(`this function is not bound to ${what}`));
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
    readCounters: counters.readCounters,
    hotDays: counters.hotDays,
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
  return { getPeriod, getFormVersion, listGroups, hotDays, arrive, markHot, addOnce };
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
 * bucket (S3 on AWS, a folder under `.local/` locally: store/exports/export-store.ts) written as CSV.
 */
export function responseExportDeps(db = createDocumentClient(), sink: ExportSink = exportSink('exports')): ResponseExportDeps {
  const catalogTable = catalogStore(db, tableName('catalog'));
  const responses = responseStore(db, tableName('responses'));
  return {
    getPeriod: catalogTable.getPeriod,
    async periodFormVersions(periodId) {
      const forms = await catalogTable.listFormsOfPeriod(periodId);
      return (await Promise.all(forms.map((f) => catalogTable.listFormVersions(f.formId)))).flat();
    },
    periodItemPages: (periodId) => responses.periodItemPages(periodId),
    saveExport: (filename, pages) => sink.save(filename, 'text/csv; charset=utf-8', csvChunks(pages)),
    newExportKey: () => randomBytes(32),
    now,
  };
}
