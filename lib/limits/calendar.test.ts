import { describe, expect, it } from 'vitest';
import { isTimeZone, periodsOf, secondsUntilNextDay } from './calendar';

describe('calendar periods', () => {
  const instant = Date.parse('2026-03-01T02:30:00Z');

  it('names the local day and month of an instant', () => {
    expect(periodsOf(instant, 'UTC')).toEqual({ day: '2026-03-01', month: '2026-03' });
    // Still the last day of February in New York (UTC-5).
    expect(periodsOf(instant, 'America/New_York')).toEqual({ day: '2026-02-28', month: '2026-02' });
    // Already later on 1 March in Tokyo.
    expect(periodsOf(instant, 'Asia/Tokyo')).toEqual({ day: '2026-03-01', month: '2026-03' });
  });

  it('counts the seconds to the next local midnight', () => {
    expect(secondsUntilNextDay(Date.parse('2026-03-01T23:59:30Z'), 'UTC')).toBe(30);
    // 21:30 in New York: two and a half hours to go.
    expect(secondsUntilNextDay(instant, 'America/New_York')).toBe(2.5 * 3600);
    expect(secondsUntilNextDay(Date.parse('2026-03-01T00:00:00Z'), 'UTC')).toBe(86_400);
  });

  it('knows real zones from typos', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
