import { formDetail } from '../../domain/evaluation/form-admin';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getAdminForm } from '../../routes/evaluation';
import { formAdminDeps } from '../../store/deps';

const deps = formAdminDeps();

export const handler = httpHandler(getAdminForm, async ({ params }) => ok(await formDetail(deps, params.formId)));
