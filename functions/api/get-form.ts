import { getPublishedForm } from '../domain/published-form';
import { httpHandler } from '../platform/http';
import { ok } from '../platform/results';
import { catalogDeps } from '../store/deps';

const deps = catalogDeps();

export const handler = httpHandler('getForm', async ({ params }) => ok(await getPublishedForm(deps, params.formId)));
