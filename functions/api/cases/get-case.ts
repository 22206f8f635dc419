import { getCase as get } from '../../domain/cases/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getCase } from '../../routes/cases';
import { caseDeps } from '../../store/deps';
import { staffActorOf } from './staff-actor';

const deps = caseDeps();

export const handler = httpHandler(getCase, async ({ params }, { caller }) => ok(await get(deps, staffActorOf(caller), params.caseId)));
