// A payload as it arrives from MQTT (a string or a Node Buffer): its size on the wire, and JSON
// parsed with a schema. Node only (Buffer), apart from schemas.ts so that web/ may import the
// schemas themselves.
import type { z } from 'zod';
import { MAX_PAYLOAD_BYTES, describeZodError } from './schemas.ts';

/** Parses JSON text with a schema; the error names the problem (never throws anything else). */
export function parseJson<T extends z.ZodTypeAny>(
  schema: T,
  text: string | Buffer,
): { ok: true; value: z.infer<T> } | { ok: false; error: string } {
  const bytes = payloadBytes(text);
  if (bytes > MAX_PAYLOAD_BYTES) return { ok: false, error: `payload of ${bytes} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  let raw: unknown;
  try {
    raw = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  const r = schema.safeParse(raw);
  if (!r.success) return { ok: false, error: describeZodError(r.error) };
  return { ok: true, value: r.data };
}

/** Size in bytes as on the wire: a string's length counts UTF-16 units, not UTF-8 bytes. */
export function payloadBytes(payload: string | Buffer): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
}
