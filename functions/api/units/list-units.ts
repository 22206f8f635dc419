import { listUnits as list } from '../../domain/units/unit';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listUnits } from '../../routes/units';
import { unitDeps } from '../../store/deps';

const deps = unitDeps();

export const handler = httpHandler(listUnits, async () => ok({ units: await list(deps) }));
