import { setBriefingSettings as saveSettings } from '../../domain/briefings/settings';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { setBriefingSettings } from '../../routes/briefings';
import { briefingSettingsDeps } from '../../store/deps';

const deps = briefingSettingsDeps();

export const handler = httpHandler(setBriefingSettings, async ({ body }) => ok(await saveSettings(deps, body)));
