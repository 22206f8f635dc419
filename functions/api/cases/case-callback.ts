import { citizenCallback } from '../../domain/cases/intake';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { caseCallback } from '../../routes/cases';
import { caseDeps } from '../../store/deps';

const deps = caseDeps();

export const handler = httpHandler(caseCallback, async ({ body }) => ok(await citizenCallback(deps, body)));
