import { DeleteCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { calendarFacts, ZAdjustment, ZYearSchedule, type Adjustment, type OfficialYear, type YearSchedule } from '../../domain/calendar/calendar';
import { workingCalendar, type WorkingCalendar } from '../../domain/working-days';
import { conflictOf, fromItem, itemsOf, type Item } from '../items';
import { packageYears } from './package-calendar';

/**
 * The admin's calendar entries live in the catalog table (store/tables.ts), one small partition read
 * whole by every deadline computation (a few dozen adjustments, a handful of years):
 *
 * | entity                | pk         | sk                        |
 * |-----------------------|------------|---------------------------|
 * | local adjustment      | `CALENDAR` | `ADJUSTMENT#<YYYY-MM-DD>` |
 * | a year's schedule     | `CALENDAR` | `YEAR#<YYYY>`             |
 */
const CALENDAR = 'CALENDAR';
const ADJUSTMENT = 'ADJUSTMENT#';
const YEAR = 'YEAR#';
const adjustmentKey = (date: string) => ({ pk: CALENDAR, sk: `${ADJUSTMENT}${date}` });
const yearKey = (year: number) => ({ pk: CALENDAR, sk: `${YEAR}${year}` });

/** The package's schedules, converted once per cold start. */
let packaged: OfficialYear[] | undefined;
/** The official schedules chinese-days ships (store/calendar/package-calendar.ts), by year. */
export const packagedYears = (): OfficialYear[] => (packaged ??= packageYears());

/** Reads and writes the admin's calendar entries. */
export function calendarStore(db: DynamoDBDocumentClient, table: string) {
  const items = itemsOf(db, table);
  return {
    /** Every adjustment and entered year, in one Query of the calendar's partition. */
    async listCalendar(): Promise<{ adjustments: Adjustment[]; years: YearSchedule[] }> {
      const adjustments: Adjustment[] = [];
      const years: YearSchedule[] = [];
      const pages = paginateQuery({ client: db }, { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': CALENDAR } });
      for await (const page of pages) {
        for (const item of (page.Items ?? []) as Item[]) {
          const sk = String(item.sk);
          if (sk.startsWith(ADJUSTMENT)) adjustments.push(fromItem(ZAdjustment, item) as Adjustment);
          else if (sk.startsWith(YEAR)) years.push(fromItem(ZYearSchedule, item) as YearSchedule);
        }
      }
      return { adjustments, years };
    },

    getAdjustment: (date: string): Promise<Adjustment | undefined> => items.get(adjustmentKey(date), ZAdjustment),
    createAdjustment: (adjustment: Adjustment) => items.create(adjustmentKey(adjustment.date), ZAdjustment.parse(adjustment), adjustment.date),
    replaceAdjustment: (adjustment: Adjustment, expectedRev: number) => items.replace(adjustmentKey(adjustment.date), ZAdjustment.parse(adjustment), expectedRev),

    /** Deletes an adjustment still at revision `expectedRev`; ConflictError('staleRevision') otherwise. */
    async deleteAdjustment(date: string, expectedRev: number): Promise<void> {
      try {
        await db.send(
          new DeleteCommand({ TableName: table, Key: adjustmentKey(date), ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } }),
        );
      } catch (error) {
        conflictOf(error, 'staleRevision', { rev: expectedRev });
      }
    },

    getYear: (year: number): Promise<YearSchedule | undefined> => items.get(yearKey(year), ZYearSchedule),
    createYear: (schedule: YearSchedule) => items.create(yearKey(schedule.year), ZYearSchedule.parse(schedule), String(schedule.year)),
    replaceYear: (schedule: YearSchedule, expectedRev: number) => items.replace(yearKey(schedule.year), ZYearSchedule.parse(schedule), expectedRev),
  };
}

export type CalendarStore = ReturnType<typeof calendarStore>;

/**
 * The working calendar as of now: chinese-days' schedules, each year an admin entered replacing the
 * package's, and the local adjustments over both. Reads the calendar partition once per call; a caller
 * that counts many deadlines keeps the result for a few minutes (store/deps.ts does).
 */
export async function loadWorkingCalendar(db: DynamoDBDocumentClient, table: string): Promise<WorkingCalendar> {
  const { adjustments, years } = await calendarStore(db, table).listCalendar();
  return workingCalendar(calendarFacts(packagedYears(), years, adjustments));
}
