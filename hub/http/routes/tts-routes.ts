// Typed bulletins over HTTP: what the engine is, what a text will sound like in words, and the
// reading itself, which becomes a media item like an upload (same pipeline, same states).
import { route, HttpError, UpstreamError } from '../route.ts';
import { getMedia } from '../../media/media-store.ts';
import { createVisibility } from '../../areas/visibility.ts';
import { audit } from '../../audit.ts';
import { TtsError } from '../../tts/engine.ts';
import { TtsInputError } from '../../tts/tts-service.ts';
import type { HubContext } from '../../context.ts';
import { msg, textOf } from '../../text/index.ts';
import { MediaItem, TextBody, TtsBody, TtsEngine, TtsSpoken } from '../../api-contract/media.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';

// The catalogue's limit (maxChars) is checked after trimming, with a message that says why; this
// bound only stops a body far past any limit before it is normalised.

export function ttsRoutes(ctx: HubContext) {
  const checked = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof TtsInputError) throw new HttpError(e.status, textOf(e));
      throw e;
    }
  };
  return [
    route({
      method: 'get',
      path: '/api/v1/tts',
      summary:
        'The text-to-speech engine: its name, voice, whether it is installed on the hub, and the longest text it takes',
      tag: 'media',
      access: 'user',
      response: TtsEngine,
      handler: () => {
        const info = ctx.tts.info();
        return {
          ...info,
          ...(info.available ? {} : { problem: msg('tts.engine-missing', { program: info.program }) }),
        };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/tts/spoken',
      summary:
        'What the engine will read for a text: numbers, dates, times, phone numbers and abbreviations written out in Vietnamese words',
      tag: 'media',
      access: ROLE_RULES.create,
      response: TtsSpoken,
      body: TextBody,
      handler: ({ body }) => ({ spoken: checked(() => ctx.tts.spoken(body.text)) }),
    }),
    route({
      method: 'post',
      path: '/api/v1/tts',
      summary:
        'Read a typed bulletin aloud with the configured engine; the audio becomes a media item (source "text", keeping the text, engine and voice) processed like an upload. To change a bulletin, send the edited text with "regenerates" and put the new media in the broadcast (an approved broadcast then needs a new approval).',
      tag: 'media',
      access: ROLE_RULES.create,
      response: MediaItem,
      body: TtsBody,
      openapi: {
        responses: {
          '202': { description: 'accepted; poll GET /api/v1/media/{id} for status' },
          '502': {
            description:
              'the engine failed or is not installed: { error, errorVi, code: "tts.engine-…" }, and for admins "detail" with the engine\'s own words',
          },
        },
      },
      async handler({ body, user, res }) {
        if (body.regenerates !== undefined) {
          const old = getMedia(ctx.db, body.regenerates);
          if (!old || !createVisibility(ctx.db, user!.scope).media(old.id))
            throw new HttpError(404, msg('media.not-found', { id: body.regenerates }));
          if (!old.tts) throw new HttpError(400, msg('tts.not-from-text', { id: old.id }));
        }
        let item: MediaItem;
        try {
          item = await ctx.tts.generate({
            text: body.text,
            uploadedBy: user!.id,
            regeneratedFrom: body.regenerates ?? null,
          });
        } catch (e) {
          if (e instanceof TtsInputError) throw new HttpError(e.status, textOf(e));
          if (!(e instanceof TtsError)) throw e;
          // The official reads what to do; the engine's own words stay with the admins (audit, log).
          audit(ctx.db, user!.id, 'media.tts-failed', ctx.tts.info().engine, {
            failure: e.code,
            detail: e.detail,
            chars: body.text.length,
          });
          ctx.log.warn({ failure: e.code, detail: e.detail }, 'text-to-speech engine failed');
          throw new UpstreamError(502, textOf(e), {
            failure: e.code,
            ...(user!.role === 'admin' ? { detail: e.detail } : {}),
          });
        }
        audit(ctx.db, user!.id, body.regenerates ? 'media.tts-regenerate' : 'media.tts', String(item.id), {
          chars: item.tts!.text.length,
          engine: item.tts!.engine,
          voice: item.tts!.voice,
          ...(body.regenerates ? { regenerates: body.regenerates } : {}),
        });
        res.status(202);
        return item;
      },
    }),
  ];
}
