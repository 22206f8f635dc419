import { tallyReport, tallyTable } from '../../domain/evaluation/tally-report';
import { toCsv } from '../../platform/csv';
import { httpHandler } from '../../platform/http';
import { fileResult } from '../../platform/results';
import { downloadTallies } from '../../routes/evaluation';
import { tallyReportDeps } from '../../store/deps';

const deps = tallyReportDeps();

export const handler = httpHandler(downloadTallies, async ({ params }, { lang }) => {
  const report = await tallyReport(deps, params.periodId);
  const filename = `${lang === 'en' ? 'tallies' : '满意度统计'}-${report.period.periodId}.csv`;
  return fileResult('text/csv; charset=utf-8', filename, toCsv(tallyTable(report, lang)));
});
