import { runRecount } from '../../domain/evaluation/recount';
import { tallyPeriod } from '../../domain/evaluation/tally';
import { NotFoundError } from '../../domain/errors';
import { httpHandler } from '../../platform/http';
import { reportRecounts } from '../../platform/recount-report';
import { ok } from '../../platform/results';
import { recountPeriod } from '../../routes/evaluation';
import { createDocumentClient } from '../../store/client';
import { recountDeps, runTallyDeps } from '../../store/deps';

const db = createDocumentClient();
const deps = recountDeps(db);
const tallyDeps = runTallyDeps(db);

// The recount of one period on demand: the nightly job's work (runRecount), its record the answer.
export const handler = httpHandler(recountPeriod, async ({ params }) => {
  const period = await deps.getPeriod(params.periodId);
  if (!period) throw new NotFoundError('period', params.periodId);
  const records = await runRecount(deps, (p) => tallyPeriod(tallyDeps, p), period);
  reportRecounts(records);
  return ok(records[0]);
});
