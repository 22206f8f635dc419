import type { StaffActor } from '../../domain/cases/workflow';
import type { Caller } from '../../platform/auth';

/**
 * The staff member as the case use cases see them: supervisors and admins see and steer every case;
 * someone who is only a unit handler acts on their own units' cases.
 */
export function staffActorOf(caller: Caller | undefined): StaffActor {
  if (!caller) throw new Error('a staff case route without a signed-in caller');
  const supervisor = caller.roles.includes('supervisor') || caller.roles.includes('admin');
  return { kind: 'staff', sub: caller.sub, supervisor, unitIds: caller.unitIds };
}
