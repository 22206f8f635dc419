import { updateGroup as update } from '../../domain/evaluation/period-admin';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { updateGroup } from '../../routes/evaluation';
import { periodAdminDeps } from '../../store/deps';

const deps = periodAdminDeps();

export const handler = httpHandler(updateGroup, async ({ params, body }) => ok(await update(deps, params.groupId, body)));
