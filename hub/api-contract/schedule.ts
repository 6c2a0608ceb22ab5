// The schedule: a draft's conflicts and quiet hours, the week calendar, and clash decisions.
import { z } from 'zod';
import { Priority } from '../../protocol/schemas.ts';
import { QuietClash } from './areas.ts';
import { BroadcastStatus, BroadcastTargets, StandingDecision } from './broadcasts.ts';

export const Conflict = z.object({
  kind: z.enum(['overlap', 'preempts', 'preempted', 'decision']),
  deviceId: z.string(),
  deviceName: z.string(),
  draftStart: z.string(),
  draftEnd: z.string(),
  broadcastId: z.string(),
  title: z.string(),
  priority: Priority,
  status: z.string(),
  otherStart: z.string(),
  otherEnd: z.string(),
  draftStartAt: z.number(),
  otherStartAt: z.number(),
  otherLevel: z.enum(['higher', 'same', 'lower']),
  plays: z.enum(['draft', 'other', 'first-approved']).describe('which of the two the device plays, undecided'),
  leaderChooses: z.boolean().describe('same priority and level as an approved bulletin: the approving leader chooses'),
});
export type Conflict = z.infer<typeof Conflict>;

export const DraftCheck = z.object({
  occurrences: z.number().int(),
  firstStart: z.string().nullable(),
  devices: z.number().int().describe('devices that get something to play or show'),
  durationMs: z.number(),
  conflicts: z.array(Conflict),
  quietHours: z.array(QuietClash),
  clashDecision: StandingDecision.describe('for a stored broadcast under review: the clash decision its author took'),
});
export type DraftCheck = z.infer<typeof DraftCheck>;

export const DecisionBody = z.object({
  decision: z.enum(['air-ours', 'yield']),
  conflictsWith: z.array(z.string().max(64)).max(50).default([]),
});
export const DecisionResult = z.object({
  decision: z.enum(['air-ours', 'yield']),
  excluded: z.array(
    z.object({
      broadcastId: z.string(),
      title: z.string(),
      start: z.string(),
      deviceId: z.string(),
      deviceName: z.string(),
    }),
  ),
  outsideYourArea: z.array(z.string()),
  previousDevices: z.array(z.string()),
});

export const ClashToDecide = z.object({
  broadcastId: z.string(),
  title: z.string(),
  against: z.array(z.object({ id: z.string(), title: z.string() })),
});
export type ClashToDecide = z.infer<typeof ClashToDecide>;
export const ClashesToDecide = z.array(ClashToDecide);

export const Occurrence = z.object({
  broadcastId: z.string(),
  title: z.string(),
  priority: Priority,
  status: BroadcastStatus,
  start: z.string(),
  end: z.string(),
  durationMs: z.number(),
  recurring: z.boolean(),
  hasAudio: z.boolean(),
  hasLed: z.boolean(),
  relay: z
    .object({ url: z.string(), endsAt: z.string().nullable() })
    .nullable()
    .describe('a relay (tiếp âm): its upstream and end time'),
  targets: BroadcastTargets,
  leftOffDevices: z.array(z.string()).describe('devices of this area a clash decision takes this occurrence off'),
});
export type Occurrence = z.infer<typeof Occurrence>;
export const Schedule = z.array(Occurrence);
