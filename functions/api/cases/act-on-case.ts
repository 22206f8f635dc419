import { actOnCase as act } from '../../domain/cases/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { actOnCase } from '../../routes/cases';
import { caseDeps } from '../../store/deps';
import { staffActorOf } from './staff-actor';

const deps = caseDeps();

export const handler = httpHandler(actOnCase, async ({ params, body }, { caller }) => ok(await act(deps, staffActorOf(caller), params.caseId, body)));
