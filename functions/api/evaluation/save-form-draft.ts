import { saveDraft } from '../../domain/evaluation/form-admin';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { saveFormDraft } from '../../routes/evaluation';
import { formAdminDeps } from '../../store/deps';

const deps = formAdminDeps();

export const handler = httpHandler(saveFormDraft, async ({ params, body }) => ok(await saveDraft(deps, params.formId, body)));
