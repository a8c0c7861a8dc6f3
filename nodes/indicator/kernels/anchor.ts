import { Type } from '@sinclair/typebox';

/**
 * Calendar anchors for indicators that restart every period (anchored VWAP, pivot points,
 * volume profile, opening ranges). Periods are UTC: a day starts at 00:00 (or at `sessionStart`,
 * e.g. '22:00' for an FX trading day), a week on Monday, a month on its 1st. A bar belongs to the
 * period in which it *closes*: its event time t is its close, so the period is the one holding
 * t - 1 ms (the 1h bar opened 23:00 closes at 00:00 and still belongs to its day). pandas-ta
 * groups by the bar's open time (`index.to_period(anchor)`), which is the same period.
 */
export type Anchor = 'D' | 'W' | 'M';

const DAY = 86_400_000;
/** 1970-01-01 was a Thursday: Monday-based weeks start 3 days later. */
const MONDAY_OFFSET = 4 * DAY;

export function anchorParam(defaultValue: Anchor = 'D') {
  return Type.Union([Type.Literal('D'), Type.Literal('W'), Type.Literal('M')], {
    default: defaultValue,
    description: "Period the indicator restarts at (UTC): 'D' day, 'W' week from Monday, 'M' calendar month (pandas' period codes).",
  });
}

/** `HH:MM` (UTC) at which a session day starts; '00:00' is the calendar day. */
export function sessionStartParam() {
  return Type.String({
    pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
    default: '00:00',
    description: "UTC time a day starts at, 'HH:MM' (e.g. '22:00' for the FX trading day); weeks and months start at it too.",
  });
}

export function sessionOffsetMs(sessionStart: string): number {
  const [h, m] = sessionStart.split(':').map(Number);
  return (h * 60 + m) * 60_000;
}

/**
 * An id of the anchor period holding the event at time t (epoch ms, the bar's close): equal ids
 * mean the same period, and ids increase with time. offsetMs shifts the day start.
 */
export function periodOf(t: number, anchor: Anchor, offsetMs = 0): number {
  const x = t - 1 - offsetMs;
  if (anchor === 'D') return Math.floor(x / DAY);
  if (anchor === 'W') return Math.floor((x - MONDAY_OFFSET) / (7 * DAY));
  const d = new Date(x);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The start (epoch ms) of the anchor period holding the event at time t. */
export function periodStartOf(t: number, anchor: Anchor, offsetMs = 0): number {
  const x = t - 1 - offsetMs;
  if (anchor === 'D') return Math.floor(x / DAY) * DAY + offsetMs;
  if (anchor === 'W') return Math.floor((x - MONDAY_OFFSET) / (7 * DAY)) * 7 * DAY + MONDAY_OFFSET + offsetMs;
  const d = new Date(x);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) + offsetMs;
}
