import { updateUnit as update } from '../../domain/units/unit';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { updateUnit } from '../../routes/units';
import { unitDeps } from '../../store/deps';

const deps = unitDeps();

export const handler = httpHandler(updateUnit, async ({ params, body }) => ok(await update(deps, params.unitId, body)));
