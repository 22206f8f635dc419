import { withdrawDisclosure as withdraw } from '../../domain/disclosure/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { withdrawDisclosure } from '../../routes/disclosure';
import { disclosureDeps } from '../../store/deps';
import { disclosureActorOf } from './actor';

const deps = disclosureDeps();

export const handler = httpHandler(withdrawDisclosure, async ({ params, body }, { caller }) => ok(await withdraw(deps, disclosureActorOf(caller), params.disclosureId, body)));
