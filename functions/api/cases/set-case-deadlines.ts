import { setDeadlineSettings } from '../../domain/cases/deadline-settings';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { setCaseDeadlines } from '../../routes/cases';
import { deadlineSettingsDeps } from '../../store/deps';

const deps = deadlineSettingsDeps();

export const handler = httpHandler(setCaseDeadlines, async ({ body }) => ok(await setDeadlineSettings(deps, body)));
