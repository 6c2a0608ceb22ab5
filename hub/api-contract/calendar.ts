// The calendar of anniversaries and holidays, solar or lunar (Vietnamese, UTC+7).
import { z } from 'zod';

export const CalendarKind = z.enum(['solar', 'lunar']);
export const Anniversary = z.object({
  id: z.number().int(),
  name: z.string(),
  nameEn: z.string(),
  calendar: CalendarKind,
  month: z.number().int(),
  day: z.number().int(),
  areaPath: z.string().nullable().describe('null: a national day'),
  note: z.string(),
});
export type Anniversary = z.infer<typeof Anniversary>;
export const AnniversaryList = z.array(Anniversary);

export const UpcomingAnniversary = Anniversary.extend({
  date: z.string().describe('dd/mm/yyyy, Vietnam'),
  isoDate: z.string().describe('yyyy-mm-dd'),
  daysAway: z.number().int().describe('0: today in Vietnam'),
  label: z.string().describe('how the date is written, e.g. "10/3 âm lịch"'),
});
export type UpcomingAnniversary = z.infer<typeof UpcomingAnniversary>;
export const UpcomingAnniversaryList = z.array(UpcomingAnniversary);

export const NewAnniversaryBody = z.object({
  name: z.string().trim().min(1).max(200),
  nameEn: z.string().max(200).optional(),
  calendar: CalendarKind,
  month: z.number().int(),
  day: z.number().int(),
  areaPath: z.string().min(1).nullable().describe('null: a national day (administrators only)'),
  note: z.string().max(500).optional(),
});
export const UpcomingQuery = z.object({
  days: z.string().optional().describe('how many days ahead, 1–400 (default 60)'),
});

export const BetweenQuery = z.object({
  from: z.string().describe('yyyy-mm-dd, Vietnam: the first day'),
  to: z.string().describe('yyyy-mm-dd, Vietnam: the last day (inclusive), at most 400 days on'),
});

/** The civil dates a yearly bulletin on a lunar date falls on (a broadcast's `lunar`), for the form to show. */
export const LunarDatesQuery = z.object({
  month: z.string().describe('lunar month 1–12'),
  day: z.string().describe('lunar day 1–30'),
  fromYear: z.string(),
  untilYear: z.string(),
});
export const LunarDates = z.object({
  dates: z.array(
    z.object({
      lunarYear: z.number().int(),
      date: z.string().describe('dd/mm/yyyy, Vietnam'),
      isoDate: z.string().describe('yyyy-mm-dd'),
      shifted: z.boolean().describe('a 30th in a 29-day month: airs on the 29th'),
    }),
  ),
});
export type LunarDates = z.infer<typeof LunarDates>;
