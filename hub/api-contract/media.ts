// Media: uploaded and typed bulletins, their processing state, and waveform peaks.
import { z } from 'zod';
import { CatalogueText } from './system.ts';

export const MediaOutput = z.object({
  format: z.enum(['opus', 'mp3']),
  file: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  mime: z.string(),
});
export const MediaFromText = z.object({
  text: z.string().describe('what the official typed'),
  spoken: z.string().describe('what the engine was given: numbers, dates, times and abbreviations written out'),
  engine: z.string(),
  voice: z.string(),
  generationMs: z.number(),
  regeneratedFrom: z.number().int().nullable(),
});
export const MediaItem = z.object({
  id: z.number().int(),
  originalName: z.string(),
  sourceSha256: z.string().nullable(),
  sourceBytes: z.number().int(),
  status: z.enum(['processing', 'ready', 'failed']),
  error: z.string().nullable().describe('why processing failed (English)'),
  errorVi: z.string().nullable(),
  errorCode: z.string().nullable().describe('not-audio, corrupt, too-long, silent, ...'),
  durationMs: z.number().nullable(),
  loudness: z.record(z.string(), z.unknown()).nullable(),
  outputs: z.array(MediaOutput),
  uploadedBy: z.number().int(),
  source: z.enum(['upload', 'text']),
  tts: MediaFromText.nullable(),
  createdAt: z.string().nullable(),
  processedAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
});
export type MediaItem = z.infer<typeof MediaItem>;
/** In the library: whether you may archive or delete it. */
export const LibraryItem = MediaItem.extend({ mayManage: z.boolean() });
export type LibraryItem = z.infer<typeof LibraryItem>;
export const Library = z.array(LibraryItem);

/** A deleted item: its id and the files removed (outputs another item shares stay). */
export const MediaDeleted = z.object({ id: z.number().int(), removedFiles: z.array(z.string()) });

export const Waveform = z.object({
  sha256: z.string(),
  buckets: z.number().int(),
  durationMs: z.number(),
  peaks: z.array(z.number()).describe('peak absolute amplitude per bucket, 0..1'),
});
export type Waveform = z.infer<typeof Waveform>;

export const TtsInfo = z.object({
  engine: z.string(),
  voice: z.string(),
  program: z.string(),
  available: z.boolean().describe("the engine's program is installed on the hub"),
  maxChars: z.number().int(),
});
/** GET /api/v1/tts: the engine, and why typed bulletins cannot be read when it is missing. */
export const TtsEngine = TtsInfo.extend({
  problem: CatalogueText.optional().describe('why typed bulletins cannot be read now (the engine is missing)'),
});
export type TtsEngine = z.infer<typeof TtsEngine>;
export const TextBody = z.object({ text: z.string().max(200_000) });
export const TtsBody = TextBody.extend({
  /** The typed bulletin (media id) this text is a new reading of: recorded with the new media. */
  regenerates: z.number().int().positive().optional(),
});
/** What the engine will read for a text: numbers, dates and abbreviations written out. */
export const TtsSpoken = z.object({ spoken: z.string() });
