// How far ahead the schedule page lists the coming anniversaries ("Sắp tới"). The longest gap between
// the national days migration 22 seeds is 69 days (19/5 to 27/7 when no lunar one falls between), so
// 90 days always shows at least one, in the demo and on a fresh install (hub/demo-seed.test.ts).
// Plain data, no zod: the web bundle takes it.
export const UPCOMING_DAYS = 90;
