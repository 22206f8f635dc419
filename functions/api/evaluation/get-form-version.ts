import { getFormVersion as get } from '../../domain/evaluation/form-admin';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getFormVersion } from '../../routes/evaluation';
import { formAdminDeps } from '../../store/deps';

const deps = formAdminDeps();

export const handler = httpHandler(getFormVersion, async ({ params }) => ok(await get(deps, params.formId, params.version)));
