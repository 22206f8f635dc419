import { editDisclosure as edit } from '../../domain/disclosure/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { editDisclosure } from '../../routes/disclosure';
import { disclosureDeps } from '../../store/deps';
import { disclosureActorOf } from './actor';

const deps = disclosureDeps();

export const handler = httpHandler(editDisclosure, async ({ params, body }, { caller }) => ok(await edit(deps, disclosureActorOf(caller), params.disclosureId, body)));
