/**
 * The time zone the platform's users live by (China Standard Time, UTC+8, no daylight saving): periods
 * open and close at its midnights, and pages show times in it whatever zone the device is set to.
 */
export const TIME_ZONE = 'Asia/Shanghai';
export const TIME_ZONE_OFFSET = '+08:00';
