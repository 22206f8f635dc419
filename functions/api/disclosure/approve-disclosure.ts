import { approveDisclosure as approve } from '../../domain/disclosure/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { approveDisclosure } from '../../routes/disclosure';
import { disclosureDeps } from '../../store/deps';
import { disclosureActorOf } from './actor';

const deps = disclosureDeps();

export const handler = httpHandler(approveDisclosure, async ({ params, body }, { caller }) => ok(await approve(deps, disclosureActorOf(caller), params.disclosureId, body)));
