/**
 * Calendar days and months in the user's time zone, the periods daily and monthly limits
 * count in. Formatters are costly to build and cheap to use, so one is kept per zone.
 */

export interface CalendarPeriods {
  /** `YYYY-MM-DD` */
  day: string;
  /** `YYYY-MM` */
  month: string;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows this IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function localTime(now: number, timeZone: string): LocalTime {
  const out: LocalTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(now)) {
    if (part.type in out) out[part.type as keyof LocalTime] = Number(part.value);
  }
  return out;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * Every zone in use today is offset from UTC by whole minutes, so local days begin on a UTC
 * minute and the periods of one minute are those of its first millisecond: the last answer is
 * kept, which spares the formatter on all but the first call of each minute.
 */
let last: { timeZone: string; minute: number; periods: CalendarPeriods } | undefined;

export function periodsOf(now: number, timeZone: string): CalendarPeriods {
  const minute = Math.floor(now / 60_000);
  if (last && last.minute === minute && last.timeZone === timeZone) return last.periods;
  const t = localTime(now, timeZone);
  const month = `${String(t.year).padStart(4, '0')}-${pad(t.month)}`;
  const periods = { day: `${month}-${pad(t.day)}`, month };
  last = { timeZone, minute, periods };
  return periods;
}

/**
 * Whole seconds until the next local midnight, at least 1: the Retry-After of a daily limit.
 * The zone's current UTC offset is assumed to hold until then; a DST change that night makes
 * the hint an hour off, which a retry hint can bear.
 */
export function secondsUntilNextDay(now: number, timeZone: string): number {
  const t = localTime(now, timeZone);
  const wholeSecond = Math.floor(now / 1000) * 1000;
  const offset = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - wholeSecond;
  const nextMidnight = Date.UTC(t.year, t.month - 1, t.day + 1) - offset;
  return Math.max(1, Math.ceil((nextMidnight - now) / 1000));
}
