import { z } from 'zod';
import { route, HttpError } from '../route.ts';
import { issueToken, login, revokeToken, createUser, listUsers, ROLES } from '../../auth/users.ts';
import { audit } from '../../audit.ts';
import type { HubContext } from '../../context.ts';
import { msg, textOf } from '../../messages.ts';

export function authRoutes(ctx: HubContext) {
  return [
    route({
      method: 'post',
      path: '/api/v1/auth/login',
      summary: 'Log in with username and password; returns a bearer token',
      tag: 'auth',
      access: 'public',
      body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
      async handler({ body }) {
        const r = await login(ctx.db, body.username, body.password);
        if (!r) throw new HttpError(401, msg('auth.wrong-credentials'));
        audit(ctx.db, r.user.id, 'auth.login', body.username);
        return { token: r.token, user: r.user };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/logout',
      summary: 'Revoke the token used for this request (sent as a bearer header or as ?token=)',
      tag: 'auth',
      access: 'user',
      handler({ res }) {
        revokeToken(ctx.db, String(res.locals.authToken));
        return { ok: true };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/tokens',
      summary: 'Create a long-lived API token for scripts (shown once)',
      tag: 'auth',
      access: 'user',
      body: z.object({ name: z.string().min(1).max(100), days: z.number().int().min(1).max(3650).default(365) }),
      handler({ user, body }) {
        const token = issueToken(ctx.db, user!.id, 'api', body.name, Date.now() + body.days * 86_400_000);
        audit(ctx.db, user!.id, 'auth.token', body.name);
        return { token, name: body.name };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/me',
      summary: 'The logged-in user',
      tag: 'auth',
      access: 'user',
      handler: ({ user }) => user,
    }),
    route({
      method: 'get',
      path: '/api/v1/users',
      summary: 'List users',
      tag: 'users',
      access: ['admin', 'district'],
      handler: () => listUsers(ctx.db),
    }),
    route({
      method: 'post',
      path: '/api/v1/users',
      summary: 'Create a user (role and area)',
      tag: 'users',
      access: ['admin'],
      body: z.object({
        username: z.string(),
        displayName: z.string().max(100).optional(),
        password: z.string().min(8).max(200),
        role: z.enum(ROLES as [string, ...string[]]),
        areaPath: z.string().optional(),
      }),
      async handler({ user, body, res }) {
        try {
          const u = await createUser(ctx.db, body as any);
          audit(ctx.db, user!.id, 'user.create', u.username, { role: u.role, scope: u.scope });
          res.status(201);
          return u;
        } catch (e) {
          throw new HttpError(400, textOf(e));
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/user-names',
      summary: 'Display names of users by id (to show who wrote or decided a broadcast)',
      tag: 'users',
      access: 'user',
      handler: () =>
        Object.fromEntries(
          (ctx.db.prepare('SELECT id, display_name, username FROM users').all() as any[]).map((u) => [
            u.id,
            u.display_name || u.username,
          ]),
        ),
    }),
  ];
}
