import { submitResponse as submit } from '../../domain/evaluation/response';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { submitResponse } from '../../routes/evaluation';
import { submitDeps } from '../../store/deps';

const deps = submitDeps();

export const handler = httpHandler(submitResponse, async ({ body }) => created(await submit(deps, body)));
