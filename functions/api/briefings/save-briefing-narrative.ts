import { saveBriefingNarrative as save } from '../../domain/briefings/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { saveBriefingNarrative } from '../../routes/briefings';
import { briefingReadDeps } from '../../store/deps';

const deps = briefingReadDeps();

export const handler = httpHandler(saveBriefingNarrative, async ({ params, body }) => ok(await save(deps, params.briefingId, body)));
