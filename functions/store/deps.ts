import { randomUUID } from 'node:crypto';
import type { FormAdminDeps } from '../domain/evaluation/form-admin';
import type { PeriodAdminDeps } from '../domain/evaluation/period-admin';
import type { PublishedFormDeps } from '../domain/evaluation/published-form';
import type { SubmitResponseDeps } from '../domain/evaluation/response';
import type { RunTallyDeps } from '../domain/evaluation/tally';
import type { TallyReportDeps } from '../domain/evaluation/tally-report';
import type { ImportDeps } from '../domain/units/unit-import';
import type { UnitDeps } from '../domain/units/unit';
import { createDocumentClient, tableName } from './client';
import { catalogStore } from './evaluation/catalog-store';
import { responseStore } from './evaluation/response-store';
import { cachedSubmissionContext } from './evaluation/submission-context';
import { tallyStore } from './evaluation/tally-store';
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
  return {
    loadSubmissionContext: cachedSubmissionContext(catalogStore(db, tableName('catalog'))),
    putResponseOnce: responseStore(db, tableName('responses')).putResponseOnce,
    newId: randomUUID,
    now,
  };
}

export function tallyReportDeps(db = createDocumentClient()): TallyReportDeps {
  return { ...catalog(db), ...tallyStore(db, tableName('tallies')) };
}

export function runTallyDeps(db = createDocumentClient()): RunTallyDeps {
  const { listPeriods, getFormVersion } = catalogStore(db, tableName('catalog'));
  return {
    listPeriods,
    getFormVersion,
    ...tallyStore(db, tableName('tallies')),
    periodBallots: responseStore(db, tableName('responses')).periodBallots,
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
