import { listReviewEvents as list } from '../../domain/evaluation/review';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listReviewEvents } from '../../routes/review';
import { reviewDeps } from '../../store/deps';
import { reviewerOf } from './reviewer';

const deps = reviewDeps();

export const handler = httpHandler(listReviewEvents, async ({ params }, { caller }) => ok({ events: await list(deps, reviewerOf(caller), params.periodId) }));
