// Accepts uploads to disk (hashing as they stream, never trusting the client's file name for a
// path) and processes them one at a time through the ffmpeg pipeline.
import { createHash, randomUUID } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import {
  createMedia,
  failInterruptedMedia,
  markMediaFailed,
  markMediaReady,
  type MediaFromText,
  type MediaItem,
} from './media-store.ts';
import { transcode } from './pipeline.ts';
import { isMediaError } from './errors.ts';
import { sweepTemp } from './store.ts';
import { LocalizedError, msg, textOf } from '../text/index.ts';

export interface MediaJobsOptions {
  db: Db;
  dataDir: string;
  ffmpegPath?: string;
  targetLufs: number;
  truePeakDbtp: number;
  log: Logger;
  onDone?: (item: { id: number; status: 'ready' | 'failed'; seconds: number }) => void;
}

/** Keeps what a person can read of a file name: no directories, no control characters. */
export function safeOriginalName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .normalize('NFC')
    .trim()
    .slice(0, 200);
  return clean || 'upload';
}

export function createMediaJobs(opts: MediaJobsOptions) {
  const uploadDir = path.join(opts.dataDir, 'uploads');
  const mediaDir = path.join(opts.dataDir, 'media');
  mkdirSync(uploadDir, { recursive: true });
  mkdirSync(mediaDir, { recursive: true });
  // Temp files of a run that crashed mid-transcode would otherwise stay forever.
  void sweepTemp(mediaDir).catch((err) => opts.log.warn({ err }, 'could not sweep media temp files'));
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;
  // An upload is kept as uploads/<media id>.upload until it is processed: a hub that died
  // mid-transcode (a crash, a power cut) processes it again at start instead of losing it.
  const uploadOf = (id: number) => path.join(uploadDir, `${id}.upload`);
  const enqueue = (id: number) => {
    pending += 1;
    queue = queue.then(() => process(id, uploadOf(id))).finally(() => (pending -= 1));
  };
  const interrupted = (
    opts.db.prepare("SELECT id FROM media WHERE status = 'processing' ORDER BY id").all() as Array<{ id: number }>
  ).map((r) => r.id);
  const resumed = interrupted.filter((id) => existsSync(uploadOf(id)));
  for (const f of readdirSync(uploadDir))
    if (!resumed.some((id) => f === `${id}.upload`)) rmSync(path.join(uploadDir, f), { force: true });
  for (const id of resumed) enqueue(id);
  // What cannot be resumed (its upload is gone) is said to have failed, with the reason.
  const failed = resumed.length < interrupted.length ? failInterruptedMedia(opts.db, resumed) : 0;
  if (resumed.length || failed) opts.log.warn({ resumed, failed }, 'media left processing by a previous run');

  async function process(id: number, file: string): Promise<void> {
    const started = Date.now();
    try {
      const r = await transcode(file, mediaDir, {
        ffmpegPath: opts.ffmpegPath,
        targetLufs: opts.targetLufs,
        truePeakDbtp: opts.truePeakDbtp,
      });
      markMediaReady(opts.db, id, {
        durationMs: r.durationMs,
        loudness: { ...r.loudness, speedX: r.timing.speedX },
        outputs: r.outputs.map((o) => ({
          format: o.format,
          file: o.file,
          sha256: o.sha256,
          bytes: o.bytes,
          mime: o.mime,
        })),
      });
      opts.log.info({ id, durationMs: r.durationMs, speedX: r.timing.speedX, lufs: r.loudness.outputI }, 'media ready');
      opts.onDone?.({ id, status: 'ready', seconds: (Date.now() - started) / 1000 });
    } catch (err) {
      const text = textOf(err) || String(err);
      markMediaFailed(opts.db, id, text, isMediaError(err) ? err.code : 'error');
      opts.log.warn({ id, err: (err as Error).message || String(err) }, 'media failed');
      opts.onDone?.({ id, status: 'failed', seconds: (Date.now() - started) / 1000 });
    } finally {
      rmSync(file, { force: true });
    }
  }

  return {
    mediaDir,
    /** Streams an upload to disk; throws if it exceeds maxBytes (the partial file is removed). */
    async accept(
      stream: Readable,
      input: { originalName: string; uploadedBy: number; maxBytes: number; truncated: () => boolean },
    ): Promise<MediaItem> {
      const file = path.join(uploadDir, `${randomUUID()}.upload`);
      const hash = createHash('sha256');
      let bytes = 0;
      const counter = new Transform({
        transform(chunk, _enc, cb) {
          hash.update(chunk);
          bytes += chunk.length;
          cb(null, chunk);
        },
      });
      try {
        await pipeline(stream, counter, createWriteStream(file));
      } catch (err) {
        rmSync(file, { force: true });
        throw err;
      }
      if (input.truncated()) {
        rmSync(file, { force: true });
        throw Object.assign(new LocalizedError(msg('upload.too-large', { mb: Math.round(input.maxBytes / 1048576) })), {
          status: 413,
        });
      }
      if (bytes === 0) {
        rmSync(file, { force: true });
        throw Object.assign(new LocalizedError(msg('upload.empty')), { status: 400 });
      }
      const item = createMedia(opts.db, {
        originalName: input.originalName,
        sourceBytes: bytes,
        sourceSha256: hash.digest('hex'),
        uploadedBy: input.uploadedBy,
      });
      renameSync(file, uploadOf(item.id));
      enqueue(item.id);
      return item;
    },
    /** A folder on the same file system as the uploads, for files made on the hub (a TTS engine's WAV). */
    workDir: uploadDir,
    /**
     * Takes a file made on the hub (in workDir) through the same pipeline as an upload: the
     * typed bulletin's speech is normalised and transcoded exactly as an uploaded recording.
     */
    async acceptFile(
      file: string,
      input: { originalName: string; uploadedBy: number; tts?: MediaFromText },
    ): Promise<MediaItem> {
      const hash = createHash('sha256');
      await pipeline(createReadStream(file), hash);
      const item = createMedia(opts.db, {
        originalName: input.originalName,
        sourceBytes: statSync(file).size,
        sourceSha256: hash.digest('hex'),
        uploadedBy: input.uploadedBy,
        tts: input.tts,
      });
      renameSync(file, uploadOf(item.id));
      enqueue(item.id);
      return item;
    },
    pending: () => pending,
    idle: () => queue,
  };
}
export type MediaJobs = ReturnType<typeof createMediaJobs>;
