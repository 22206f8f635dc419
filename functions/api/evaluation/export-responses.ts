import { requestExport } from '../../domain/evaluation/export-job';
import { httpHandler } from '../../platform/http';
import { forbidden } from '../../platform/http-errors';
import { accepted } from '../../platform/results';
import { exportResponses } from '../../routes/evaluation';
import { exportRequestDeps } from '../../store/deps';

const deps = exportRequestDeps();

// Supervisors export the figures' raw material; what citizens wrote in words stays with admins.
export const handler = httpHandler(exportResponses, async ({ params, body }, { lang, caller }) => {
  if (body.includeText && !caller?.roles.includes('admin')) throw forbidden();
  return accepted(await requestExport(deps, params.periodId, { includeText: body.includeText, lang, requestedBy: caller?.sub ?? '' }));
});
