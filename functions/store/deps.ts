import { randomUUID } from 'node:crypto';
import type { PublishedFormDeps } from '../domain/published-form';
import type { SubmitResponseDeps } from '../domain/response';
import type { RunTallyDeps } from '../domain/tally';
import type { TallyReportDeps } from '../domain/tally-report';
import { catalogStore } from './catalog-store';
import { createDocumentClient, tableName } from './client';
import { responseStore } from './response-store';
import { tallyStore } from './tally-store';

/**
 * The domain's ports wired to DynamoDB, one factory per use case. A handler calls its factory once at
 * module scope: the client is made once per cold start, and a missing table binding fails right there.
 */
const now = () => new Date();

export function catalogDeps(db = createDocumentClient()): PublishedFormDeps {
  return { ...catalogStore(db, tableName('catalog')), now };
}

export function submitDeps(db = createDocumentClient()): SubmitResponseDeps {
  const catalog = catalogStore(db, tableName('catalog'));
  const responses = responseStore(db, tableName('responses'));
  return {
    loadFormAndPeriod: catalog.loadFormAndPeriod,
    putResponseOnce: responses.putResponseOnce,
    newId: randomUUID,
    now,
  };
}

export function tallyReportDeps(db = createDocumentClient()): TallyReportDeps {
  return { ...catalogStore(db, tableName('catalog')), ...tallyStore(db, tableName('tallies')) };
}

export function runTallyDeps(db = createDocumentClient()): RunTallyDeps {
  const catalog = catalogStore(db, tableName('catalog'));
  return {
    listForms: catalog.listForms,
    getPeriod: catalog.getPeriod,
    ...tallyStore(db, tableName('tallies')),
    unitBallots: responseStore(db, tableName('responses')).unitBallots,
    now,
  };
}
