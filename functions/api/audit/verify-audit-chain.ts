import { verifyChain } from '../../domain/audit/verify';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { TIME_BUDGET, functionSeconds } from '../../platform/time-budget';
import { verifyAuditChain } from '../../routes/audit';
import { auditVerifyDeps } from '../../store/deps';

const deps = auditVerifyDeps();

/** What is kept back from the function's time: the last page's reads and the answer. */
const MARGIN_MS = 6_000;
/** How long a snapshot or briefing that differs from its latest chained version is given to reach the chain. */
const SETTLE_MS = 3_000;

// The admin's verification: as much of the chain as the time allows; `incomplete` says where to go on.
export const handler = httpHandler(verifyAuditChain, async ({ query }) => {
  const deadline = Date.now() + functionSeconds(verifyAuditChain) * 1000 - MARGIN_MS - SETTLE_MS - TIME_BUDGET.answerMarginMs;
  return ok(await verifyChain(deps, { afterSeq: query.after === undefined ? 0 : Number(query.after), deadline, settleMs: SETTLE_MS }));
});
