import { listPublishedForms } from '../../domain/evaluation/published-form';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listForms } from '../../routes/evaluation';
import { publishedFormDeps } from '../../store/deps';

const deps = publishedFormDeps();

export const handler = httpHandler(listForms, async () => ok({ forms: await listPublishedForms(deps) }));
