// Routes are declared once, with their schemas; the same declarations mount them on express and
// generate the OpenAPI document, so the document describes every route there is.
import type { Request, Response, NextFunction, Router } from 'express';
import { z } from 'zod';
import { describeZodError } from '../../protocol/index.ts';
import type { Role, User } from '../auth/users.ts';
import { LocalizedError, msg, type Text } from '../text/index.ts';
import { describeZodErrorVi } from '../zod-vi.ts';

/**
 * An error the API answers with: status, and a catalogue message (hub/text/) or a plain
 * string. The JSON body is { error: <English>, errorVi: <Vietnamese>, code, ...details }; a plain
 * string gives { error } only.
 */
export class HttpError extends LocalizedError {
  constructor(
    readonly status: number,
    message: Text,
    /** Extra fields for the JSON error body, e.g. { clashes } for programs and the web UI. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * A program the hub runs for the request failed (a TTS engine: 502). Unlike other 5xx answers,
 * which say only "internal error", its catalogue message and details reach the client.
 */
export class UpstreamError extends HttpError {}

/** The JSON body of an error answer. */
export function errorBody(text: Text, details?: Record<string, unknown>): Record<string, unknown> {
  if (typeof text === 'string') return { error: text, ...details };
  return { error: text.en, errorVi: text.vi, code: text.code, ...details };
}

const zodIssues = (e: z.ZodError) => ({ issues: describeZodError(e), issuesVi: describeZodErrorVi(e) });

export type Access = 'public' | 'device' | 'user' | readonly Role[];

/** What a handler gives back: the JSON answer, or nothing when it answered itself (a file, a stream). */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that answers itself is inferred as returning void, which undefined does not accept
type Answer<R> = R | undefined | void;

export interface RouteDef<
  B extends z.ZodTypeAny = z.ZodTypeAny,
  Q extends z.ZodTypeAny = z.ZodTypeAny,
  R extends z.ZodTypeAny = z.ZodTypeAny,
> {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: B;
  query?: Q;
  /**
   * The JSON answer (hub/api-contract/): the handler's return type is checked against it at build
   * time, the OpenAPI document describes it, and hub/http/response-schemas.peer.test.ts parses every GET
   * answer of a seeded hub with it. Not parsed on each request: that would cost a pass over every
   * large answer (thousands of devices or report rows) and turn a harmless extra field into a
   * failed request for an official, where the test already catches the drift before release.
   */
  response?: R;
  /** Extra OpenAPI for bodies that are not JSON (multipart) and non-JSON responses. */
  openapi?: Record<string, unknown>;
  handler: (ctx: {
    req: Request;
    res: Response;
    user: User | undefined;
    body: z.infer<B>;
    query: z.infer<Q>;
  }) => Answer<z.input<NoInfer<R>>> | Promise<Answer<z.input<NoInfer<R>>>>;
}

export const route = <
  B extends z.ZodTypeAny = z.ZodTypeAny,
  Q extends z.ZodTypeAny = z.ZodTypeAny,
  R extends z.ZodTypeAny = z.ZodUnknown,
>(
  r: RouteDef<B, Q, R>,
) => r as unknown as RouteDef;

export function mountRoutes(
  router: Router,
  routes: RouteDef[],
  authorise: (req: Request, access: Access) => Promise<User | undefined>,
): void {
  for (const r of routes) {
    router[r.method](r.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const user = await authorise(req, r.access);
        let body: unknown;
        let query: unknown;
        if (r.body) {
          const p = r.body.safeParse(req.body ?? {});
          if (!p.success) throw new HttpError(400, msg('request.invalid-body', zodIssues(p.error)));
          body = p.data;
        }
        if (r.query) {
          const p = r.query.safeParse(req.query ?? {});
          if (!p.success) throw new HttpError(400, msg('request.invalid-query', zodIssues(p.error)));
          query = p.data;
        }
        const result = await r.handler({ req, res, user, body, query });
        if (!res.headersSent && result !== undefined) res.json(result);
      } catch (err) {
        next(err);
      }
    });
  }
}

export function openApiDocument(routes: RouteDef[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const jsonSchema = (s: z.ZodTypeAny) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  const responseSchema = (s: z.ZodTypeAny) => z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' });
  for (const r of routes) {
    const p = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params: Array<{ name: string; in: string; required: boolean; schema: unknown }> = [
      ...r.path.matchAll(/:([A-Za-z]+)/g),
    ].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (r.query instanceof z.ZodObject) {
      for (const [name, s] of Object.entries(r.query.shape)) {
        params.push({
          name,
          in: 'query',
          required: !(s as z.ZodTypeAny).safeParse(undefined).success,
          schema: jsonSchema(s as z.ZodTypeAny),
        });
      }
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      parameters: params,
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': r.response ? { schema: responseSchema(r.response) } : {} },
        },
        '400': {
          description:
            'The request names a problem: { "error": "<English>", "errorVi": "<Vietnamese>", "code": "<message code>", ...details }. ' +
            '"error" stays English for programs and scripts; "errorVi" is the same message in Vietnamese for people; "code" names the message ' +
            '(e.g. "broadcast.author-cannot-approve", "request.invalid-body", "quiet-hours"). Every other 4xx answer has the same shape.',
        },
        ...(r.access === 'public'
          ? {}
          : { '401': { description: 'Not logged in' }, '403': { description: 'Not allowed for this role or area' } }),
      },
      ...(r.access === 'public' ? {} : { security: r.access === 'device' ? [{ deviceBasic: [] }] : [{ bearer: [] }] }),
      ...(Array.isArray(r.access) ? { 'x-roles': r.access } : {}),
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } };
    Object.assign(op, r.openapi ?? {});
    (paths[p] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'wardcast hub API',
      version: info.version,
      description:
        'Ward loudspeakers and LED boards: bulletins, broadcasts, devices and coverage. Times are Asia/Ho_Chi_Minh.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'token from POST /api/v1/auth/login or an API token' },
        deviceBasic: { type: 'http', scheme: 'basic', description: 'device id and MQTT password from enrolment' },
      },
    },
    paths,
  };
}
