import { createForm as create } from '../../domain/evaluation/form-admin';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { createForm } from '../../routes/evaluation';
import { formAdminDeps } from '../../store/deps';

const deps = formAdminDeps();

export const handler = httpHandler(createForm, async ({ body }) => created(await create(deps, body)));
