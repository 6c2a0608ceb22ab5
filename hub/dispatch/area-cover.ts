// Which command topics reach a set of devices with the fewest publishes and nobody else. A device
// listens on its own command topic and on the command topic of its area and every ancestor, so one
// publish on an area reaches every device below it. An area may carry a command only when it lies
// within an area the broadcast targets (a device registered there later is a target too, so a
// command still waiting in the outbox cannot reach anyone else) and every device below it that
// could act on the command is allowed to: a district emergency is one publish on the district, but
// a ward where one loudspeaker was left off by a clash decision gets one command per device.
import type { DeviceKind } from '../../protocol/index.ts';
import { areaAncestry, withinScope } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';

export interface FleetDevice {
  id: string;
  kind: DeviceKind;
  areaPath: string;
  enrolled: boolean;
}

/**
 * Every device that holds, or may yet obtain, broker credentials: enrolled, awaiting enrolment or
 * revoked (it may be enrolled again). A decommissioned device has no credentials and never gets
 * them again, so it cannot listen on any topic.
 */
export function listeningFleet(db: Db, page?: { after: string; limit: number }): FleetDevice[] {
  const sql =
    'SELECT d.id, d.kind, a.path, d.enrolled_at FROM devices d JOIN areas a ON a.id = d.area_id WHERE d.decommissioned_at IS NULL';
  const rows = (
    page ? db.prepare(`${sql} AND d.id > ? ORDER BY d.id LIMIT ?`).all(page.after, page.limit) : db.prepare(sql).all()
  ) as Array<{ id: string; kind: DeviceKind; path: string; enrolled_at: number | null }>;
  return rows.map((r) => ({ id: r.id, kind: r.kind, areaPath: r.path, enrolled: r.enrolled_at !== null }));
}

export interface Cover {
  /** area paths to publish on, each reaching at least two wanted devices */
  areas: string[];
  /** devices to address one by one */
  devices: string[];
}

/**
 * `targetAreas`: the areas the broadcast names. `wanted`: the devices that must get the command (enrolled ones; the others get their manifest
 * when they enrol). `allowed`: those that may act on it. `acts(kind)`: whether a device of that kind
 * acts on it at all (an LED board ignores an area play-now that only carries audio), so one that
 * does not act may sit in a covered area.
 */
export function coverDevices(
  fleet: FleetDevice[],
  targetAreas: string[],
  wanted: Set<string>,
  allowed: Set<string>,
  acts: (kind: DeviceKind) => boolean,
): Cover {
  const cover = startCover(targetAreas, wanted, allowed, acts);
  cover.add(fleet);
  return cover.result();
}

/**
 * coverDevices a piece of the fleet at a time (`add` each piece, then `result`): at 10,000 devices
 * the whole fleet in one go holds the event loop too long for a request. `result(maxPerArea)`
 * publishes on no area that reaches more devices than that while it has areas below it that
 * reach some: the embedded broker passes one publish to every subscriber in one turn of the hub's
 * event loop (about 0.15 ms each), so a province's 10,000 at once hold it for over a second, and
 * its wards one after another a few ms each (docs/scaling.md).
 */
export function startCover(
  targetAreas: string[],
  wanted: Set<string>,
  allowed: Set<string>,
  acts: (kind: DeviceKind) => boolean,
) {
  const inTarget = (area: string) => targetAreas.some((t) => withinScope(t, area));
  // A province has a few hundred areas and thousands of devices: each area's lineage once.
  const lineages = new Map<string, { all: string[]; targeted: string[] }>();
  const lineageOf = (path: string) => {
    let l = lineages.get(path);
    if (!l) {
      const all = areaAncestry(path);
      l = { all, targeted: all.filter(inTarget) };
      lineages.set(path, l);
    }
    return l;
  };
  const spoiled = new Set<string>(); // areas with a device below that may not act on the command
  const reach = new Map<string, string[]>(); // area → the wanted devices below it
  function add(fleet: FleetDevice[]): void {
    for (const d of fleet) {
      if (!acts(d.kind)) continue;
      const lineage = lineageOf(d.areaPath);
      if (!allowed.has(d.id)) {
        for (const a of lineage.all) spoiled.add(a);
        continue;
      }
      if (!wanted.has(d.id)) continue;
      for (const a of lineage.targeted) {
        const list = reach.get(a);
        if (list) list.push(d.id);
        else reach.set(a, [d.id]);
      }
    }
  }
  function result(maxPerArea = Number.POSITIVE_INFINITY): Cover {
    const areas: string[] = [];
    const byDevice = new Set(wanted);
    const parentOf = (area: string) => (area.includes('/') ? area.slice(0, area.lastIndexOf('/')) : null);
    const withChildren = new Set([...reach.keys()].map(parentOf));
    const tooLarge = (area: string) => reach.get(area)!.length > maxPerArea && withChildren.has(area);
    // The highest clean areas: each clean one whose parent is spoiled, not a target or too large.
    for (const [area, ids] of reach) {
      if (spoiled.has(area) || tooLarge(area)) continue;
      const parent = parentOf(area);
      if (parent !== null && reach.has(parent) && !spoiled.has(parent) && !tooLarge(parent)) continue;
      // One device alone goes on its own topic: the same one publish, and aimed more narrowly.
      if (ids.length < 2) continue;
      areas.push(area);
      for (const id of ids) byDevice.delete(id);
    }
    return { areas: areas.sort(), devices: [...byDevice].sort() };
  }
  return { add, result };
}
