import type { Reviewer } from '../../domain/evaluation/review';
import type { Caller } from '../../platform/auth';

/**
 * The staff member as the review use cases see them: supervisors and admins see every unit; someone who is
 * only a unit handler sees their own units.
 */
export function reviewerOf(caller: Caller | undefined): Reviewer {
  if (!caller) throw new Error('a review route without a signed-in caller');
  const seesAll = caller.roles.includes('supervisor') || caller.roles.includes('admin');
  return seesAll ? { sub: caller.sub } : { sub: caller.sub, unitIds: caller.unitIds };
}
