import { decideAppeal as decide } from '../../domain/evaluation/review';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { decideAppeal } from '../../routes/review';
import { reviewDeps } from '../../store/deps';
import { reviewerOf } from './reviewer';

const deps = reviewDeps();

export const handler = httpHandler(decideAppeal, async ({ params, body }, { caller }) =>
  ok(await decide(deps, reviewerOf(caller), params.periodId, params.appealId, body)),
);
