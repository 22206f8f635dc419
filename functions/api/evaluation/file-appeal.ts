import { fileAppeal as file } from '../../domain/evaluation/review';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { fileAppeal } from '../../routes/review';
import { reviewDeps } from '../../store/deps';
import { reviewerOf } from './reviewer';

const deps = reviewDeps();

export const handler = httpHandler(fileAppeal, async ({ params, body }, { caller }) => created(await file(deps, reviewerOf(caller), params.periodId, body)));
