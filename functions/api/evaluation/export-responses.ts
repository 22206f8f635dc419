import { exportResponses as exportPeriodResponses } from '../../domain/evaluation/response-export';
import { httpHandler } from '../../platform/http';
import { forbidden } from '../../platform/http-errors';
import { ok } from '../../platform/results';
import { exportResponses } from '../../routes/evaluation';
import { responseExportDeps } from '../../store/deps';

const deps = responseExportDeps();

// Supervisors export the figures' raw material; what citizens wrote in words stays with admins.
export const handler = httpHandler(exportResponses, async ({ params, body }, { lang, caller }) => {
  if (body.includeText && !caller?.roles.includes('admin')) throw forbidden();
  return ok(await exportPeriodResponses(deps, params.periodId, { lang, includeText: body.includeText }));
});
