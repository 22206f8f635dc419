import { caseStatus as status } from '../../domain/cases/intake';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { caseStatus } from '../../routes/cases';
import { caseDeps } from '../../store/deps';

const deps = caseDeps();

export const handler = httpHandler(caseStatus, async ({ body }) => ok(await status(deps, body)));
