import { publishForm as publish } from '../../domain/evaluation/form-admin';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { publishForm } from '../../routes/evaluation';
import { formAdminDeps } from '../../store/deps';

const deps = formAdminDeps();

export const handler = httpHandler(publishForm, async ({ params, body }) => ok(await publish(deps, params.formId, body)));
