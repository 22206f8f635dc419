import { listPeriodsWithForms } from '../../domain/evaluation/period-admin';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listPeriods } from '../../routes/evaluation';
import { periodAdminDeps } from '../../store/deps';

const deps = periodAdminDeps();

export const handler = httpHandler(listPeriods, async () => ok({ periods: await listPeriodsWithForms(deps) }));
