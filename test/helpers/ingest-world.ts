// A hub database with N enrolled LED boards in one ward and approved LED bulletins for them all (one
// a minute),
// written through the hub's own functions (no HTTP, no broker): for the ingest tests and benchmark,
// which feed receipts to the hub's ingest directly. `receipt` signs what an honest board sends after
// airing the bulletin; the hub clock to receive it at is `receivedAt`.
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { generateSigningKeys, signReceipt, type Receipt, type UnsignedReceipt } from '../../protocol/index.ts';
import type { Db } from '../../hub/db/database.ts';
import { createArea } from '../../hub/areas/areas.ts';
import { createDevice, enrolDevice } from '../../hub/devices/devices.ts';
import { createUser } from '../../hub/auth/users.ts';
import { approveBroadcast, createBroadcast, type Broadcast } from '../../hub/broadcasts/broadcasts.ts';

export const WARD = 'ha-noi/ha-dinh';
const LED_SECONDS = 20;

export interface IngestWorld {
  devices: Array<{ id: string; key: KeyObject }>;
  /** The first bulletin. */
  bulletin: Broadcast;
  bulletins: Broadcast[];
  /** When the hub receives the honest receipts: just after the last bulletin ended. */
  receivedAt: number;
  /** An honest 'played' receipt from a device for bulletin `k` (default the first), with any field changed. */
  receipt(device: { id: string; key: KeyObject }, o?: Partial<UnsignedReceipt>, k?: number): Receipt;
}

export async function seedIngestWorld(
  db: Db,
  n: number,
  o: { bulletins?: number; start?: number } = {},
): Promise<IngestWorld> {
  const start = o.start ?? Date.UTC(2026, 0, 15, 2, 0, 0);
  createArea(db, { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  createArea(db, { parentPath: 'ha-noi', slug: 'ha-dinh', name: 'Phường Hạ Đình', level: 'ward' });
  const devices: IngestWorld['devices'] = [];
  for (let i = 0; i < n; i++) {
    const id = `led-${String(i).padStart(5, '0')}`;
    const { enrolToken } = createDevice(db, { id, name: `Bảng LED ${i}`, kind: 'led', areaPath: WARD }, Date.now());
    const keys = generateSigningKeys();
    await enrolDevice(
      db,
      { token: enrolToken, publicKey: keys.publicKeyPem },
      { publicKeyPem: keys.publicKeyPem, topicPrefix: 'wardcast', now: () => Date.now() },
    );
    devices.push({ id, key: createPrivateKey(keys.privateKeyPem) });
  }
  // Two people: the author of a bulletin may not approve it.
  const author = await createUser(db, {
    username: 'canbo',
    password: 'ingest-world-canbo',
    role: 'operator',
    areaPath: WARD,
  });
  const leader = await createUser(db, {
    username: 'lanhdao',
    password: 'ingest-world-lanhdao',
    role: 'approver',
    areaPath: WARD,
  });
  const led = { pages: [{ lines: ['Thông báo lịch tiêm chủng'], mode: 'hold' as const, seconds: LED_SECONDS }] };
  const bulletins: Broadcast[] = [];
  for (let k = 0; k < (o.bulletins ?? 1); k++) {
    const startsAt = start + k * 60_000;
    const created = createBroadcast(
      db,
      author,
      {
        title: `Tiêm chủng ${k + 1}`,
        led,
        priority: 'normal',
        volume: 70,
        targets: { areas: [WARD], devices: [] },
        startsAt: new Date(startsAt).toISOString(),
      },
      start - 3600_000,
    );
    bulletins.push(approveBroadcast(db, leader, created.id, start - 3000_000));
  }
  const last = bulletins[bulletins.length - 1]!.startsAt!;
  return {
    devices,
    bulletin: bulletins[0]!,
    bulletins,
    receivedAt: last + LED_SECONDS * 1000 + 1000,
    receipt: (d, o = {}, k = 0) => {
      const at = bulletins[k]!.startsAt!;
      return signReceipt(d.key, {
        id: randomUUID(),
        deviceId: d.id,
        occurrenceId: `${bulletins[k]!.id}@${at}`,
        broadcastId: bulletins[k]!.id,
        scheduledStart: at,
        result: 'played',
        actualStart: at + 30,
        actualEnd: at + LED_SECONDS * 1000 + 60,
        secondsPlayed: LED_SECONDS + 0.03,
        clockOffsetMs: 12,
        evidence: {},
        ...o,
      });
    },
  };
}
