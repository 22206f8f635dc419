import { getOpen311Request, requestIdOfFile } from '../../domain/cases/open311';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { open311GetRequest } from '../../routes/open311';
import { caseDeps } from '../../store/deps';
import { open311Answers } from './open311-answer';

const deps = caseDeps();

export const handler = open311Answers(
  httpHandler(open311GetRequest, async ({ params }, { lang }) => ok(await getOpen311Request(deps, requestIdOfFile(params.requestFile), lang))),
);
