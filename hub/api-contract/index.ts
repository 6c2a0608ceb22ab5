// The hub's HTTP API contract: zod schemas of request bodies and responses, grouped by domain, and
// the types derived from them. Browser-safe (zod and protocol/ schemas only): the hub's routes
// declare them, the OpenAPI document is generated from them, and web/ imports them.
export * from './areas.ts';
export * from './broadcasts.ts';
export * from './calendar.ts';
export * from './campaigns.ts';
export * from './cap.ts';
export * from './devices.ts';
export * from './events.ts';
export * from './live.ts';
export * from './media.ts';
export * from './periodic-reports.ts';
export * from './reports.ts';
// Role: the schema and its type come from users.ts.
export { ROLE_RULES, ROLES, roleMay, withinScope, type RoleRule } from './roles.ts';
export * from './schedule.ts';
export * from './system.ts';
export * from './users.ts';
