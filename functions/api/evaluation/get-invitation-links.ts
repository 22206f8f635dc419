import { invitationLinks } from '../../domain/evaluation/invitations';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getInvitationLinks } from '../../routes/admission';
import { invitationDeps } from '../../store/deps';

const deps = invitationDeps(undefined, true);

export const handler = httpHandler(getInvitationLinks, async ({ params }) => ok(await invitationLinks(deps, params.periodId, params.batchId)));
