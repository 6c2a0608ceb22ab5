// Group commit of receipts (ingest.ts): receipts that arrive together are admitted and stored in one
// transaction, and each is acknowledged only once that transaction committed. A real SQLite file
// and the hub's signer; the broker is replaced by a recorder of what the hub would publish, which
// reads the database through a second connection at the moment of each ack.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import type { HubEventMap } from '../api-contract/events.ts';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import {
  canonicalJson,
  generateSigningKeys,
  signReceipt,
  systemClock,
  topics,
  verifyBytes,
  type Receipt,
  type SignedEnvelope,
} from '../../protocol/index.ts';
import { openDatabase } from '../db/database.ts';
import { createHubSigner, loadOrCreateHubKeys } from '../signing.ts';
import { createIngest } from './ingest.ts';
import { createIngestPool, type IngestPool } from './ingest-pool.ts';
import { seedIngestWorld, type IngestWorld } from '../../test/helpers/ingest-world.ts';
import { createPrivateKey } from 'node:crypto';

const tp = topics();
let dir: string;
let w: IngestWorld;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-group-commit-'));
  const db = openDatabase(path.join(dir, 'seed.sqlite'));
  w = await seedIngestWorld(db, 6);
  db.close(); // checkpointed: the file alone holds the world, and can be copied
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An ingest over its own copy of the seeded world, recording acks, counters and events. */
function hubOn(name: string, o: { batchMax?: number; pool?: IngestPool } = {}) {
  const file = path.join(dir, `${name}.sqlite`);
  copyFileSync(path.join(dir, 'seed.sqlite'), file);
  const db = openDatabase(file);
  const reader = new Database(file, { readonly: true });
  const storedNow = (id: string) => !!reader.prepare('SELECT 1 FROM receipts WHERE receipt_id = ?').get(id);
  const acks: Array<{ id: string; committed: boolean }> = [];
  const ackMessages: string[][] = [];
  const envelopes: SignedEnvelope[] = [];
  const counted: string[] = [];
  const events = new EventEmitter<HubEventMap>();
  const admitted: string[] = [];
  events.on('receipt', (r: Receipt) => admitted.push(r.id));
  const signer = createHubSigner(db, loadOrCreateHubKeys(dir), systemClock);
  const ingest = createIngest({
    db,
    signer,
    pool: o.pool && { workers: o.pool, nextSeq: signer.nextSeq },
    topicPrefix: tp.prefix,
    log: pino({ level: 'silent' }),
    events,
    clock: { ...systemClock, now: () => w.receivedAt },
    batchMax: o.batchMax,
    mqtt: {
      publish: async (_topic, payload) => {
        envelopes.push(JSON.parse(payload));
        const ids: string[] = JSON.parse(payload).body.receiptIds;
        ackMessages.push(ids);
        for (const id of ids) acks.push({ id, committed: storedNow(id) });
      },
    },
    counters: {
      message: () => {},
      rejected: (reason) => counted.push(`rejected:${reason}`),
      receipt: (result, duplicate) => counted.push(`receipt:${result}:${duplicate}`),
      receiptRejected: (reason) => counted.push(`claim:${reason}`),
      rateLimited: (kind) => counted.push(`limited:${kind}`),
    },
    rates: {
      receipt: { perSecond: 1000, burst: 1000 },
      clock: { perSecond: 1000, burst: 1000 },
      telemetry: { perSecond: 1000, burst: 1000 },
    },
  });
  const send = (r: Receipt | string, deviceId = typeof r === 'string' ? w.devices[0]!.id : r.deviceId) =>
    ingest.handle(tp.deviceEvent(deviceId, 'receipt'), Buffer.from(typeof r === 'string' ? r : JSON.stringify(r)));
  const rows = () =>
    db
      .prepare(
        'SELECT receipt_id, device_id, result, state, rejection, rejection_detail, superseded_by, received_at FROM receipts ORDER BY receipt_id',
      )
      .all();
  return {
    db,
    ingest,
    send,
    acks,
    ackMessages,
    envelopes,
    counted,
    admitted,
    rows,
    close: () => {
      reader.close();
      db.close();
    },
  };
}

const waitFor = async (check: () => boolean, ms = 1000) => {
  for (let i = 0; i < ms / 5 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('group commit of receipts', () => {
  it('commits the receipts that arrive together at once, and acks each only after that commit', async () => {
    const hub = hubOn('batched');
    const sent = w.devices.map((d) => w.receipt(d));
    for (const r of sent) hub.send(r);
    expect(hub.acks).toEqual([]); // waiting for the batch: nothing acked, nothing stored yet
    expect(hub.rows()).toEqual([]);
    await waitFor(() => hub.acks.length === sent.length);
    expect(hub.acks.map((a) => a.id).sort()).toEqual(sent.map((r) => r.id).sort());
    // Another connection saw every acked receipt in the database when its ack went out.
    expect(hub.acks.every((a) => a.committed)).toBe(true);
    expect(hub.admitted.sort()).toEqual(sent.map((r) => r.id).sort());
    hub.close();
  });

  it('a full batch commits without waiting for the delay', () => {
    const hub = hubOn('full', { batchMax: 3 });
    const sent = w.devices.slice(0, 3).map((d) => w.receipt(d));
    for (const r of sent) hub.send(r);
    // Synchronously, inside the third handle(): no timer was needed.
    expect(hub.acks.map((a) => a.id)).toEqual(sent.map((r) => r.id));
    hub.close();
  });

  it('acks nothing of a batch that could not commit; the receipts the agent sends again are stored and acked', async () => {
    const hub = hubOn('locked');
    hub.db.pragma('busy_timeout = 0');
    // Another writer holds the database: the batch's transaction fails and rolls back.
    const other = new Database(hub.db.name);
    other.exec('BEGIN IMMEDIATE');
    const sent = w.devices.slice(0, 4).map((d) => w.receipt(d));
    for (const r of sent) hub.send(r);
    hub.ingest.flush();
    expect(hub.acks).toEqual([]);
    expect(hub.counted).toEqual(sent.map(() => 'rejected:error'));
    other.exec('ROLLBACK');
    expect(hub.rows()).toEqual([]);
    // The agent's outbox still holds them all (never acked) and sends them again.
    for (const r of sent) hub.send(r);
    hub.ingest.flush();
    expect(hub.acks.map((a) => a.id)).toEqual(sent.map((r) => r.id));
    expect(hub.acks.every((a) => a.committed)).toBe(true);
    expect(hub.rows()).toHaveLength(4);
    other.close();
    hub.close();
  });

  it('stores, counts and acks each receipt of a mixed batch exactly as one transaction per receipt does', async () => {
    const [a, b, c, d] = w.devices;
    const intruder = createPrivateKey(generateSigningKeys().privateKeyPem);
    const good = w.receipt(a!);
    const partialFirst = w.receipt(b!, { result: 'partial', secondsPlayed: 5, actualEnd: w.bulletin.startsAt! + 5030 });
    const playedLater = w.receipt(b!); // outranks the partial: the partial is superseded
    const failedLater = w.receipt(b!, { result: 'failed', actualStart: null, actualEnd: null, secondsPlayed: 0 }); // ranks lower: superseded itself
    const { sig: _sig, ...unsigned } = w.receipt(c!);
    const forged = signReceipt(intruder, unsigned);
    const unplanned = w.receipt(c!, {
      occurrenceId: `${w.bulletin.id}@${w.bulletin.startsAt! + 86_400_000}`,
      scheduledStart: w.bulletin.startsAt! + 86_400_000,
    });
    const implausible = w.receipt(d!, { secondsPlayed: 500 });
    const wrongDevice = w.receipt(a!);
    const sequence: Array<[Receipt | string, string?]> = [
      [good],
      [partialFirst],
      [forged],
      [unplanned],
      [good], // resent before its ack arrived: a duplicate in the same batch
      [playedLater],
      ['{"not": "a receipt"}'],
      [implausible],
      [wrongDevice, d!.id], // published on another device's topic
      [failedLater],
    ];
    const oneByOne = hubOn('one-by-one', { batchMax: 1 });
    const batched = hubOn('batched');
    for (const [r, on] of sequence) {
      oneByOne.send(r, on);
      batched.send(r, on);
    }
    batched.ingest.flush();
    expect(batched.rows()).toEqual(oneByOne.rows());
    // The same acks (a batch sends them grouped by device, so in another order).
    const byId = (x: { id: string }, y: { id: string }) => x.id.localeCompare(y.id);
    expect([...batched.acks].sort(byId)).toEqual([...oneByOne.acks].sort(byId));
    expect(batched.counted.sort()).toEqual(oneByOne.counted.sort());
    expect(batched.admitted).toEqual(oneByOne.admitted);
    // And what that is: the forged, unreadable and misaddressed ones are neither stored nor acked.
    const state = Object.fromEntries(
      (batched.rows() as Array<{ receipt_id: string; rejection: string | null; state: string }>).map((r) => [
        r.receipt_id,
        r.rejection ?? r.state,
      ]),
    );
    expect(state).toEqual({
      [good.id]: 'admitted',
      [partialFirst.id]: 'superseded',
      [playedLater.id]: 'admitted',
      [failedLater.id]: 'superseded',
      [unplanned.id]: 'unplanned',
      [implausible.id]: 'implausible',
    });
    expect(batched.acks.map((x) => x.id).sort()).toEqual(
      [good.id, good.id, partialFirst.id, playedLater.id, failedLater.id, unplanned.id, implausible.id].sort(),
    );
    expect(batched.acks.every((x) => x.committed)).toBe(true);
    expect(batched.counted.filter((x) => x.startsWith('rejected:')).sort()).toEqual([
      'rejected:forged',
      'rejected:invalid',
      'rejected:wrong-device',
    ]);
    oneByOne.close();
    batched.close();
  });

  it('a later batch finds the receipts stored and standing before it (one query each), as one transaction per receipt does', () => {
    const [a, b] = w.devices;
    const good = w.receipt(a!);
    const partial = w.receipt(b!, { result: 'partial', secondsPlayed: 5, actualEnd: w.bulletin.startsAt! + 5030 });
    const played = w.receipt(b!); // outranks the partial stored by the first batch
    const failed = w.receipt(b!, { result: 'failed', actualStart: null, actualEnd: null, secondsPlayed: 0 });
    const oneByOne = hubOn('one-by-one', { batchMax: 1 });
    const batched = hubOn('batched');
    for (const batch of [
      [good, partial],
      [good, failed, played, partial], // the first batch's two resent; the failed ranks below the partial
    ]) {
      for (const r of batch) {
        oneByOne.send(r);
        batched.send(r);
      }
      batched.ingest.flush();
    }
    expect(batched.rows()).toEqual(oneByOne.rows());
    expect(batched.counted.sort()).toEqual(oneByOne.counted.sort());
    const state = (id: string) =>
      batched.db.prepare('SELECT state, superseded_by FROM receipts WHERE receipt_id = ?').get(id);
    expect(state(partial.id)).toEqual({ state: 'superseded', superseded_by: played.id });
    expect(state(failed.id)).toEqual({ state: 'superseded', superseded_by: partial.id });
    expect(state(played.id)).toEqual({ state: 'admitted', superseded_by: null });
    expect(batched.counted.filter((x) => x.endsWith(':true'))).toHaveLength(2); // the two resent
    // Each batch committed whole (not retried one receipt at a time): one ack per device and batch.
    expect(batched.ackMessages.map((ids) => ids.length)).toEqual([1, 1, 1, 3]);
    expect(batched.acks.map((x) => x.id).sort()).toEqual(
      [good.id, good.id, partial.id, partial.id, failed.id, played.id].sort(),
    );
    oneByOne.close();
    batched.close();
  });
});

describe('receipts checked and acks signed in worker threads (ingest-pool.ts)', () => {
  let pool: IngestPool;
  beforeEach(() => {
    pool = createIngestPool({
      privateKeyPem: loadOrCreateHubKeys(dir).privateKeyPem,
      log: pino({ level: 'silent' }),
      size: 1,
    });
  });
  afterEach(() => pool.stop());

  it('stores, counts and acks a mixed batch exactly as the hub thread alone does, acks signed with the hub key', async () => {
    const [a, b, c] = w.devices;
    const intruder = createPrivateKey(generateSigningKeys().privateKeyPem);
    const good = w.receipt(a!);
    const { sig: _sig, ...unsigned } = w.receipt(b!);
    const sequence: Array<[Receipt | string, string?]> = [
      [good],
      [signReceipt(intruder, unsigned)], // forged
      [w.receipt(b!, { secondsPlayed: 500 })], // implausible: stored as a claim, acked
      ['{"not": "a receipt"}'],
      [w.receipt(a!), c!.id], // on another device's topic
      [good], // again before its ack
      [w.receipt(c!), 'not-enrolled'], // names another device, and this one has no key
    ];
    const alone = hubOn('alone');
    const pooled = hubOn('pooled', { pool });
    for (const [r, on] of sequence) {
      alone.send(r, on);
      pooled.send(r, on);
    }
    alone.ingest.flush();
    expect(pooled.rows()).toEqual([]); // still in the worker
    await pooled.ingest.stop();
    expect(pooled.rows()).toEqual(alone.rows());
    const byId = (x: { id: string }, y: { id: string }) => x.id.localeCompare(y.id);
    expect([...pooled.acks].sort(byId)).toEqual([...alone.acks].sort(byId));
    expect(pooled.acks.length).toBe(3);
    expect(pooled.acks.every((x) => x.committed)).toBe(true);
    expect(pooled.counted.sort()).toEqual(alone.counted.sort());
    expect(pooled.admitted).toEqual(alone.admitted);
    const hubKey = loadOrCreateHubKeys(dir).publicKeyPem;
    const deviceOf = new Map(
      (pooled.rows() as Array<{ receipt_id: string; device_id: string }>).map((r) => [r.receipt_id, r.device_id]),
    );
    for (const env of pooled.envelopes) {
      const { sig, ...rest } = env;
      expect(verifyBytes(hubKey, canonicalJson(rest), sig)).toBe(true);
      // Addressed to the device whose receipts it names.
      for (const id of (env.body as { receiptIds: string[] }).receiptIds)
        expect(env.to).toEqual({ device: deviceOf.get(id) });
    }
    // Each with an envelope number of its own.
    expect(new Set(pooled.envelopes.map((e) => e.seq)).size).toBe(pooled.envelopes.length);
    alone.close();
    pooled.close();
  });

  it('a receipt whose device key cannot be read is refused alone; the others of its job are stored', async () => {
    const [a, b] = w.devices;
    const hub = hubOn('bad-key', { pool });
    hub.db
      .prepare('UPDATE devices SET public_key = ? WHERE id = ?')
      .run('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', b!.id);
    const good = w.receipt(a!);
    hub.send(good);
    hub.send(w.receipt(b!));
    await hub.ingest.stop();
    expect(hub.counted.sort()).toEqual(['receipt:played:false', 'rejected:error']);
    expect(hub.acks.map((x) => x.id)).toEqual([good.id]);
    hub.close();
  });

  it('a worker that dies is started again; what it held is neither stored nor acked, and the device sends it again', async () => {
    const hub = hubOn('crash', { pool });
    const sent = w.devices.slice(0, 3).map((d) => w.receipt(d));
    for (const r of sent) hub.send(r);
    // Ended as a crash would, before the job reaches it: the receipts it was to check are lost.
    const first = pool.workers[0]!;
    await first.terminate();
    await waitFor(() => hub.counted.length === sent.length, 10_000);
    expect(hub.counted).toEqual(sent.map(() => 'rejected:error'));
    hub.ingest.flush();
    expect(hub.rows()).toEqual([]);
    expect(hub.acks).toEqual([]);
    await waitFor(() => pool.restarts() === 1, 10_000);
    expect(pool.workers[0]).not.toBe(first);
    for (const r of sent) hub.send(r); // the agent's resend
    await hub.ingest.stop();
    expect(hub.acks.map((x) => x.id).sort()).toEqual(sent.map((r) => r.id).sort());
    expect(hub.acks.every((x) => x.committed)).toBe(true);
    expect(hub.rows()).toHaveLength(3);
    hub.close();
  });

  it('stops with the hub: its workers exit, and nothing more is sent to them', async () => {
    const exited = pool.workers.map((wk) => new Promise((r) => wk.once('exit', r)));
    await pool.stop();
    await Promise.all(exited);
    await expect(pool.seal([])).rejects.toThrow(/stopped/);
  });
});
