import { kpiTable } from '../../domain/cases/kpis';
import { caseKpis } from '../../domain/cases/workflow';
import { toCsv } from '../../platform/csv';
import { httpHandler } from '../../platform/http';
import { fileResult } from '../../platform/results';
import { downloadCaseKpis } from '../../routes/cases';
import { caseDeps } from '../../store/deps';

const deps = caseDeps();

export const handler = httpHandler(downloadCaseKpis, async ({ query }, { lang }) => {
  const report = await caseKpis(deps, query);
  const filename = `${lang === 'en' ? 'case-kpis' : '办件指标'}-${report.from}-${report.to}.csv`;
  return fileResult('text/csv; charset=utf-8', filename, toCsv(kpiTable(report, lang)));
});
