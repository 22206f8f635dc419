import { submitResponse as submit, type SubmitResponseDeps } from '../../domain/evaluation/response';
import { httpHandler } from '../../platform/http';
import { METRIC } from '../../platform/metric-names';
import { count } from '../../platform/metrics';
import { created } from '../../platform/results';
import { submitResponse } from '../../routes/evaluation';
import { submitDeps } from '../../store/deps';

const store = submitDeps();
// The write's outcome is counted: a response stored, or a submission id met again (a retry, or a reuse).
const deps: SubmitResponseDeps = {
  ...store,
  putResponseOnce: async (response) => {
    const result = await store.putResponseOnce(response);
    count(result.stored ? METRIC.responsesStored : METRIC.duplicateSubmissions);
    return result;
  },
};

export const handler = httpHandler(submitResponse, async ({ body }) => created(await submit(deps, body)));
