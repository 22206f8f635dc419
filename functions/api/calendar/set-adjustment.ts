import { setAdjustment } from '../../domain/calendar/calendar';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { setCalendarAdjustment } from '../../routes/calendar';
import { calendarDeps } from '../../store/deps';

const deps = calendarDeps();

export const handler = httpHandler(setCalendarAdjustment, async ({ params, body }) => ok(await setAdjustment(deps, params.date, body)));
