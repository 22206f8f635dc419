import { listUnitBallots as list } from '../../domain/evaluation/review';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listUnitBallots } from '../../routes/review';
import { reviewDeps } from '../../store/deps';
import { reviewerOf } from './reviewer';

const deps = reviewDeps();

export const handler = httpHandler(listUnitBallots, async ({ params, query }, { caller }) =>
  ok(await list(deps, reviewerOf(caller), params.periodId, params.unitId, query.cursor)),
);
