import { setYearSchedule } from '../../domain/calendar/calendar';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { setCalendarYear } from '../../routes/calendar';
import { calendarDeps } from '../../store/deps';

const deps = calendarDeps();

export const handler = httpHandler(setCalendarYear, async ({ params, body }) => ok(await setYearSchedule(deps, Number(params.year), body)));
