import { listFlaggedBatches as list } from '../../domain/evaluation/review';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listFlaggedBatches } from '../../routes/review';
import { reviewDeps } from '../../store/deps';

const deps = reviewDeps();

export const handler = httpHandler(listFlaggedBatches, async ({ params }) => ok({ batches: await list(deps, params.periodId) }));
