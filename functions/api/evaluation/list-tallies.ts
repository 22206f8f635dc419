import { tallyReport } from '../../domain/evaluation/tally-report';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listTallies } from '../../routes/evaluation';
import { tallyReportDeps } from '../../store/deps';

const deps = tallyReportDeps();

export const handler = httpHandler(listTallies, async ({ params }) => ok(await tallyReport(deps, params.periodId)));
