import { submitResponse } from '../domain/response';
import { httpHandler } from '../platform/http';
import { created } from '../platform/results';
import { submitDeps } from '../store/deps';

const deps = submitDeps();

export const handler = httpHandler('submitResponse', async ({ body }) => created(await submitResponse(deps, body)));
