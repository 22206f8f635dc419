import type { ChainReport } from '../../../../functions/domain/audit/verify';

/**
 * What the audit page shows after a verification was continued: one report from where the first began to
 * where the last got, as if it had been one run. Kept apart from the page so that it can be tested alone.
 */

/**
 * The report of `earlier` continued by `later` (a verification `after` earlier's `verifiedThrough`): the
 * first record is earlier's, the records checked add up, and what was found, the head and the time are the
 * later one's. A `later` that does not go on where `earlier` stopped is shown as it is.
 */
export function continuedReport(earlier: ChainReport, later: ChainReport): ChainReport {
  if (later.from !== earlier.verifiedThrough + 1) return later;
  return { ...later, from: earlier.from, records: earlier.records + later.records };
}
