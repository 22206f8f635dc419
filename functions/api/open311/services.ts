import { open311Services as services } from '../../domain/cases/open311';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { open311Services } from '../../routes/open311';
import { open311Answers } from './open311-answer';

export const handler = open311Answers(httpHandler(open311Services, async (_input, { lang }) => ok(services(lang))));
