import { closeForm as close } from '../../domain/evaluation/form-admin';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { closeForm } from '../../routes/evaluation';
import { formAdminDeps } from '../../store/deps';

const deps = formAdminDeps();

export const handler = httpHandler(closeForm, async ({ params, body }) => ok(await close(deps, params.formId, body)));
