import type { DisclosureActor } from '../../domain/disclosure/ports';
import type { Caller } from '../../platform/auth';

/** The signed-in supervisor (or admin) as the disclosure use cases record them: by subject. */
export function disclosureActorOf(caller: Caller | undefined): DisclosureActor {
  if (!caller) throw new Error('a disclosure route without a signed-in caller');
  return { sub: caller.sub };
}
