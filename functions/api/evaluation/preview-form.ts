import { previewForm as preview } from '../../domain/evaluation/published-form';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { previewForm } from '../../routes/evaluation';
import { publishedFormDeps } from '../../store/deps';

const deps = publishedFormDeps();

export const handler = httpHandler(previewForm, async ({ params }) => ok(await preview(deps, params.formId)));
