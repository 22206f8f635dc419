import { getCalendar as get } from '../../domain/calendar/calendar';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getCalendar } from '../../routes/calendar';
import { calendarDeps } from '../../store/deps';

const deps = calendarDeps();

export const handler = httpHandler(getCalendar, async () => ok(await get(deps)));
