import { submitResponse as submit, type SubmitResponseDeps } from '../../domain/evaluation/response';
import { AdmissionRefusedError, ConflictError } from '../../domain/errors';
import { httpHandler } from '../../platform/http';
import { METRIC } from '../../platform/metric-names';
import { count } from '../../platform/metrics';
import { created } from '../../platform/results';
import { submitResponse } from '../../routes/evaluation';
import { submitDeps } from '../../store/deps';

const store = submitDeps();
// The write's outcome is counted: a response stored, or a ballot met again (a retry, or a token's reuse).
const deps: SubmitResponseDeps = {
  ...store,
  putResponseOnce: async (response) => {
    const result = await store.putResponseOnce(response);
    count(result.stored ? METRIC.responsesStored : METRIC.duplicateSubmissions);
    return result;
  },
};

export const handler = httpHandler(submitResponse, async ({ body }, { client }) => {
  try {
    return created(await submit(deps, body, client));
  } catch (error) {
    // Refused tokens and reused ones are what a stuffing attempt looks like: counted, so an alarm can see it.
    if (error instanceof AdmissionRefusedError) count(METRIC.ballotsRefused);
    if (error instanceof ConflictError && error.reason === 'tokenUsed') count(METRIC.tokensReused);
    throw error;
  }
});
