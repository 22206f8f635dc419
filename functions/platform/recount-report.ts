import type { RecountRecord } from '../domain/evaluation/recount';
import { logger } from './logger';
import { METRIC } from './metric-names';
import { count, countForService } from './metrics';

/**
 * Logs and counts recounts (domain/evaluation/recount.ts), the nightly job's and the admin's on demand
 * alike: ids and counts only (a record holds nothing a respondent gave). A repaired difference is logged as
 * an error naming the period and its units, and counted with the `service` dimension only
 * (RecountMismatches), so the alarm on it fires whichever function recounted.
 */
export function reportRecounts(records: readonly RecountRecord[]): void {
  for (const record of records) {
    const fields = {
      periodId: record.periodId,
      periodRev: record.periodRev,
      status: record.status,
      ballots: record.ballots,
      unitsDiffering: record.unitsDiffering,
      countersDiffering: record.countersDiffering,
    };
    if (record.status === 'repaired') {
      const units = record.unitsDiffering.join(', ') || 'none (period totals only)';
      logger.error(`recount: the counters of period ${record.periodId} differed from its raw ballots and were repaired; units ${units}`, fields);
    } else if (record.status === 'busy') {
      logger.warn(`recount: period ${record.periodId} was being counted while it was read; nothing changed, the next recount tries again`, fields);
    } else {
      logger.info('recount matched', fields);
    }
    // Written only when something differed: the alarm treats no data as no mismatch.
    if (record.countersDiffering > 0) countForService(METRIC.recountMismatches, record.countersDiffering);
  }
  count(METRIC.recountPeriods, records.length);
  count(METRIC.recountBusy, records.filter((r) => r.status === 'busy').length);
}
