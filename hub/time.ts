// Vietnam keeps one offset all year (UTC+7, no daylight saving), so wall-clock conversion is a
// fixed shift; every time a user types or reads is Asia/Ho_Chi_Minh.
import { LocalizedError, msg } from './text/index.ts';

export const VN_OFFSET_MS = 7 * 3600_000;

/** Parses an ISO date-time; without an explicit offset it is taken as Vietnam wall time. */
export function parseVnDateTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text.trim(),
  );
  if (!m) throw new LocalizedError(msg('time.bad-format', { text }));
  const [, y, mo, d, h, mi, s, zone] = m;
  const base = Date.UTC(+y, +mo - 1, +d, +h, +mi, +(s ?? 0));
  if (Number.isNaN(base) || +mo > 12 || +d > 31 || +h > 23 || +mi > 59)
    throw new LocalizedError(msg('time.invalid', { text }));
  if (!zone) return base - VN_OFFSET_MS;
  if (zone === 'Z') return base;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return base - sign * (Number(digits.slice(0, 2)) * 3600_000 + Number(digits.slice(2)) * 60_000);
}

/** ISO 8601 in Vietnam time, e.g. 2026-11-24T06:00:00+07:00. */
export function formatVn(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return new Date(ms + VN_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+07:00');
}
