import { useSignal } from '@preact/signals';
import { withoutErrorsAt, type Failure } from './fields';

/**
 * A form's state: what its fields hold, what failed on its last send, and whether a send is running. `set`
 * changes fields and drops the errors at `path` (the API's field path of what changed), stale from then on;
 * `send` is a submit handler that runs one send at a time.
 */
export function useDraft<D>(empty: D) {
  const draft = useSignal<D>(empty);
  const failure = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const set = (path: string, patch: Partial<D>) => {
    draft.value = { ...draft.value, ...patch };
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, path) };
  };
  /** Submits: `run` unless a send is running, busy meanwhile, the last failure cleared first; what it throws goes to `failed`. */
  const send = async (e: Event, run: () => Promise<void>, failed: (err: unknown) => void) => {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    failure.value = undefined;
    try {
      await run();
    } catch (err) {
      failed(err);
    } finally {
      busy.value = false;
    }
  };
  return { draft, failure, busy, set, send };
}
