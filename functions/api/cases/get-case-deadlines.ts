import { getDeadlineSettings } from '../../domain/cases/deadline-settings';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getCaseDeadlines } from '../../routes/cases';
import { deadlineSettingsDeps } from '../../store/deps';

const deps = deadlineSettingsDeps();

export const handler = httpHandler(getCaseDeadlines, async () => ok(await getDeadlineSettings(deps)));
