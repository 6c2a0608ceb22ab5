import path from 'node:path';
import busboy from 'busboy';
import { z } from 'zod';
import { route, HttpError, type RouteDef } from '../route.ts';
import { getMedia, isKnownOutput, listMedia, mediaWithFile } from '../../media/media-store.ts';
import { createVisibility, deviceMayFetch } from '../../areas/visibility.ts';
import { safeOriginalName } from '../../media/media-jobs.ts';
import { audit } from '../../audit.ts';
import type { HubContext } from '../../context.ts';
import type { MediaItem } from '../../media/media-store.ts';
import type { User } from '../../auth/users.ts';
import { msg, textOf } from '../../text/index.ts';
import {
  archiveMedia,
  deleteMedia,
  mayManage,
  MediaLifecycleError,
  restoreMedia,
} from '../../media/media-lifecycle.ts';
import { createWaveforms } from '../../waveform/waveform.ts';
import { resolveFfmpeg } from '../../../firmware-bridge/index.ts';
import { Library, MediaDeleted, MediaItem as MediaAnswer, Waveform } from '../../api-contract/media.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';

export function mediaRoutes(ctx: HubContext): RouteDef[] {
  const waveforms = createWaveforms({
    cacheDir: path.join(ctx.config.dataDir, 'waveforms'),
    ffmpegPath: () => ctx.config.ffmpegPath ?? resolveFfmpeg().path,
  });
  return [
    route({
      method: 'post',
      path: '/api/v1/media',
      summary: 'Upload an audio bulletin (multipart field "file"); processing continues in the background',
      tag: 'media',
      access: ROLE_RULES.create,
      response: MediaAnswer,
      openapi: {
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: { file: { type: 'string', format: 'binary' } },
                required: ['file'],
              },
            },
          },
        },
        responses: {
          '202': { description: 'accepted; poll GET /api/v1/media/{id} for status' },
          '413': { description: 'file too large' },
        },
      },
      async handler({ req, res, user }) {
        if (!req.is('multipart/form-data')) throw new HttpError(415, msg('upload.not-multipart'));
        const item = await new Promise<MediaItem>((resolve, reject) => {
          let bb: busboy.Busboy;
          try {
            bb = busboy({
              headers: req.headers,
              defParamCharset: 'utf8',
              limits: { files: 1, fileSize: ctx.config.maxUploadBytes, fields: 10 },
            });
          } catch (e) {
            return reject(new HttpError(400, msg('upload.bad-multipart', { detail: (e as Error).message })));
          }
          let got = false;
          bb.on('file', (field, stream, info) => {
            if (field !== 'file') {
              stream.resume();
              return;
            }
            got = true;
            ctx.media
              .accept(stream, {
                originalName: safeOriginalName(info.filename),
                uploadedBy: user!.id,
                maxBytes: ctx.config.maxUploadBytes,
                truncated: () => stream.truncated === true,
              })
              .then(resolve, (e) => reject(new HttpError(e.status ?? 400, textOf(e))));
          });
          bb.on('error', (e) =>
            reject(new HttpError(400, msg('upload.bad-multipart', { detail: (e as Error).message }))),
          );
          bb.on('close', () => {
            if (!got) reject(new HttpError(400, msg('upload.no-file')));
          });
          req.pipe(bb);
        });
        audit(ctx.db, user!.id, 'media.upload', String(item.id), { name: item.originalName, bytes: item.sourceBytes });
        res.status(202);
        return item;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/media',
      summary:
        'Media items with processing state: those uploaded within your area, and those used by broadcasts that concern it (archived=1: the archived ones instead)',
      tag: 'media',
      access: 'user',
      response: Library,
      query: z.object({ archived: z.enum(['0', '1']).default('0') }),
      handler({ user, query }) {
        const visible = createVisibility(ctx.db, user!.scope).mediaIds();
        const archived = query.archived === '1';
        const items = visible
          ? listMedia(ctx.db, 200, [...visible], archived)
          : listMedia(ctx.db, 200, undefined, archived);
        // Whether you may archive or delete each (the library shows the buttons only then).
        return items.map((m) => ({ ...m, mayManage: mayManage(ctx.db, user!, m) }));
      },
    }),
    ...(
      [
        [
          'post',
          '/api/v1/media/:id/archive',
          'Archive: hide from the library (restorable). Refused (409, naming them) while a broadcast that may still air or is reported uses it',
          (u, id) => archiveMedia(ctx.db, u, id, ctx.clock.now()),
          MediaAnswer,
        ],
        [
          'post',
          '/api/v1/media/:id/restore',
          'Restore an archived item to the library',
          (u, id) => restoreMedia(ctx.db, u, id),
          MediaAnswer,
        ],
        [
          'delete',
          '/api/v1/media/:id',
          'Delete: remove the files (the record stays, hidden). Refused (409, naming them) while a broadcast that may still air or is reported uses it; a failed upload can always go',
          (u, id) => deleteMedia(ctx.db, u, id, ctx.media.mediaDir, ctx.clock.now()),
          MediaDeleted,
        ],
      ] as const satisfies ReadonlyArray<
        readonly ['post' | 'delete', string, string, (u: User, id: number) => unknown, z.ZodTypeAny]
      >
    ).map(([method, p, summary, act, response]) =>
      route({
        method,
        path: p,
        response,
        summary: `${summary}. Allowed: the uploader, the officials, leaders and district office of the uploader's ward, an admin.`,
        tag: 'media',
        access: ROLE_RULES.create,
        handler({ req, user }) {
          const id = Number(req.params.id);
          // Media you cannot see does not exist for you.
          if (!Number.isInteger(id) || !createVisibility(ctx.db, user!.scope).media(id))
            throw new HttpError(404, msg('media.not-found', { id: String(req.params.id) }));
          try {
            const r = act(user!, id);
            ctx.events.emit('media', { id });
            return r;
          } catch (e) {
            if (e instanceof MediaLifecycleError)
              throw new HttpError(e.status, textOf(e), e.broadcasts.length ? { broadcasts: e.broadcasts } : undefined);
            throw e;
          }
        },
      }),
    ),
    route({
      method: 'get',
      path: '/api/v1/media/:id',
      summary: 'One media item: status (processing, ready, failed with the reason), duration, measured loudness',
      tag: 'media',
      access: 'user',
      response: MediaAnswer,
      handler({ req, user }) {
        const m = getMedia(ctx.db, Number(req.params.id));
        if (!m || !createVisibility(ctx.db, user!.scope).media(m.id))
          throw new HttpError(404, msg('media.not-found', { id: String(req.params.id) }));
        return m;
      },
    }),
    route({
      method: 'get',
      path: '/media/:file',
      summary:
        'Download a transcoded file by its content address (<sha256>.opus|mp3); ETag and Range for resuming. A device (HTTP basic, its MQTT credentials) gets only media of approved broadcasts that reach it; a user only media they may see',
      tag: 'media',
      access: 'device',
      openapi: {
        responses: {
          '200': { description: 'audio' },
          '206': { description: 'partial content' },
          '404': { description: 'unknown file' },
        },
      },
      handler({ req, res, user }) {
        const file = String(req.params.file);
        if (!isKnownOutput(ctx.db, file)) throw new HttpError(404, msg('media.file-not-found', { file }));
        // Not found rather than forbidden: the name itself is not to be confirmed.
        const deviceId = res.locals.deviceId as string | undefined;
        const allowed = deviceId
          ? deviceMayFetch(ctx.db, deviceId, file, ctx.clock.now())
          : mediaWithFile(ctx.db, file).some(createVisibility(ctx.db, user!.scope).media);
        if (!allowed) throw new HttpError(404, msg('media.file-not-found', { file }));
        // The content address is the strongest validator there is.
        res.setHeader('ETag', `"${file.split('.')[0]}"`);
        return new Promise<void>((resolve, reject) =>
          res.sendFile(
            file,
            { root: path.resolve(ctx.media.mediaDir), maxAge: '365d', immutable: true, dotfiles: 'deny', etag: false },
            (err) => {
              if (err && !res.headersSent) reject(new HttpError(404, msg('media.file-not-found', { file })));
              else resolve();
            },
          ),
        );
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/media/:id/waveform',
      summary: 'Waveform peaks of the normalised audio (computed once with ffmpeg, then cached)',
      tag: 'media',
      access: 'user',
      response: Waveform,
      async handler({ req, user }) {
        const m = getMedia(ctx.db, Number(req.params.id));
        if (!m || !createVisibility(ctx.db, user!.scope).media(m.id))
          throw new HttpError(404, msg('media.not-found', { id: String(req.params.id) }));
        const out = m.outputs.find((o) => o.format === 'opus') ?? m.outputs[0];
        if (m.status !== 'ready' || !out)
          throw new HttpError(409, msg('media.waveform-not-ready', { id: m.id, status: m.status }));
        try {
          return await waveforms.get(out.sha256, path.join(ctx.media.mediaDir, out.file));
        } catch (e) {
          throw new HttpError(422, msg('media.waveform-failed', { detail: (e as Error).message }));
        }
      },
    }),
  ];
}
