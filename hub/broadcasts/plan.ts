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
  const base = {
    occurrenceId: occurrenceId(b.id, startAt),
    broadcastId: b.id,
    title: b.title,
    priority: b.priority,
    startAt,
    volume: b.volume,
    // The agent's tie-break for the same priority and start (edge-agent/timeline.ts, rule 3).
    ...(b.status !== 'submitted' && b.decidedAt !== null ? { approvedAt: b.decidedAt } : {}),
  };
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
 * The plan in its compact form, before the product of occurrences and devices is taken: each
 * broadcast's owed starts, each device it reaches with the duration that device plays and the time
 * it left the fleet, and the (broadcast, start, device) triples a clash decision took off. The
 * coverage report joins this in SQL; planOccurrences expands it in memory. One function decides both.
 */
export interface PlanShape {
  occurrences: Array<{ broadcastId: string; occurrenceId: string; startAt: number }>;
  targets: Array<{ broadcastId: string; deviceId: string; kind: DeviceKind; durationMs: number; retiredAt: number | null }>;
  excluded: Set<string>;
}

export function planShape(db: Db, broadcasts: Broadcast[], from: number, to: number, onlyDevices?: Set<string>, pendingDecisionsOf: string[] = []): PlanShape {
  const shape: PlanShape = { occurrences: [], targets: [], excluded: activeExclusions(db, broadcasts.map((b) => b.id), pendingDecisionsOf) };
  const retiredAt = new Map((db.prepare('SELECT id, decommissioned_at FROM devices WHERE decommissioned_at IS NOT NULL').all() as any[]).map((r) => [r.id as string, r.decommissioned_at as number]));
  let kinds: Map<string, DeviceKind> | undefined; // read once, in one query, when first needed
  const kindOf = (id: string) => (kinds ??= new Map((db.prepare('SELECT id, kind FROM devices').all() as Array<{ id: string; kind: DeviceKind }>).map((r) => [r.id, r.kind]))).get(id);
  for (const b of broadcasts) {
    // A recurring rule approved (or replacing an older version) today may begin days earlier: its
    // occurrences before the approval were never sent, so they are not part of the plan.
    const starts = occurrencesBetween(b, from, to).filter((s) => !(b.rrule && b.status !== 'submitted' && b.decidedAt !== null && s < b.decidedAt));
    if (starts.length === 0) continue;
    const media = mediaRef(db, b.mediaId);
    const duration = new Map<DeviceKind, number | null>(); // null: this kind has nothing to play
    const durationFor = (kind: DeviceKind) => {
      if (!duration.has(kind)) duration.set(kind, itemFor(b, kind, starts[0], media)?.durationMs ?? null);
      return duration.get(kind)!;
    };
    let reaches = false;
    for (const deviceId of resolveTargets(db, b.targets.areas, b.targets.devices)) {
      if (onlyDevices && !onlyDevices.has(deviceId)) continue;
      const kind = kindOf(deviceId);
      if (!kind) continue;
      const durationMs = durationFor(kind);
      if (durationMs === null) continue;
      shape.targets.push({ broadcastId: b.id, deviceId, kind, durationMs, retiredAt: retiredAt.get(deviceId) ?? null });
      reaches = true;
    }
    if (reaches) for (const s of starts) shape.occurrences.push({ broadcastId: b.id, occurrenceId: occurrenceId(b.id, s), startAt: s });
  }
  return shape;
}

/**
 * Every (device, occurrence) of these broadcasts whose start lies in [from, to), less those a clash
 * decision took off a device (`pendingDecisionsOf`: count a draft's own decisions before approval).
 */
export function planOccurrences(db: Db, broadcasts: Broadcast[], from: number, to: number, onlyDevices?: Set<string>, pendingDecisionsOf: string[] = []): PlannedOccurrence[] {
  const out: PlannedOccurrence[] = [];
  const shape = planShape(db, broadcasts, from, to, onlyDevices, pendingDecisionsOf);
  const byId = new Map(broadcasts.map((b) => [b.id, b]));
  const startsOf = new Map<string, number[]>();
  for (const o of shape.occurrences) startsOf.set(o.broadcastId, [...(startsOf.get(o.broadcastId) ?? []), o.startAt]);
  const media = new Map<string, MediaRef | undefined>();
  for (const t of shape.targets) {
    const b = byId.get(t.broadcastId)!;
    if (!media.has(b.id)) media.set(b.id, mediaRef(db, b.mediaId));
    for (const s of startsOf.get(b.id) ?? []) {
      // Nothing is owed by a decommissioned device after it left; what came before stays.
      if (t.retiredAt !== null && s >= t.retiredAt) continue;
      if (shape.excluded.has(exclusionKey(b.id, s, t.deviceId))) continue;
      const item = itemFor(b, t.kind, s, media.get(b.id));
      if (item) out.push({ deviceId: t.deviceId, item });
    }
  }
  return out;
}
