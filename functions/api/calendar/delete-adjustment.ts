import { deleteAdjustment } from '../../domain/calendar/calendar';
import { httpHandler } from '../../platform/http';
import { deleteCalendarAdjustment } from '../../routes/calendar';
import { calendarDeps } from '../../store/deps';

const deps = calendarDeps();

export const handler = httpHandler(deleteCalendarAdjustment, async ({ params, query }) => {
  await deleteAdjustment(deps, params.date, Number(query.rev));
  // No body, so none of platform/results.ts's JSON helpers.
  return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});
