import { proposeDisclosure as propose } from '../../domain/disclosure/workflow';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { proposeDisclosure } from '../../routes/disclosure';
import { disclosureDeps } from '../../store/deps';
import { disclosureActorOf } from './actor';

const deps = disclosureDeps();

export const handler = httpHandler(proposeDisclosure, async ({ body }, { caller }) => created(await propose(deps, disclosureActorOf(caller), body)));
