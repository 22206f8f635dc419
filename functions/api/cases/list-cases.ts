import { listCases as list } from '../../domain/cases/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listCases } from '../../routes/cases';
import { caseDeps } from '../../store/deps';
import { staffActorOf } from './staff-actor';

const deps = caseDeps();

export const handler = httpHandler(listCases, async ({ query }, { caller }) => ok({ cases: await list(deps, staffActorOf(caller), query) }));
