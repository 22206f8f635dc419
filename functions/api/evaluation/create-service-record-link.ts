import { serviceRecordLink } from '../../domain/evaluation/invitations';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { createServiceRecordLink } from '../../routes/admission';
import { invitationDeps } from '../../store/deps';

const deps = invitationDeps(undefined, true);

export const handler = httpHandler(createServiceRecordLink, async ({ body }) => ok(await serviceRecordLink(deps, body)));
