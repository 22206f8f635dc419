import { draftBriefing as draft } from '../../domain/briefings/workflow';
import { httpHandler } from '../../platform/http';
import { created, ok } from '../../platform/results';
import { draftBriefing } from '../../routes/briefings';
import { briefingDeps } from '../../store/deps';

const deps = briefingDeps();

export const handler = httpHandler(draftBriefing, async ({ body }) => {
  const { briefing, created: isNew } = await draft(deps, body);
  return isNew ? created(briefing) : ok(briefing);
});
