// What each device is expected to play: the same function feeds the manifests the hub sends and
// the coverage report's "scheduled" column, so the report cannot disagree with the dispatch.
import type { DeviceKind, ScheduleItem, MediaRef } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { getDevice, resolveTargets } from '../devices/devices.ts';
import { getMedia } from '../media/media-store.ts';
import { streamKind, type Broadcast } from './broadcasts.ts';
import { occurrenceId, occurrencesBetween } from './recurrence.ts';
import { activeExclusions, exclusionKey } from './exclusions.ts';
import { liveRef, relayRef } from '../streaming/relay-source.ts';

export interface PlannedOccurrence {
  deviceId: string;
  item: ScheduleItem;
}

function mediaRef(db: Db, mediaId: number | null): MediaRef | undefined {
  if (mediaId === null) return undefined;
  const m = getMedia(db, mediaId);
  const opus = m?.outputs.find((o) => o.format === 'opus') ?? m?.outputs[0];
  if (!m || !opus) return undefined;
  const lufs = m.loudness?.outputI;
  return {
    sha256: opus.sha256,
    url: `/media/${opus.file}`,
    bytes: opus.bytes,
    format: opus.format,
    durationMs: m.durationMs!,
    loudnessLufs: typeof lufs === 'number' ? lufs : undefined,
  };
}

/** The item a device of this kind plays for a broadcast, or null when the kind has nothing to do. */
export function itemFor(
  b: Broadcast,
  kind: DeviceKind,
  startAt: number,
  media: MediaRef | undefined,
): ScheduleItem | null {
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
  // A relay plays for its own length; `media` is then its station ident (the fallback), if any.
  if (kind === 'speaker' && b.relay)
    return { ...base, durationMs: b.durationMs, relay: relayRef(b.relay, base.occurrenceId, media) };
  // A live session plays like a relay of the hub's own stream, for as long as it lasts.
  if (kind === 'speaker' && b.live)
    return { ...base, durationMs: b.durationMs, relay: liveRef(base.occurrenceId, b.live.bufferMs) };
  if (kind === 'speaker' && media) return { ...base, durationMs: media.durationMs, media };
  if (kind === 'led' && b.led) {
    // A board shows every page at least once, and stays up as long as the audio plays.
    const pagesMs = b.led.pages.reduce((s, p) => s + p.seconds * 1000, 0);
    return { ...base, durationMs: Math.max(b.durationMs, pagesMs), led: b.led };
  }
  return null;
}

/**
 * What a device of this kind must have announced (its agent's birth, `capabilities`) to be sent an
 * item of this broadcast: an agent older than relays refuses a manifest holding one, whole. Null when
 * any agent plays it.
 */
export function capabilityNeeded(b: Broadcast, kind: DeviceKind): string | null {
  if (kind !== 'speaker') return null;
  // A live item is a relay item with a jitter buffer: an agent that knows relays but not live sessions
  // would refuse it (its schema), so it needs an agent that announces 'live'.
  return streamKind(b);
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
  targets: Array<{
    broadcastId: string;
    deviceId: string;
    kind: DeviceKind;
    durationMs: number;
    retiredAt: number | null;
    /**
     * The capability the device lacks for this broadcast (it announced others, not this one): it is
     * sent nothing of it, and the reports show it as not capable rather than silently absent.
     */
    notCapable: string | null;
    /**
     * Since when it has lacked it (its birth that said so; 0 when unknown): occurrences before that
     * stay owed, so a device cannot excuse the ones it missed by announcing less afterwards.
     */
    notCapableSince: number;
  }>;
  excluded: Set<string>;
}

/**
 * What several calls in a row may share, read once: each broadcast's targets, starts and media, the
 * clash exclusions, the decommissioned devices and every device's kind (the manifest refresh plans a
 * large fleet a slice at a time; receipt admission plans a batch's occurrences one window each).
 * The starts are those of the last window [from, to) asked, the rest holds for any window; make a
 * new one whenever devices, targets or decisions may have changed.
 */
export interface PlanCache {
  targets: Map<string, { list: string[]; set: Set<string> }>;
  /** each broadcast's starts in `startsWindow` */
  starts: Map<string, { starts: number[]; media: MediaRef | undefined }>;
  startsWindow?: { from: number; to: number };
  kinds?: Map<string, DeviceKind>;
  /** what each device announced it can do (null: nothing announced yet), read when a broadcast needs it */
  capabilities?: Map<string, { caps: string[] | null; since: number }>;
  /**
   * What was owed before a device announced a lack stays owed (receipt admission asks about the
   * past). Unset, a lack drops the item whenever it started: a manifest is what is sent now, and an
   * agent lacking the capability would refuse the whole manifest.
   */
  owedBeforeLack?: boolean;
  /** the exclusions of the broadcasts in `excludedFor` */
  excluded: Set<string>;
  excludedFor: Set<string>;
  retiredAt?: Map<string, number>;
}
export const newPlanCache = (): PlanCache => ({
  targets: new Map(),
  starts: new Map(),
  excluded: new Set(),
  excludedFor: new Set(),
});

/** Above this many devices one query for every kind beats one query per device. */
const BULK_KINDS = 64;

export function planShape(
  db: Db,
  broadcasts: Broadcast[],
  from: number,
  to: number,
  onlyDevices?: Set<string>,
  pendingDecisionsOf: string[] = [],
  cache: PlanCache = newPlanCache(),
): PlanShape {
  const unknown = broadcasts.map((b) => b.id).filter((id) => !cache.excludedFor.has(id));
  if (unknown.length) {
    for (const key of activeExclusions(db, unknown, pendingDecisionsOf)) cache.excluded.add(key);
    for (const id of unknown) cache.excludedFor.add(id);
  }
  const shape: PlanShape = { occurrences: [], targets: [], excluded: cache.excluded };
  const retiredAt = (cache.retiredAt ??= new Map(
    (
      db.prepare('SELECT id, decommissioned_at FROM devices WHERE decommissioned_at IS NOT NULL').all() as Array<{
        id: string;
        decommissioned_at: number;
      }>
    ).map((r) => [r.id, r.decommissioned_at]),
  ));
  if (!cache.kinds && (!onlyDevices || onlyDevices.size > BULK_KINDS)) {
    cache.kinds = new Map(
      (db.prepare('SELECT id, kind FROM devices').all() as Array<{ id: string; kind: DeviceKind }>).map((r) => [
        r.id,
        r.kind,
      ]),
    );
  }
  const kinds = cache.kinds;
  const kindOf = (id: string) => (kinds ? kinds.get(id) : getDevice(db, id)?.kind);
  type Caps = { caps: string[] | null; since: number };
  const toCaps = (r: { capabilities: string | null; capabilities_at: number | null } | undefined): Caps => ({
    caps: r?.capabilities ? (JSON.parse(r.capabilities) as string[]) : null,
    since: r?.capabilities_at ?? 0,
  });
  const capabilitiesOf = (id: string): Caps => {
    if (!cache.capabilities && (!onlyDevices || onlyDevices.size > BULK_KINDS)) {
      const rows = db.prepare('SELECT id, capabilities, capabilities_at FROM devices').all() as Array<{
        id: string;
        capabilities: string | null;
        capabilities_at: number | null;
      }>;
      cache.capabilities = new Map(rows.map((r) => [r.id, toCaps(r)]));
    }
    if (cache.capabilities) return cache.capabilities.get(id) ?? { caps: null, since: 0 };
    return toCaps(
      db.prepare('SELECT capabilities, capabilities_at FROM devices WHERE id = ?').get(id) as
        | { capabilities: string | null; capabilities_at: number | null }
        | undefined,
    );
  };
  // A device that never announced (before its first birth since the upgrade) is not refused: every
  // agent announces at each connection, and the hub plans its manifest again when that changes.
  const lacks = (id: string, needed: string | null) => {
    if (needed === null) return null;
    const { caps } = capabilitiesOf(id);
    return caps !== null && !caps.includes(needed) ? needed : null;
  };
  const targetsOf = (b: Broadcast) => {
    let t = cache.targets.get(b.id);
    if (!t) {
      const list = resolveTargets(db, b.targets.areas, b.targets.devices);
      cache.targets.set(b.id, (t = { list, set: new Set(list) }));
    }
    // A few devices of a large target: look them up rather than walk every target.
    if (onlyDevices && onlyDevices.size < t.list.length) return [...onlyDevices].filter((id) => t.set.has(id)).sort();
    return t.list;
  };
  for (const b of broadcasts) {
    const { starts, media } = startsOf(db, b, from, to, cache);
    if (starts.length === 0) continue;
    const duration = new Map<DeviceKind, number | null>(); // null: this kind has nothing to play
    const durationFor = (kind: DeviceKind) => {
      if (!duration.has(kind)) duration.set(kind, itemFor(b, kind, starts[0], media)?.durationMs ?? null);
      return duration.get(kind)!;
    };
    let reaches = false;
    for (const deviceId of targetsOf(b)) {
      if (onlyDevices && !onlyDevices.has(deviceId)) continue;
      const kind = kindOf(deviceId);
      if (!kind) continue;
      const durationMs = durationFor(kind);
      if (durationMs === null) continue;
      shape.targets.push({
        broadcastId: b.id,
        deviceId,
        kind,
        durationMs,
        retiredAt: retiredAt.get(deviceId) ?? null,
        notCapable: lacks(deviceId, capabilityNeeded(b, kind)),
        notCapableSince: capabilityNeeded(b, kind) === null ? 0 : capabilitiesOf(deviceId).since,
      });
      reaches = true;
    }
    if (reaches)
      for (const s of starts)
        shape.occurrences.push({ broadcastId: b.id, occurrenceId: occurrenceId(b.id, s), startAt: s });
  }
  return shape;
}

/** A broadcast's starts in [from, to) and its media, read once per cache and window. */
function startsOf(db: Db, b: Broadcast, from: number, to: number, cache: PlanCache) {
  const w = cache.startsWindow;
  if (!w || w.from !== from || w.to !== to) {
    cache.starts.clear();
    cache.startsWindow = { from, to };
  }
  let r = cache.starts.get(b.id);
  if (!r) {
    // A recurring rule approved (or replacing an older version) today may begin days earlier: its
    // occurrences before the approval were never sent, so they are not part of the plan.
    const starts = occurrencesBetween(b, from, to).filter(
      (s) => !(b.rrule && b.status !== 'submitted' && b.decidedAt !== null && s < b.decidedAt),
    );
    const mediaId = b.relay ? b.relay.identMediaId : b.mediaId;
    cache.starts.set(b.id, (r = { starts, media: starts.length ? mediaRef(db, mediaId) : undefined }));
  }
  return r;
}

/**
 * A broadcast's planned starts in [from, to) and the longest any kind of device plays it: enough
 * to tell whether two broadcasts can overlap in time at all, before planning their devices.
 */
export function plannedStarts(db: Db, b: Broadcast, from: number, to: number): { starts: number[]; longestMs: number } {
  const { starts, media } = startsOf(db, b, from, to, newPlanCache());
  const longest = Math.max(
    0,
    ...(['speaker', 'led'] as const).map((kind) =>
      starts.length ? (itemFor(b, kind, starts[0], media)?.durationMs ?? 0) : 0,
    ),
  );
  return { starts: [...starts].sort((x, y) => x - y), longestMs: longest };
}

/**
 * Every (device, occurrence) of these broadcasts whose start lies in [from, to), less those a clash
 * decision took off a device (`pendingDecisionsOf`: count a draft's own decisions before approval).
 */
export function planOccurrences(
  db: Db,
  broadcasts: Broadcast[],
  from: number,
  to: number,
  onlyDevices?: Set<string>,
  pendingDecisionsOf: string[] = [],
  cache: PlanCache = newPlanCache(),
): PlannedOccurrence[] {
  const out: PlannedOccurrence[] = [];
  const shape = planShape(db, broadcasts, from, to, onlyDevices, pendingDecisionsOf, cache);
  const byId = new Map(broadcasts.map((b) => [b.id, b]));
  // Every device of a kind gets the same item of an occurrence: one object, shared (read only),
  // instead of one per device (at 10,000 devices building them was half of an emergency's plan).
  const items = new Map<string, ScheduleItem | null>();
  for (const t of shape.targets) {
    const b = byId.get(t.broadcastId)!;
    const { starts, media } = startsOf(db, b, from, to, cache);
    for (const s of starts) {
      // The device could not take it since it said so: nothing is sent; what came before stays owed.
      if (t.notCapable !== null && (!cache.owedBeforeLack || s >= t.notCapableSince)) continue;
      // Nothing is owed by a decommissioned device after it left; what came before stays.
      if (t.retiredAt !== null && s >= t.retiredAt) continue;
      if (shape.excluded.has(exclusionKey(b.id, s, t.deviceId))) continue;
      const key = `${b.id}|${t.kind}|${s}`;
      let item = items.get(key);
      if (item === undefined) {
        item = itemFor(b, t.kind, s, media);
        items.set(key, item);
      }
      if (item) out.push({ deviceId: t.deviceId, item });
    }
  }
  return out;
}
