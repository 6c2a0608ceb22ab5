// Typed bulletins: text → words a listener expects → the configured engine → the media pipeline.
// The engine runs one text at a time (the hub shares its cores with ffmpeg); its WAV then joins
// the media queue like an upload, so the typed bulletin is normalised to the same loudness and
// stored as the same Opus and MP3 files.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { TtsConfig } from '../config.ts';
import type { MediaJobs } from '../media/media-jobs.ts';
import type { MediaItem } from '../media/media-store.ts';
import { LocalizedError, msg } from '../text/index.ts';
import { findProgram, synthesize } from './engine.ts';
import { normalizeVietnamese } from './normalize-vi.ts';

/** Characters a second of speech, for telling a writer how long their text runs (espeak-ng at -s 150 measured ≈ 17). */
export const CHARS_PER_SECOND = 17;

export class TtsInputError extends LocalizedError {
  constructor(
    message: ReturnType<typeof msg>,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface TtsInfo {
  engine: string;
  voice: string;
  program: string;
  /** The engine's program is installed on the hub. */
  available: boolean;
  maxChars: number;
}

export function createTts(opts: { config: TtsConfig; media: MediaJobs; log: Logger }) {
  const { config } = opts;
  const program = config.command[0];
  const engine = config.name ?? path.basename(program);
  let chain: Promise<unknown> = Promise.resolve();
  /** One engine run at a time, in the order asked. */
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const run = chain.then(f, f);
    chain = run.catch(() => {});
    return run;
  };

  /** The text as typed, checked: trimmed, NFC, within the limit. */
  function checkText(text: string): string {
    const clean = text.normalize('NFC').replace(/\r\n?/g, '\n').trim();
    if (!clean) throw new TtsInputError(msg('tts.empty'));
    const chars = [...clean].length;
    if (chars > config.maxChars) {
      throw new TtsInputError(
        msg('tts.too-long', {
          chars,
          max: config.maxChars,
          minutes: Math.round(config.maxChars / CHARS_PER_SECOND / 60),
        }),
      );
    }
    return clean;
  }

  return {
    info(): TtsInfo {
      return {
        engine,
        voice: config.voice,
        program,
        available: findProgram(program) !== null,
        maxChars: config.maxChars,
      };
    },
    /** What the engine will be given for this text. */
    spoken(text: string): string {
      return normalizeVietnamese(checkText(text));
    },
    /**
     * Reads `text` aloud into a new media item (processing continues in the media queue).
     * Throws TtsInputError (empty, too long) or TtsError (the engine failed; its detail for admins).
     */
    async generate(input: { text: string; uploadedBy: number; regeneratedFrom?: number | null }): Promise<MediaItem> {
      const text = checkText(input.text);
      const spoken = normalizeVietnamese(text);
      const wav = path.join(opts.media.workDir, `tts-${randomUUID()}.wav`);
      try {
        const run = await serial(() =>
          synthesize(
            { command: config.command, voice: config.voice, timeoutMs: config.timeoutMs },
            spoken,
            wav,
            opts.media.workDir,
          ),
        );
        opts.log.info(
          { engine, chars: [...spoken].length, ms: Math.round(run.ms), bytes: run.bytes },
          'typed bulletin read by the engine',
        );
        return await opts.media.acceptFile(wav, {
          originalName: titleOf(text),
          uploadedBy: input.uploadedBy,
          tts: {
            text,
            spoken,
            engine,
            voice: config.voice,
            generationMs: Math.round(run.ms),
            regeneratedFrom: input.regeneratedFrom ?? null,
          },
        });
      } finally {
        rmSync(wav, { force: true });
        rmSync(`${wav}.txt`, { force: true });
      }
    },
  };
}
export type TtsService = ReturnType<typeof createTts>;

/** A name for the library: the text's first line, cut at a word. */
export function titleOf(text: string, max = 80): string {
  const first = text.split('\n')[0].trim();
  if ([...first].length <= max) return first;
  const cut = [...first].slice(0, max).join('');
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2)).trimEnd()}…`;
}
