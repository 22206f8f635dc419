import { listAppeals as list } from '../../domain/evaluation/review';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listAppeals } from '../../routes/review';
import { reviewDeps } from '../../store/deps';
import { reviewerOf } from './reviewer';

const deps = reviewDeps();

export const handler = httpHandler(listAppeals, async ({ params }, { caller }) => ok({ appeals: await list(deps, reviewerOf(caller), params.periodId) }));
