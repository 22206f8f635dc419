import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError } from '../api';
import { failureOf, type Failure } from './fields';

/**
 * A read a page shows (a list, a report): read when the page mounts and again on `load()` (a filter applied,
 * a reload), busy while it runs, its data kept until a read succeeds, and what went wrong as a form shows it.
 */
export function useLoad<T>(read: () => Promise<T>) {
  const data = useSignal<T | undefined>(undefined);
  const failure = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const load = async () => {
    busy.value = true;
    failure.value = undefined;
    try {
      data.value = await read();
    } catch (err) {
      failure.value = failureOf(err);
    } finally {
      busy.value = false;
    }
  };
  useEffect(() => {
    void load();
  }, []);
  return { data, failure, busy, load };
}

/**
 * The one thing a staff page is about (a case, a ledger item), read by `load()`: kept until a read succeeds;
 * a read that fails says `notFound` for an id that names nothing (404, or 400 for one not well formed), any
 * other failure by its message.
 */
export function useRecord<T>(read: () => Promise<T>, notFound: string) {
  const data = useSignal<T | undefined>(undefined);
  const problem = useSignal<string | undefined>(undefined);
  const load = async () => {
    try {
      data.value = await read();
      problem.value = undefined;
    } catch (err) {
      problem.value = err instanceof ApiError && (err.status === 404 || err.status === 400) ? notFound : failureOf(err).message;
    }
  };
  return { data, problem, load };
}
