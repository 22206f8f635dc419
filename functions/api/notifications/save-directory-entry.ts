import { saveDirectoryEntry as save } from '../../domain/notifications/directory';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { saveDirectoryEntry } from '../../routes/notifications';
import { directoryDeps } from '../../store/deps';

const deps = directoryDeps();

export const handler = httpHandler(saveDirectoryEntry, async ({ params, body }) => ok(await save(deps, params.entryId, body)));
