import { getBriefingSettings as readSettings } from '../../domain/briefings/settings';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getBriefingSettings } from '../../routes/briefings';
import { briefingSettingsDeps } from '../../store/deps';

const deps = briefingSettingsDeps();

export const handler = httpHandler(getBriefingSettings, async () => ok(await readSettings(deps)));
