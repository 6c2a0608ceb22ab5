// The global manifest version counter. Versions only grow: an agent ignores a manifest whose
// version is not newer than the one it holds, so a version must never be issued twice, and a hub
// restored from an old backup must first raise its counter past what the devices report.
//
// Versions come from a reserved counter (db/reserved-counter.ts): a block is on disk before its
// first version is used, so the refresh slices that issue them may commit relaxed (a power cut can
// lose a slice's rows, never make the hub issue a version a device already holds). The hub_state
// row is the last version a slice saved, read at start only as a floor (a hub from before blocks).
import type { Db } from '../db/database.ts';
import { stateGet, stateSet } from '../db/database.ts';
import { openReservedCounter, reservationFile } from '../db/reserved-counter.ts';

const KEY = 'manifest_version';

export function openManifestVersions(db: Db, opts: { onError?: (err: Error) => void; block?: number } = {}) {
  const counter = openReservedCounter(reservationFile(db, 'manifest-version'), Number(stateGet(db, KEY) ?? '0'), opts);
  return {
    current: () => counter.current(),
    next: () => counter.next(),
    /** Records the last version issued (a refresh slice numbers its manifests, then saves once). */
    save: () => stateSet(db, KEY, String(counter.current())),
    /** Makes the next version greater than `seen`. True when the counter moved. */
    raise(seen: number): boolean {
      if (!counter.raise(seen)) return false;
      stateSet(db, KEY, String(seen));
      return true;
    },
    settled: () => counter.settled(),
  };
}
export type ManifestVersions = ReturnType<typeof openManifestVersions>;
