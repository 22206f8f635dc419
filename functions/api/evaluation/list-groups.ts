import { listGroups as list } from '../../domain/evaluation/period-admin';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listGroups } from '../../routes/evaluation';
import { periodAdminDeps } from '../../store/deps';

const deps = periodAdminDeps();

export const handler = httpHandler(listGroups, async () => ok({ groups: await list(deps) }));
