import { updatePeriod as update } from '../../domain/evaluation/period-admin';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { updatePeriod } from '../../routes/evaluation';
import { periodAdminDeps } from '../../store/deps';

const deps = periodAdminDeps();

export const handler = httpHandler(updatePeriod, async ({ params, body }) => ok(await update(deps, params.periodId, body)));
