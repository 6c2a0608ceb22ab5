// TEMPORARY until the `live` branch's hub/api-contract/live.ts is merged: the contract's shapes.
export interface NewLive {
  title: string;
  areaIds: string[];
  priority: 'normal' | 'emergency';
  ledText?: string;
  bufferMs?: number;
}
export interface LiveStarted {
  id: string;
  broadcastId: string;
  occurrenceId: string;
  state: 'starting';
  audioUrl: string;
  startsAt: string;
  maxSeconds: number;
  bufferMs: number;
}
export interface LiveListener {
  deviceId: string;
  name: string;
  areaId: string;
  state: 'waiting' | 'listening' | 'lost';
  since: string | null;
  bytes: number;
}
export interface LiveSession {
  id: string;
  broadcastId: string;
  occurrenceId: string;
  title: string;
  areaIds: string[];
  priority: 'normal' | 'emergency';
  state: 'starting' | 'live' | 'ended';
  startedBy: number;
  startedAt: string;
  endedAt: string | null;
  endReason: null | 'ended-by-user' | 'source-lost' | 'max-length' | 'pre-empted';
  secondsLive: number;
  bufferMs: number;
  maxSeconds: number;
  listeners: LiveListener[];
  startedByName?: string;
  secondsReceived?: number;
}
