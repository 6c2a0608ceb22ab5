// The JSON the hub's API returns, as the tests read it: the hub's own types where a route returns
// them unchanged, and the shapes a route builds itself. ApiClient's results are untyped until the
// routes have response schemas; tests name what they read with these.
import type { presentBroadcast } from '../../hub/broadcasts/broadcasts.ts';

export type { AuditEntry } from '../../hub/audit.ts';
export type { Device } from '../../hub/devices/devices.ts';
export type { DayOccurrence } from '../../hub/http/routes/schedule-routes.ts';
export type { MediaItem, MediaOutput } from '../../hub/media/media-store.ts';
export type { CoverageRow, RejectedClaim } from '../../hub/reports/coverage.ts';
export type { Conflict } from '../../hub/schedule/conflicts.ts';

/** A broadcast as the API returns it: times as Vietnam dates (presentBroadcast). */
export type Broadcast = ReturnType<typeof presentBroadcast>;

/** One device's occurrence of a broadcast (GET /api/v1/broadcasts/:id, `devices`). */
export interface BroadcastDevice {
  deviceId: string;
  deviceName: string;
  online: boolean;
  occurrenceId: string;
  scheduledStart: string;
  state: string;
  actualStart: string | null;
  actualEnd: string | null;
  secondsPlayed: number | null;
  reason: string | null;
  reasonCode: string | null;
  reasonText: { vi: string; en: string } | null;
  evidence: unknown;
}

/** GET /api/v1/broadcasts/:id: the broadcast with a page of its devices' occurrences. */
export type BroadcastDetail = Broadcast & {
  devices: BroadcastDevice[];
  deviceCounts: Record<string, number>;
  devicesTotal: number;
  devicesNextOffset: number | null;
};

/** A response body read without ApiClient (raw fetch), as untyped as ApiClient's results. */
export type { HubJson } from '../../cli/api-client.ts';
