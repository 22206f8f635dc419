import { listInvitationBatches as list } from '../../domain/evaluation/invitations';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listInvitationBatches } from '../../routes/admission';
import { invitationDeps } from '../../store/deps';

const deps = invitationDeps();

export const handler = httpHandler(listInvitationBatches, async ({ params }) => ok({ batches: await list(deps, params.periodId) }));
