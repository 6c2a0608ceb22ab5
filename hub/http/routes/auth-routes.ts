import { route, HttpError } from '../route.ts';
import { issueToken, login, revokeToken, createUser, listUsers } from '../../auth/users.ts';
import { audit } from '../../audit.ts';
import type { HubContext } from '../../context.ts';
import { msg, textOf } from '../../text/index.ts';
import {
  LoginAnswer,
  LoginBody,
  NewUserBody,
  Ok,
  TokenAnswer,
  TokenBody,
  User,
  UserList,
  UserNames,
} from '../../api-contract/users.ts';

export function authRoutes(ctx: HubContext) {
  return [
    route({
      method: 'post',
      path: '/api/v1/auth/login',
      summary: 'Log in with username and password; returns a bearer token',
      tag: 'auth',
      access: 'public',
      response: LoginAnswer,
      body: LoginBody,
      async handler({ body }) {
        const r = await login(ctx.db, body.username, body.password, ctx.clock.now());
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
      response: Ok,
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
      response: TokenAnswer,
      body: TokenBody,
      handler({ user, body }) {
        const token = issueToken(
          ctx.db,
          user!.id,
          'api',
          body.name,
          ctx.clock.now() + body.days * 86_400_000,
          ctx.clock.now(),
        );
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
      response: User,
      handler: ({ user }) => user,
    }),
    route({
      method: 'get',
      path: '/api/v1/users',
      summary: 'List users',
      tag: 'users',
      access: ['admin', 'district'],
      response: UserList,
      handler: () => listUsers(ctx.db),
    }),
    route({
      method: 'post',
      path: '/api/v1/users',
      summary: 'Create a user (role and area)',
      tag: 'users',
      access: ['admin'],
      response: User,
      body: NewUserBody,
      async handler({ user, body, res }) {
        try {
          const u = await createUser(ctx.db, body);
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
      response: UserNames,
      handler: () =>
        Object.fromEntries(
          (
            ctx.db.prepare('SELECT id, display_name, username FROM users').all() as {
              id: number;
              display_name: string;
              username: string;
            }[]
          ).map((u) => [u.id, u.display_name || u.username]),
        ),
    }),
  ];
}
