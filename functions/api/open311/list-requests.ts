import { listOpen311Requests } from '../../domain/cases/open311';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { open311ListRequests } from '../../routes/open311';
import { caseDeps } from '../../store/deps';
import { open311Answers } from './open311-answer';

const deps = caseDeps();

export const handler = open311Answers(httpHandler(open311ListRequests, async ({ query }, { lang }) => ok(await listOpen311Requests(deps, query, lang))));
