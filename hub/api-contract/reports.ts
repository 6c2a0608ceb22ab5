// Coverage reports (what played where, from admitted receipts only), rejected claims, and the
// audit log.
import { z } from 'zod';
import { ReasonText } from './broadcasts.ts';

export const RESULTS = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped', 'pending'] as const;
export const Result = z.enum(RESULTS);
export type Result = z.infer<typeof Result>;

/** Why the hub refused to count a validly signed receipt. */
export const REJECTION_REASONS = ['unplanned', 'not-targeted', 'premature', 'implausible'] as const;
export const RejectionReason = z.enum(REJECTION_REASONS);
export type RejectionReason = z.infer<typeof RejectionReason>;

const Counts = z.object({
  scheduled: z.number().int(),
  secondsPlayed: z.number(),
  ...Object.fromEntries(RESULTS.map((r) => [r, z.number().int()])),
} as Record<'scheduled' | 'secondsPlayed' | Result, z.ZodNumber>);
export type Counts = z.infer<typeof Counts>;

/** Relays, or live sessions: seconds aired and lost, in all and per device. */
const StreamSummary = z.object({
  occurrences: z.number().int(),
  secondsAired: z.number(),
  secondsLost: z.number(),
  byDevice: z.array(
    z.object({
      deviceId: z.string(),
      deviceName: z.string(),
      areaPath: z.string(),
      occurrences: z.number().int(),
      secondsAired: z.number(),
      secondsLost: z.number(),
    }),
  ),
});

export const CoverageSummary = z.object({
  area: z.object({ path: z.string(), name: z.string() }),
  from: z.string().nullable(),
  to: z.string().nullable(),
  generatedAt: z.string().nullable(),
  timeZone: z.string().describe('Asia/Ho_Chi_Minh'),
  totals: Counts,
  byArea: z.array(Counts.extend({ areaPath: z.string(), areaName: z.string() })),
  byDevice: z.array(Counts.extend({ deviceId: z.string(), deviceName: z.string(), areaPath: z.string() })),
  rejectedCount: z.number().int().describe('signed receipts from the area devices that were not counted'),
  rejectedByReason: z.record(RejectionReason, z.number().int()),
  relay: StreamSummary.describe('relays (tiếp âm): seconds aired and lost per device, from admitted receipts'),
  live: StreamSummary.optional().describe(
    'added: live sessions (phát trực tiếp), apart from the relays: seconds aired and lost per device, from admitted receipts',
  ),
});
export type CoverageSummary = z.infer<typeof CoverageSummary>;

export const CoverageRow = z.object({
  occurrenceId: z.string(),
  broadcastId: z.string(),
  title: z.string(),
  priority: z.string(),
  deviceId: z.string(),
  deviceName: z.string(),
  areaPath: z.string(),
  areaName: z.string(),
  scheduledStart: z.string(),
  actualStart: z.string().nullable(),
  actualEnd: z.string().nullable(),
  secondsPlayed: z.number(),
  result: Result,
  confirmed: z.boolean(),
  reason: z.string().nullable().describe('what the device said (technical, English)'),
  reasonCode: z.string().nullable(),
  reasonText: ReasonText,
  evidence: z.unknown(),
  relay: z
    .object({
      secondsAired: z.number(),
      secondsLost: z.number(),
      kind: z
        .enum(['relay', 'live'])
        .optional()
        .describe("added: 'relay' (tiếp âm) or 'live' (phát trực tiếp, a live session)"),
    })
    .optional()
    .describe('a relay occurrence or a live session: seconds of the stream aired and lost'),
});
export type CoverageRow = z.infer<typeof CoverageRow>;

export const RejectedClaim = z.object({
  receiptId: z.string(),
  receivedAt: z.string(),
  deviceId: z.string(),
  deviceName: z.string(),
  areaPath: z.string(),
  areaName: z.string(),
  occurrenceId: z.string(),
  broadcastId: z.string(),
  title: z.string().nullable(),
  claimedResult: z.string(),
  claimedScheduledStart: z.string().nullable(),
  claimedActualStart: z.string().nullable(),
  claimedActualEnd: z.string().nullable(),
  claimedSecondsPlayed: z.number(),
  deviceReason: z.string().nullable(),
  rejection: RejectionReason,
  rejectionDetail: z.string(),
});
export type RejectedClaim = z.infer<typeof RejectedClaim>;

const next = z.string().nullable().describe('reads the following page; null on the last');
export const CoverageRowsPage = z.object({ rows: z.array(CoverageRow), next });
export type CoverageRowsPage = z.infer<typeof CoverageRowsPage>;
export const RejectedClaimsPage = z.object({ claims: z.array(RejectedClaim), next });
export type RejectedClaimsPage = z.infer<typeof RejectedClaimsPage>;

/** The summary with the first page of rows and of rejected claims. */
export const CoverageReport = CoverageSummary.extend({
  rows: z.array(CoverageRow),
  rowsNext: next,
  rejectedClaims: z.array(RejectedClaim),
  rejectedNext: next,
});
export type CoverageReport = z.infer<typeof CoverageReport>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  username: z.string().nullable(),
  action: z.string(),
  target: z.string(),
  detail: z.unknown(),
  userName: z.string().nullable(),
  targetName: z.string().nullable().describe('the name of what the entry is about'),
  names: z.record(z.string(), z.string()).describe('names of the ids the detail mentions'),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditLog = z.array(AuditEntry);
