// Which of the hub's areas a CAP <area> names. CAP gives free text (areaDesc) and optional codes;
// the hub knows its areas by name, so a name matches when it is the same words once case, Unicode
// form, spacing and the administrative word in front ("Phường", "Quận", "TP.") are set aside.
// Vietnamese administrative codes (geocode) are not held by the hub's areas, so they do not match.
import type { Db } from '../db/database.ts';
import { withinScope } from '../areas/areas.ts';

const PREFIX =
  /^(phường|xã|thị trấn|quận|huyện|thị xã|thành phố|tp\.?|tỉnh|tổ dân phố|ấp|thôn|khu phố|ward|district|province|city)\s+/u;

/** A name as compared: NFC, lower case, single spaces, without its administrative word. */
export function nameKey(name: string): string {
  const n = name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  return n.replace(PREFIX, '').trim();
}

/**
 * The paths of the hub's areas (within `scope`) that the alert's areaDesc texts name. Each areaDesc
 * may list several places ("Phường Kim Giang, Phường Hạ Đình"); an area inside another matched one
 * is dropped, since the larger already covers it.
 */
export function matchAreas(db: Db, areaDescs: string[], scope: string | null): string[] {
  const wanted = new Set(
    areaDescs
      .flatMap((d) => d.split(/[,;]/))
      .map(nameKey)
      .filter(Boolean),
  );
  const areas = db.prepare('SELECT path, name FROM areas ORDER BY path').all() as Array<{ path: string; name: string }>;
  const hits = areas.filter((a) => wanted.has(nameKey(a.name)) && withinScope(scope, a.path)).map((a) => a.path);
  return hits.filter((p) => !hits.some((q) => q !== p && p.startsWith(`${q}/`)));
}
