import { createPeriod as create } from '../../domain/evaluation/period-admin';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { createPeriod } from '../../routes/evaluation';
import { periodAdminDeps } from '../../store/deps';

const deps = periodAdminDeps();

export const handler = httpHandler(createPeriod, async ({ body }) => created(await create(deps, body)));
