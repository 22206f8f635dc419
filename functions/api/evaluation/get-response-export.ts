import { readExport } from '../../domain/evaluation/export-job';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getResponseExport } from '../../routes/evaluation';
import { exportJobDeps } from '../../store/deps';
import { exportSink } from '../../store/exports/export-store';

const deps = exportJobDeps(undefined, { sink: exportSink('exports') });

export const handler = httpHandler(getResponseExport, async ({ params }) => ok(await readExport(deps, params.periodId, params.exportId)));
