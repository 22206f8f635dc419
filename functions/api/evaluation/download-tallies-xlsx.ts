import { tallyReport } from '../../domain/evaluation/tally-report';
import { tallyWorkbook } from '../../domain/evaluation/tally-workbook';
import { httpHandler } from '../../platform/http';
import { fileResult } from '../../platform/results';
import { writeXlsx } from '../../platform/spreadsheet';
import { downloadTalliesXlsx } from '../../routes/evaluation';
import { tallyReportDeps } from '../../store/deps';

const deps = tallyReportDeps();

export const handler = httpHandler(downloadTalliesXlsx, async ({ params }, { lang }) => {
  const report = await tallyReport(deps, params.periodId);
  const filename = `${lang === 'en' ? 'tallies' : '满意度统计'}-${report.period.periodId}.xlsx`;
  return fileResult(downloadTalliesXlsx.responses[0].contentType, filename, await writeXlsx(tallyWorkbook(report, lang)));
});
