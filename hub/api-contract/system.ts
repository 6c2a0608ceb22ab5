// The hub itself: health and its public key.
import { z } from 'zod';

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.boolean(),
  mqtt: z.boolean(),
  mediaQueue: z.number().int(),
});
export const HubKey = z.object({ publicKey: z.string().describe('PEM') });
/** A catalogue message: its code, English and Vietnamese. */
export const CatalogueText = z.object({ code: z.string(), en: z.string(), vi: z.string() });
