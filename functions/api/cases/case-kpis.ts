import { caseKpis as kpis } from '../../domain/cases/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { caseKpis } from '../../routes/cases';
import { caseDeps } from '../../store/deps';

const deps = caseDeps();

export const handler = httpHandler(caseKpis, async ({ query }) => ok(await kpis(deps, query)));
