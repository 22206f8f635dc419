import { COMMON_MESSAGES, type Message } from '../messages';

/** The messages of the working-day calendar's rules, in both languages (API answers and admin pages). */
export const CALENDAR_MESSAGES = {
  badDate: { 'zh-CN': '日期应为 YYYY-MM-DD 格式的有效日期。', en: 'Must be a real date written YYYY-MM-DD.' },
  badYear: { 'zh-CN': '年份应在 {min} 至 {max} 之间。', en: 'The year must be between {min} and {max}.' },
  badRev: { 'zh-CN': '版本号应为正整数。', en: 'The revision must be a whole number of at least 1.' },
  outsideYear: { 'zh-CN': '日期 {date} 不在 {year} 年内。', en: 'The date {date} is not in {year}.' },
  duplicateDate: { 'zh-CN': '日期 {date} 在本列表中重复。', en: 'The date {date} appears twice in this list.' },
  inBothLists: {
    'zh-CN': '日期 {date} 不能既是放假日又是调休上班日。',
    en: 'The date {date} cannot be both a holiday and a make-up working day.',
  },
  workdayNotWeekend: {
    'zh-CN': '调休上班日 {date} 应为周六或周日（工作日本来就上班）。',
    en: 'The make-up working day {date} must be a Saturday or Sunday (a weekday is a working day anyway).',
  },
  ...COMMON_MESSAGES,
} as const satisfies Record<string, Message>;
