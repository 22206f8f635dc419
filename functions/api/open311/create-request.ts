import { createOpen311Request } from '../../domain/cases/open311';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { open311CreateRequest } from '../../routes/open311';
import { intakeDeps } from '../../store/deps';
import { open311Answers } from './open311-answer';

const deps = intakeDeps();

export const handler = open311Answers(httpHandler(open311CreateRequest, async ({ body }, { lang }) => created(await createOpen311Request(deps, body, lang))));
