import { requestAttachmentUpload } from '../../domain/cases/attachments';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { requestCaseAttachment } from '../../routes/cases';
import { attachmentDeps } from '../../store/deps';

const deps = attachmentDeps();

export const handler = httpHandler(requestCaseAttachment, async ({ body }) => created(await requestAttachmentUpload(deps, body)));
