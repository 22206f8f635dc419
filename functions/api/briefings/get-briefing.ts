import { getBriefing as get } from '../../domain/briefings/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getBriefing } from '../../routes/briefings';
import { briefingReadDeps } from '../../store/deps';

const deps = briefingReadDeps();

export const handler = httpHandler(getBriefing, async ({ params }) => ok(await get(deps, params.briefingId)));
