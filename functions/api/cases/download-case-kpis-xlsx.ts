import { kpiSheet, kpiTitle } from '../../domain/cases/kpis';
import { caseKpis } from '../../domain/cases/workflow';
import { httpHandler } from '../../platform/http';
import { fileResult } from '../../platform/results';
import { writeXlsx } from '../../platform/spreadsheet';
import { downloadCaseKpisXlsx } from '../../routes/cases';
import { caseDeps } from '../../store/deps';

const deps = caseDeps();

export const handler = httpHandler(downloadCaseKpisXlsx, async ({ query }, { lang }) => {
  const report = await caseKpis(deps, query);
  const filename = `${lang === 'en' ? 'case-kpis' : '办件指标'}-${report.from}-${report.to}.xlsx`;
  return fileResult(downloadCaseKpisXlsx.responses[0].contentType, filename, await writeXlsx({ title: kpiTitle(report, lang), sheets: [kpiSheet(report, lang)] }));
});
