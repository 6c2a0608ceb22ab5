// The hub's counters after a power cut that lost relaxed commits: the envelope seq and the manifest
// version resume above everything sent, although the database went back to before those commits.
// A real SQLite file; the crash is the file put back as a copy taken before the relaxed commits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../protocol/index.ts';
import { openDatabase, relaxed, stateSet, type Db } from './db/database.ts';
import { openManifestVersions } from './dispatch/manifest-version.ts';
import { createHubSigner, loadOrCreateHubKeys } from './signing.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-signing-'));
  file = path.join(dir, 'hub.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The power cut: the database as it was at `copy`, every later commit lost. */
function crashBackTo(db: Db, copy: string): Db {
  db.close();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  renameSync(copy, file);
  return openDatabase(file);
}

describe('hub counters after a lost relaxed commit', () => {
  it('the next envelope seq is above every seq sent, and the manifest version above every version', async () => {
    let db = openDatabase(file);
    stateSet(db, 'envelope_seq', '41'); // a hub from before reservations kept its counter here
    const keys = loadOrCreateHubKeys(dir);
    const signer = createHubSigner(db, keys, systemClock);
    const versions = openManifestVersions(db);
    const before = path.join(dir, 'before.sqlite');
    db.exec(`VACUUM INTO '${before}'`);

    // Refresh slices: manifests sealed and their versions saved in relaxed transactions, then sent.
    const sentSeqs: number[] = [];
    const sentVersions: number[] = [];
    for (let slice = 0; slice < 30; slice++) {
      relaxed(
        db,
        db.transaction(() => {
          for (let i = 0; i < 500; i++) {
            const version = versions.next();
            const env = signer.seal(
              { device: 'd1' },
              { type: 'schedule', deviceId: 'd1', version, from: 0, until: 1, items: [] },
              60_000,
            );
            sentSeqs.push(env.seq);
            sentVersions.push(version);
          }
          versions.save();
        }),
      );
    }
    expect(sentSeqs[0]).toBe(42);
    expect(Math.max(...sentSeqs)).toBeGreaterThan(10_000); // past the first block

    db = crashBackTo(db, before);
    const restarted = createHubSigner(db, keys, systemClock);
    const seq = restarted.seal(
      { device: 'd1' },
      { type: 'clock-reply', requestId: 'r', t0: 0, t1: 0, t2: 0 },
      1000,
    ).seq;
    expect(seq).toBeGreaterThan(Math.max(...sentSeqs));
    expect(openManifestVersions(db).next()).toBeGreaterThan(Math.max(...sentVersions));
    await Promise.all([signer.settled(), versions.settled(), restarted.settled()]);
    db.close();
  });

  it('sealing writes nothing to the database', () => {
    const db = openDatabase(file);
    const signer = createHubSigner(db, loadOrCreateHubKeys(dir), systemClock);
    const changes = db.prepare('SELECT total_changes()').pluck();
    const n0 = changes.get();
    signer.seal({ device: 'd1' }, { type: 'clock-reply', requestId: 'r', t0: 0, t1: 0, t2: 0 }, 1000);
    expect(changes.get()).toBe(n0);
    db.close();
  });
});
