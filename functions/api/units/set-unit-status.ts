import { setUnitStatus as setStatus } from '../../domain/units/unit';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { setUnitStatus } from '../../routes/units';
import { unitDeps } from '../../store/deps';

const deps = unitDeps();

export const handler = httpHandler(setUnitStatus, async ({ params, body }) => ok(await setStatus(deps, params.unitId, body)));
