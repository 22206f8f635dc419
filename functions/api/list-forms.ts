import { listPublishedForms } from '../domain/published-form';
import { httpHandler } from '../platform/http';
import { ok } from '../platform/results';
import { catalogDeps } from '../store/deps';

const deps = catalogDeps();

export const handler = httpHandler('listForms', async () => ok({ forms: await listPublishedForms(deps) }));
