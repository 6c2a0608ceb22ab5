// Users and sessions: who is logged in, the users list and the names shown beside bulletins.
import { z } from 'zod';
import { ROLES } from './roles.ts';

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const User = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  scope: z.string().nullable().describe('area path the user may act on (and below); null for admins: everything'),
});
export type User = z.infer<typeof User>;

export const LoginBody = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
export const LoginAnswer = z.object({ token: z.string(), user: User });
export type LoginAnswer = z.infer<typeof LoginAnswer>;

export const TokenBody = z.object({
  name: z.string().min(1).max(100),
  days: z.number().int().min(1).max(3650).default(365),
});
export const TokenAnswer = z.object({ token: z.string(), name: z.string() });

export const NewUserBody = z.object({
  username: z.string(),
  displayName: z.string().max(100).optional(),
  password: z.string().min(8).max(200),
  role: Role,
  areaPath: z.string().optional(),
});

export const UserList = z.array(User);
/** Display names by user id. */
export const UserNames = z.record(z.string(), z.string());
export type UserNames = z.infer<typeof UserNames>;

export const Ok = z.object({ ok: z.boolean() });
