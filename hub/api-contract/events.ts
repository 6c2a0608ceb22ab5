// Live events: what the hub's event bus carries, and what /api/v1/events streams to the web UI
// (server-sent events, one per kind, filtered to the user's area).
import type { Receipt, Telemetry } from '../../protocol/schemas.ts';
import type { BroadcastStatus } from './broadcasts.ts';

export interface LiveEvents {
  /** a device came online or went offline */
  device: { deviceId: string; state: 'online' | 'offline' };
  /** an admitted receipt */
  receipt: Receipt;
  telemetry: Telemetry;
  /** a broadcast was created, changed status or had a clash decided */
  broadcast: { id: string; status: BroadcastStatus };
  /** media finished processing, or was archived, restored or deleted */
  media: { id: number; status?: 'ready' | 'failed'; seconds?: number };
}
export type LiveKind = keyof LiveEvents;
export const LIVE_KINDS = [
  'device',
  'receipt',
  'broadcast',
  'telemetry',
  'media',
] as const satisfies readonly LiveKind[];

/** The hub's event map for node's EventEmitter<T>: each event's listener arguments. */
export type HubEventMap = { [K in LiveKind]: [LiveEvents[K]] };
