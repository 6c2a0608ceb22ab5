// Lengths of time that hub, agent, web and tests share. Vietnam keeps no daylight saving, so a
// calendar day there is always this long.
export const DAY_MS = 86_400_000;
