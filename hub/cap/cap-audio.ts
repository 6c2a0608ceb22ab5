// An alert's audio: its <resource> with an audio type, downloaded with a time and size limit and
// taken through the hub's media pipeline like an upload; else the hub reads its <description>
// aloud (hub/tts); else none, with the reason shown on the draft.
import { createWriteStream, rmSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MediaJobs } from '../media/media-jobs.ts';
import type { TtsService } from '../tts/tts-service.ts';
import { enOf, msg, textOf, viOf } from '../text/index.ts';
import type { AudioMaker, CapAudio } from './cap-import.ts';
import type { CapInfo } from './cap-parse.ts';

export interface CapAudioOptions {
  media: MediaJobs;
  tts: TtsService;
  /** The largest audio resource downloaded, in bytes. */
  maxBytes: number;
  timeoutMs: number;
}

/** Downloads `url` into `file`, refusing more than maxBytes or a slower answer than timeoutMs. */
export async function download(url: string, file: string, maxBytes: number, timeoutMs: number): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' }).catch((e: Error) => {
    // undici says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is in its cause.
    const code = (e.cause as { code?: string } | undefined)?.code;
    throw e.name === 'TimeoutError' ? e : new Error(code ? `cannot connect (${code})` : e.message);
  });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new Error(`${declared} bytes declared, more than the limit of ${maxBytes} bytes`);
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(bytes > maxBytes ? new Error(`more than the limit of ${maxBytes} bytes`) : null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
      limit,
      createWriteStream(file),
    );
  } catch (e) {
    rmSync(file, { force: true });
    throw e instanceof Error && e.name === 'TimeoutError' ? new Error(`no answer within ${timeoutMs / 1000} s`) : e;
  }
}

export function capAudioMaker(opts: CapAudioOptions): AudioMaker {
  return async (info: CapInfo, importedBy: number): Promise<CapAudio> => {
    const res = info.resource.find((r) => /^audio\//i.test(r.mimeType) && r.uri && /^https?:\/\//i.test(r.uri));
    const problems: Array<{ en: string; vi: string }> = [];
    if (res?.uri) {
      const file = path.join(opts.media.workDir, `cap-${randomUUID()}.audio`);
      try {
        await download(res.uri, file, opts.maxBytes, opts.timeoutMs);
        const item = await opts.media.acceptFile(file, {
          originalName: res.resourceDesc || path.basename(new URL(res.uri).pathname) || 'cap-audio',
          uploadedBy: importedBy,
        });
        return { mediaId: item.id };
      } catch (e) {
        rmSync(file, { force: true });
        const m = msg('cap.resource-failed', { url: res.uri, detail: (e as Error).message });
        problems.push({ en: m.en, vi: m.vi });
      }
    }
    const description = info.description?.trim();
    if (description) {
      try {
        const item = await opts.tts.generate({ text: description, uploadedBy: importedBy });
        return { mediaId: item.id };
      } catch (e) {
        const t = textOf(e);
        problems.push({ en: `text to speech failed: ${enOf(t)}`, vi: `đọc mô tả thành giọng nói bị lỗi: ${viOf(t)}` });
      }
    }
    return {
      note: problems.length
        ? msg('cap.audio-unavailable', {
            reason: problems.map((p) => p.en).join('; '),
            reasonVi: problems.map((p) => p.vi).join('; '),
          })
        : msg('cap.audio-unavailable', {
            reason: 'the alert has no audio resource and no description to read aloud',
            reasonVi: 'cảnh báo không có tệp âm thanh và không có mô tả để đọc',
          }),
    };
  };
}
