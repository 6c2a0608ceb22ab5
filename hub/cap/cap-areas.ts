// Which of the hub's areas a CAP <area> names. CAP gives free text (areaDesc) and optional codes
// (geocode). A geocode whose value is an area's administrative code (mã đơn vị hành chính, set on
// the area) names it exactly, whatever the valueName; an <area> none of whose codes the hub knows is
// matched by name: the same words once case, Unicode form, spacing and the administrative word in
// front ("Phường", "Quận", "TP.") are set aside.
import type { Db } from '../db/database.ts';
import { getAreaByCode, withinScope } from '../areas/areas.ts';

const PREFIX =
  /^(phường|xã|thị trấn|quận|huyện|thị xã|thành phố|tp\.?|tỉnh|tổ dân phố|ấp|thôn|khu phố|ward|district|province|city)\s+/u;

/** A name as compared: NFC, lower case, single spaces, without its administrative word. */
export function nameKey(name: string): string {
  const n = name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  return n.replace(PREFIX, '').trim();
}

export interface CapArea {
  areaDesc: string;
  geocode: Array<{ valueName: string; value: string }>;
}

/**
 * The paths of the hub's areas (within `scope`) that the alert's <area>s name: by their geocodes
 * where the hub holds one of them, else by their areaDesc texts. An areaDesc may list several places
 * ("Phường Kim Giang, Phường Hạ Đình"); an area inside another matched one is dropped, since the
 * larger already covers it.
 */
export function matchAreas(db: Db, capAreas: CapArea[], scope: string | null): string[] {
  const hits = new Set<string>();
  const wanted = new Set<string>();
  for (const a of capAreas) {
    const coded = a.geocode.map((g) => getAreaByCode(db, g.value)).filter((x) => x !== undefined);
    if (coded.length) for (const c of coded) hits.add(c.path);
    else for (const part of a.areaDesc.split(/[,;]/).map(nameKey).filter(Boolean)) wanted.add(part);
  }
  if (wanted.size) {
    const areas = db.prepare('SELECT path, name FROM areas ORDER BY path').all() as Array<{
      path: string;
      name: string;
    }>;
    for (const a of areas) if (wanted.has(nameKey(a.name))) hits.add(a.path);
  }
  const inScope = [...hits].filter((p) => withinScope(scope, p)).sort();
  return inScope.filter((p) => !inScope.some((q) => q !== p && p.startsWith(`${q}/`)));
}
