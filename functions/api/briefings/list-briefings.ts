import { listBriefings as list } from '../../domain/briefings/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listBriefings } from '../../routes/briefings';
import { briefingReadDeps } from '../../store/deps';

const deps = briefingReadDeps();

export const handler = httpHandler(listBriefings, async () => ok({ briefings: await list(deps) }));
