// Emergency alerts in CAP 1.2 (docs/cap.md): an import, its draft, and the feeds the hub polls.
import { z } from 'zod';
import { Broadcast } from './broadcasts.ts';

/** A message in both languages, with its catalogue code. */
const Said = z.object({ code: z.string(), en: z.string(), vi: z.string() });

export const CapAlertRecord = z.object({
  id: z.number().int(),
  sender: z.string(),
  identifier: z.string(),
  sent: z.string().describe('as the alert gives it, with its offset'),
  msgType: z.enum(['Alert', 'Update', 'Cancel']),
  broadcastId: z.string().nullable().describe('the draft it made, or the broadcast an Update or Cancel acted on'),
  notes: z
    .array(Said)
    .describe('what the district should know before confirming: no audio (and why), no matching area'),
  source: z.string().describe('"upload", or the feed it was read from'),
  importedBy: z.number().int(),
  importedAt: z.string().nullable(),
});

export const CapImportBody = z.object({
  xml: z.string().min(1).max(1_000_000).describe('the CAP 1.2 document, as received (at most 1,000,000 characters)'),
});

export const CapImportAnswer = z.object({
  outcome: z
    .enum(['draft', 'update', 'cancel', 'duplicate'])
    .describe('duplicate: this alert (sender, identifier, sent) was imported before; nothing changed'),
  alert: CapAlertRecord,
  broadcast: Broadcast.nullable(),
  closed: z.array(Broadcast).describe('what an Update or Cancel ended or replaced'),
});

export const CapConfirmBody = z.object({
  areas: z
    .array(z.string())
    .min(1)
    .optional()
    .describe("area paths to broadcast to, instead of those matched from the alert's areaDesc"),
  mediaId: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "a ready recording from the library to air with it: for an alert that brought no audio (LED only), or instead of the alert's own",
    ),
});

export const CapAlertList = z.object({
  alerts: z.array(
    CapAlertRecord.extend({
      status: z.string().nullable().describe("its broadcast's state"),
      title: z.string().nullable().describe("its broadcast's title: CAP: <headline>"),
    }),
  ),
});

export const CapFeedList = z.object({
  intervalSeconds: z.number().int(),
  feeds: z.array(
    z.object({
      url: z.string(),
      checkedAt: z.string().nullable(),
      outcome: z.enum(['draft', 'update', 'cancel', 'duplicate', 'failed']).nullable(),
      broadcastId: z.string().nullable(),
      problem: Said.nullable(),
    }),
  ),
});
