import { reviewBatch } from '../../domain/evaluation/review';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { reviewFlaggedBatch } from '../../routes/review';
import { reviewDeps } from '../../store/deps';
import { reviewerOf } from './reviewer';

const deps = reviewDeps();

export const handler = httpHandler(reviewFlaggedBatch, async ({ params, body }, { caller }) =>
  ok(await reviewBatch(deps, reviewerOf(caller), params.periodId, params.batchId, body)),
);
