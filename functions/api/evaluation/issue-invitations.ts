import { issueInvitations as issue } from '../../domain/evaluation/invitations';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { issueInvitations } from '../../routes/admission';
import { invitationDeps } from '../../store/deps';

const deps = invitationDeps();

export const handler = httpHandler(issueInvitations, async ({ params, body }, { caller }) =>
  created(await issue(deps, caller!.sub, params.periodId, body)),
);
