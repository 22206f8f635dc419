import { periodSnapshots, trendUnits } from '../../domain/evaluation/snapshot';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listSnapshots } from '../../routes/evaluation';
import { snapshotDeps } from '../../store/deps';

const deps = snapshotDeps();

export const handler = httpHandler(listSnapshots, async ({ params, query }) => ok(await periodSnapshots(deps, params.periodId, trendUnits(query))));
