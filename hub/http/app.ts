// The hub's HTTP surface: JSON API under /api/v1 (described by /api/v1/openapi.json), media
// downloads for devices, /metrics, health, live events and the status page.
import { createHash, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type NextFunction } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { failureLimit } from './failure-limit.ts';
import { userForToken, type User } from '../auth/users.ts';
import { createVisibility, type Visibility } from '../areas/visibility.ts';
import {
  HttpError,
  UpstreamError,
  errorBody,
  mountRoutes,
  openApiDocument,
  route,
  type Access,
  type RouteDef,
} from './route.ts';
import { LocalizedError, msg, type Message, type Text } from '../text/index.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { deviceRoutes } from './routes/device-routes.ts';
import { mediaRoutes } from './routes/media-routes.ts';
import { ttsRoutes } from './routes/tts-routes.ts';
import { ICECAST_AUTH_PATH, icecastAuthRoutes } from './routes/icecast-auth-routes.ts';
import { streamRoutes } from './routes/stream-routes.ts';
import { liveRoutes } from './routes/live-routes.ts';
import { capRoutes } from './routes/cap-routes.ts';
import { broadcastRoutes } from './routes/broadcast-routes.ts';
import { reportRoutes } from './routes/report-routes.ts';
import { areaRoutes } from './routes/area-routes.ts';
import { quietHoursRoutes } from './routes/quiet-hours-routes.ts';
import { calendarRoutes } from './routes/calendar-routes.ts';
import { campaignRoutes } from './routes/campaign-routes.ts';
import { periodicReportRoutes } from './routes/periodic-report-routes.ts';
import { scheduleRoutes } from './routes/schedule-routes.ts';
import type { HubContext } from '../context.ts';
import { Health, HubKey } from '../api-contract/system.ts';
import { LIVE_KINDS, type LiveEvents, type LiveKind } from '../api-contract/events.ts';

const publicDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'public');

const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** What each live event is about, for the user's area. */
const eventScope: { [K in LiveKind]: (v: Visibility, data: LiveEvents[K]) => boolean } = {
  device: (v, d) => v.device(d.deviceId),
  telemetry: (v, d) => v.device(d.deviceId),
  receipt: (v, d) => v.device(d.deviceId),
  broadcast: (v, d) => v.broadcast(d.id),
  media: (v, d) => v.media(d.id),
};

/** What the error handler reads of an error: body-parser and http-errors add status and type, LocalizedError msg. */
interface RequestError extends Error {
  msg?: Message;
  status?: number;
  statusCode?: number;
  type?: string;
}

function systemRoutes(ctx: HubContext, all: () => RouteDef[]): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/health',
      summary: 'Liveness and readiness: database, broker connection, media queue',
      tag: 'system',
      access: 'public',
      response: Health,
      handler({ res }) {
        const db = ctx.db.prepare('SELECT 1 ok').get() as { ok: number } | undefined;
        const ok = db?.ok === 1 && ctx.mqttConnected();
        res.status(ok ? 200 : 503);
        return {
          status: ok ? ('ok' as const) : ('degraded' as const),
          version: ctx.version,
          database: db?.ok === 1,
          mqtt: ctx.mqttConnected(),
          mediaQueue: ctx.media.pending(),
        };
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics: Authorization: Bearer <WARDCAST_METRICS_TOKEN>, or an admin token',
      tag: 'system',
      access: 'public', // checked here: the metrics token is no user's
      openapi: {
        security: [{ bearer: [] }],
        responses: {
          '200': { description: 'text/plain; Prometheus exposition format' },
          '401': { description: 'no token' },
          '403': { description: 'not an admin' },
        },
      },
      async handler({ req, res }) {
        const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!token) throw new HttpError(401, msg('auth.login-required'));
        if (!(ctx.config.metricsToken && sameSecret(token, ctx.config.metricsToken))) {
          const user = userForToken(ctx.db, token, ctx.clock.now());
          if (!user) throw new HttpError(401, msg('auth.session-expired'));
          if (user.role !== 'admin')
            throw new HttpError(403, msg('auth.role-forbidden', { role: user.role, needs: ['admin'] }));
        }
        res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/openapi.json',
      summary: 'This document',
      tag: 'system',
      access: 'public',
      handler: () => openApiDocument(all(), { version: ctx.version }),
    }),
    route({
      method: 'get',
      path: '/api/v1/hub-key',
      summary: "The hub's Ed25519 public key (PEM), to check against what devices pinned",
      tag: 'system',
      access: 'public',
      response: HubKey,
      handler: () => ({ publicKey: ctx.signer.publicKeyPem }),
    }),
    route({
      method: 'get',
      path: '/api/v1/events',
      summary:
        'Server-sent events: device presence, receipts, broadcast changes, telemetry, media — about devices, broadcasts and media within your area (token in ?token= for EventSource)',
      tag: 'system',
      access: 'user',
      openapi: { responses: { '200': { description: 'text/event-stream' } } },
      handler({ req, res, user }) {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        // Renewed with each ping, so a device moved or a broadcast retargeted shows within a minute.
        let v = createVisibility(ctx.db, user!.scope);
        const listen = <K extends LiveKind>(k: K) => {
          const f = (data: LiveEvents[K]) => {
            if (v.all || eventScope[k](v, data)) res.write(`event: ${k}\ndata: ${JSON.stringify(data)}\n\n`);
          };
          // node's listener type is conditional on the kind and does not resolve for a generic K.
          ctx.events.on(k, f as never);
          return () => ctx.events.off(k, f as never);
        };
        const stop = LIVE_KINDS.map(listen);
        const ping = setInterval(() => {
          v = createVisibility(ctx.db, user!.scope);
          res.write(': ping\n\n');
        }, 25_000);
        req.on('close', () => {
          clearInterval(ping);
          for (const f of stop) f();
        });
        return new Promise<void>((resolve) => req.on('close', () => resolve()));
      },
    }),
  ];
}

export function createApp(ctx: HubContext) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.on('finish', () => ctx.metrics.httpRequest(req.method, res.statusCode));
    next();
  });
  app.use(express.json({ limit: '1mb' }));
  // Icecast's listener authentication posts a form (icecast-auth-routes.ts).
  app.use(ICECAST_AUTH_PATH, express.urlencoded({ extended: false, limit: '16kb' }));
  // Guessing the engine's password there: 10 refused logins per address per 5 minutes, as for enrolment.
  // (A device refused is answered 200 without icecast-auth-user: only a wrong engine login counts.)
  app.use(
    ICECAST_AUTH_PATH,
    failureLimit({
      windowMs: 5 * 60_000,
      limit: 10,
      key: (req) => ipKeyGenerator(req.ip ?? ''),
      failed: (status) => status === 401,
      onLimited: (_req, res) => void res.status(429).json(errorBody(msg('auth.rate-limited'))),
      now: () => ctx.clock.now(),
    }),
  );
  // Password and enrolment-token guessing: only failures count, per address and username.
  const guessing = rateLimit({
    windowMs: 5 * 60_000,
    limit: 10,
    skipSuccessfulRequests: true,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String(req.body?.username ?? '')}`,
    handler: (_req, res) => res.status(429).json(errorBody(msg('auth.rate-limited'))),
  });
  // Spraying one password across many usernames from one address: only failures count, per address.
  const spraying = rateLimit({
    windowMs: 5 * 60_000,
    limit: 30,
    skipSuccessfulRequests: true,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    handler: (_req, res) => res.status(429).json(errorBody(msg('auth.rate-limited'))),
  });
  app.use('/api/v1/auth/login', guessing, spraying);
  // Enrolment: 10 failed tokens per address per 5 minutes, as for a login; successes never count,
  // so a whole ward enrolling at once from one address goes through (failure-limit.ts).
  app.use(
    '/api/v1/enrol',
    failureLimit({
      windowMs: 5 * 60_000,
      limit: 10,
      key: (req) => ipKeyGenerator(req.ip ?? ''),
      onLimited: (_req, res) => void res.status(429).json(errorBody(msg('auth.rate-limited'))),
      now: () => ctx.clock.now(),
    }),
  );

  async function authorise(req: Request, access: Access): Promise<User | undefined> {
    if (access === 'public') return undefined;
    const header = req.headers.authorization ?? '';
    if (access === 'device') {
      const basic = /^Basic\s+(.+)$/i.exec(header);
      if (basic) {
        const [id, pw] = Buffer.from(basic[1], 'base64').toString().split(/:(.*)/s);
        if (await ctx.authenticateDevice(id, pw ?? '')) {
          req.res!.locals.deviceId = id; // media downloads: only what this device's plan uses
          return undefined;
        }
        throw new HttpError(401, msg('auth.wrong-device-credentials'));
      }
      // Logged-in users may fetch media too (to listen in the browser).
    }
    const token =
      /^Bearer\s+(.+)$/i.exec(header)?.[1] ?? (typeof req.query.token === 'string' ? req.query.token : undefined);
    if (!token) throw new HttpError(401, msg('auth.login-required'));
    const user = userForToken(ctx.db, token, ctx.clock.now());
    if (!user) throw new HttpError(401, msg('auth.session-expired'));
    req.res!.locals.authToken = token; // whichever way it came (header or ?token=): logout revokes it
    if (Array.isArray(access) && !access.includes(user.role))
      throw new HttpError(403, msg('auth.role-forbidden', { role: user.role, needs: access }));
    return user;
  }

  const routes: RouteDef[] = [];
  routes.push(
    ...authRoutes(ctx),
    ...areaRoutes(ctx),
    ...quietHoursRoutes(ctx),
    ...calendarRoutes(ctx),
    ...campaignRoutes(ctx),
    ...periodicReportRoutes(ctx),
    ...deviceRoutes(ctx),
    ...mediaRoutes(ctx),
    ...ttsRoutes(ctx),
    ...streamRoutes(ctx),
    ...icecastAuthRoutes(ctx),
    ...liveRoutes(ctx),
    ...broadcastRoutes(ctx),
    ...capRoutes(ctx),
    ...reportRoutes(ctx),
    ...scheduleRoutes(ctx),
  );
  routes.push(...systemRoutes(ctx, () => routes));
  const router = express.Router();
  mountRoutes(router, routes, authorise);
  app.use(router);
  // The web UI: revalidate on every load (the bundle is rebuilt in place), and a strict content
  // security policy on the page: nothing from other origins, no inline script.
  app.use(
    express.static(publicDir, {
      index: 'index.html',
      setHeaders(res, file) {
        res.setHeader('cache-control', 'no-cache');
        if (file.endsWith('.html')) {
          res.setHeader(
            'content-security-policy',
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
          );
        }
      },
    }),
  );

  app.use('/api', (req, _res, next) =>
    next(new HttpError(404, msg('http.no-route', { method: req.method, path: req.path }))),
  );
  app.use((err: RequestError, req: Request, res: Response, _next: NextFunction) => {
    let status = err instanceof HttpError ? err.status : (err.status ?? err.statusCode ?? 500);
    let text: Text = err instanceof LocalizedError && err.msg ? err.msg : (err.message ?? 'internal error');
    if (err.type === 'entity.parse.failed') text = msg('request.invalid-json', { detail: err.message });
    if (err.type === 'entity.too.large') text = msg('request.too-large');
    // A program the hub ran failed (UpstreamError, e.g. a TTS engine: 502): the client reads why.
    // Anything else at 5xx is "internal" and logged.
    const deliberate = err instanceof UpstreamError;
    if (status >= 500 && !deliberate) {
      ctx.log.error({ err, path: req.path }, 'request failed');
      text = msg('internal');
      status = 500;
    }
    if (!res.headersSent)
      res
        .status(status)
        .json(errorBody(text, err instanceof HttpError && (status < 500 || deliberate) ? err.details : undefined));
  });
  return { app, routes };
}
