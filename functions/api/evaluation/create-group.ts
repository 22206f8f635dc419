import { createGroup as create } from '../../domain/evaluation/period-admin';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { createGroup } from '../../routes/evaluation';
import { periodAdminDeps } from '../../store/deps';

const deps = periodAdminDeps();

export const handler = httpHandler(createGroup, async ({ body }) => created(await create(deps, body)));
