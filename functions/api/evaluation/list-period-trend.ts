import { periodTrend, trendUnits } from '../../domain/evaluation/snapshot';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listPeriodTrend } from '../../routes/evaluation';
import { snapshotDeps } from '../../store/deps';

const deps = snapshotDeps();

export const handler = httpHandler(listPeriodTrend, async ({ query }) => ok(await periodTrend(deps, trendUnits(query))));
