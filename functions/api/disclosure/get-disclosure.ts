import { getDisclosure as get } from '../../domain/disclosure/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getDisclosure } from '../../routes/disclosure';
import { disclosureDeps } from '../../store/deps';

const deps = disclosureDeps();

export const handler = httpHandler(getDisclosure, async ({ params }) => ok(await get(deps, params.disclosureId)));
