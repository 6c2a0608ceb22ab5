// What a running agent tells whoever watches it (tests, the demo, the fleet simulator): each event
// and what it carries, so `events.on` and `events.emit` are checked against one list.
import type { EventEmitter } from 'node:events';
import type { ClockSample, PlaybackResult, Priority, Receipt } from '../protocol/index.ts';
import type { ManifestApplyResult } from './store.ts';

export interface AgentEvents {
  /** an MQTT session began (its number counts the sessions of this run) */
  connected: { session: number };
  disconnected: undefined;
  /** a manifest was applied */
  schedule: { version: number } & ManifestApplyResult;
  /** a signed command was accepted */
  command:
    | { type: 'play-now'; occurrenceId: string; via: 'device' | 'area' }
    | { type: 'stop'; broadcastId: string; dropped: number };
  'media-ready': string;
  'media-failed': { sha256: string; error: string };
  playing: { occurrenceId: string; broadcastId: string; priority: Priority; title: string };
  idle: { occurrenceId: string; result: PlaybackResult };
  'receipt-queued': Receipt;
  /** the hub acknowledged a receipt: its id */
  'receipt-acked': string;
  /** a hub message refused (bad signature, wrong target, expired, ...) */
  rejected: { reason: string; topic: string; detail: string };
  /** a message that failed on time before the clock synced: held until the first clock sample */
  held: { reason: string; topic: string; detail: string };
  clock: { sample: ClockSample; best: ClockSample };
  /** the first clock sample of this run: the best estimate */
  'clock-synced': ClockSample;
  /** a hub instance other than the last one seen came online */
  'hub-online': string;
}
export type AgentEventName = keyof AgentEvents;

/** The agent's event map for node's EventEmitter<T>: each event's listener arguments. */
export type AgentEventMap = { [K in AgentEventName]: AgentEvents[K] extends undefined ? [] : [AgentEvents[K]] };
export type AgentEventBus = EventEmitter<AgentEventMap>;
