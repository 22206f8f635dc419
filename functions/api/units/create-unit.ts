import { createUnit as create } from '../../domain/units/unit';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { createUnit } from '../../routes/units';
import { unitDeps } from '../../store/deps';

const deps = unitDeps();

export const handler = httpHandler(createUnit, async ({ body: { unitId, ...input } }) => created(await create(deps, unitId, input)));
