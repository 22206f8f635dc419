import { fileBadReview as file } from '../../domain/cases/bad-review';
import { httpHandler } from '../../platform/http';
import { created, ok } from '../../platform/results';
import { fileBadReview } from '../../routes/cases';
import { badReviewDeps } from '../../store/deps';

const deps = badReviewDeps();

export const handler = httpHandler(fileBadReview, async ({ body }) => {
  const result = await file(deps, body);
  return result.cases.some((c) => c.opened) ? created(result) : ok(result);
});
