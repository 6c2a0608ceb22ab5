// The global manifest version counter. Versions only grow: an agent ignores a manifest whose
// version is not newer than the one it holds, so a hub restored from an old backup must first
// raise its counter past what the devices report.
import type { Db } from '../db/database.ts';
import { stateGet, stateSet } from '../db/database.ts';

const KEY = 'manifest_version';

export function currentManifestVersion(db: Db): number {
  return Number(stateGet(db, KEY) ?? '0');
}

/** Records the last version issued (a refresh slice numbers its manifests, then saves once). */
export function setManifestVersion(db: Db, v: number): void {
  stateSet(db, KEY, String(v));
}

/** Makes the next version greater than `seen`. True when the counter moved. */
export function raiseManifestVersion(db: Db, seen: number): boolean {
  if (seen <= currentManifestVersion(db)) return false;
  stateSet(db, KEY, String(seen));
  return true;
}
