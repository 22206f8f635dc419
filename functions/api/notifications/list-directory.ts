import { listDirectory } from '../../domain/notifications/directory';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listNotificationDirectory } from '../../routes/notifications';
import { directoryDeps } from '../../store/deps';

const deps = directoryDeps();

export const handler = httpHandler(listNotificationDirectory, async () => ok(await listDirectory(deps)));
