import { publishBriefing as publish } from '../../domain/briefings/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { publishBriefing } from '../../routes/briefings';
import { briefingReadDeps } from '../../store/deps';

const deps = briefingReadDeps();

export const handler = httpHandler(publishBriefing, async ({ params, body }, { caller }) => {
  if (!caller) throw new Error('a staff briefing route without a signed-in caller');
  return ok(await publish(deps, params.briefingId, body, caller.sub));
});
