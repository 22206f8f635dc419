import { getPublishedForm } from '../../domain/evaluation/published-form';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getForm } from '../../routes/evaluation';
import { publishedFormDeps } from '../../store/deps';

const deps = publishedFormDeps();

export const handler = httpHandler(getForm, async ({ params }) => ok(await getPublishedForm(deps, params.formId)));
