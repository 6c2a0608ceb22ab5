// What each device is expected to play: the same function feeds the manifests the hub sends and
// the coverage report's "scheduled" column, so the report cannot disagree with the dispatch.
import type { DeviceKind, ScheduleItem, MediaRef } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { resolveTargets } from '../devices/devices.ts';
import { getMedia } from '../media/media-store.ts';
import type { Broadcast } from './broadcasts.ts';
import { occurrenceId, occurrencesBetween } from './recurrence.ts';
import { activeExclusions, exclusionKey } from './exclusions.ts';

export interface PlannedOccurrence {
  deviceId: string;
  item: ScheduleItem;
}

function mediaRef(db: Db, mediaId: number | null): MediaRef | undefined {
  if (mediaId === null) return undefined;
  const m = getMedia(db, mediaId);
  const opus = m?.outputs.find((o) => o.format === 'opus') ?? m?.outputs[0];
  if (!m || !opus) return undefined;
  return {
    sha256: opus.sha256,
    url: `/media/${opus.file}`,
    bytes: opus.bytes,
    format: opus.format,
    durationMs: m.durationMs!,
    loudnessLufs: (m.loudness as any)?.outputI,
  };
}

/** The item a device of this kind plays for a broadcast, or null when the kind has nothing to do. */
export function itemFor(b: Broadcast, kind: DeviceKind, startAt: number, media: MediaRef | undefined): ScheduleItem | null {
  const base = { occurrenceId: occurrenceId(b.id, startAt), broadcastId: b.id, title: b.title, priority: b.priority, startAt, volume: b.volume };
  if (kind === 'speaker' && media) return { ...base, durationMs: media.durationMs, media };
  if (kind === 'led' && b.led) {
    // A board shows every page at least once, and stays up as long as the audio plays.
    const pagesMs = b.led.pages.reduce((s, p) => s + p.seconds * 1000, 0);
    return { ...base, durationMs: Math.max(b.durationMs, pagesMs), led: b.led };
  }
  return null;
}

/**
 * What a broadcast owes: an approved one, everything it plans; one approved and later cancelled
 * (or superseded by an approved edit), what started before the cancellation; one withdrawn or
 * rejected before approval, nothing. The coverage report and receipt admission both ask this.
 */
export function everOwed(b: Broadcast): boolean {
  return b.status === 'approved' || (b.status === 'cancelled' && b.decidedAt !== null);
}
export function owedAt(b: Broadcast, startAt: number): boolean {
  return everOwed(b) && (b.cancelledAt === null || startAt < b.cancelledAt);
}

/**
 * Every (device, occurrence) of these broadcasts whose start lies in [from, to), less those a clash
 * decision took off a device (`pendingDecisionsOf`: count a draft's own decisions before approval).
 */
export function planOccurrences(db: Db, broadcasts: Broadcast[], from: number, to: number, onlyDevices?: Set<string>, pendingDecisionsOf: string[] = []): PlannedOccurrence[] {
  const out: PlannedOccurrence[] = [];
  const excluded = activeExclusions(
    db,
    broadcasts.map((b) => b.id),
    pendingDecisionsOf,
  );
  const retiredAt = new Map((db.prepare('SELECT id, decommissioned_at FROM devices WHERE decommissioned_at IS NOT NULL').all() as any[]).map((r) => [r.id as string, r.decommissioned_at as number]));
  const decommissionedAt = (id: string) => retiredAt.get(id) ?? null;
  const kinds = new Map<string, DeviceKind | undefined>();
  const kindStmt = db.prepare('SELECT kind FROM devices WHERE id = ?').pluck();
  const kindOf = (id: string) => {
    if (!kinds.has(id)) kinds.set(id, kindStmt.get(id) as DeviceKind | undefined);
    return kinds.get(id);
  };
  for (const b of broadcasts) {
    // A recurring rule approved (or replacing an older version) today may begin days earlier: its
    // occurrences before the approval were never sent, so they are not part of the plan.
    const starts = occurrencesBetween(b, from, to).filter((s) => !(b.rrule && b.status !== 'submitted' && b.decidedAt !== null && s < b.decidedAt));
    if (starts.length === 0) continue;
    const media = mediaRef(db, b.mediaId);
    for (const deviceId of resolveTargets(db, b.targets.areas, b.targets.devices)) {
      if (onlyDevices && !onlyDevices.has(deviceId)) continue;
      const kind = kindOf(deviceId);
      if (!kind) continue;
      const retired = decommissionedAt(deviceId);
      for (const s of starts) {
        // Nothing is owed by a decommissioned device after it left; what came before stays.
        if (retired !== null && s >= retired) continue;
        if (excluded.has(exclusionKey(b.id, s, deviceId))) continue;
        const item = itemFor(b, kind, s, media);
        if (item) out.push({ deviceId, item });
      }
    }
  }
  return out;
}
