// Fault suite: the broker loses everything it held (no persistence) while a speaker was away during
// an approval: Mosquitto killed and started again, and the embedded broker going down with its
// hub. Real hub, broker and agent processes; the speaker that was away still plays, once.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { expectExactCoverage, FaultWorld, printTallies, sleep } from './support.ts';
import type { Device } from '../helpers/api-types.ts';

let fw: FaultWorld | undefined;
let mq: Mosquitto | undefined;
afterAll(printTallies);
afterEach(async () => {
  await fw?.stop();
  await mq?.stop();
  fw = mq = undefined;
});

/** Until every listed device holds the manifest the hub last published for it. */
const manifestsCurrent = (f: FaultWorld, ids: string[]) =>
  f.hub.admin.waitFor(
    async () => {
      const ds = await f.hub.admin.get('/api/v1/devices');
      return ids.every((id) => {
        const d = ds.find((x: Device) => x.id === id);
        return d?.online && d.telemetry && d.telemetry.scheduleVersion === d.manifestVersion;
      });
    },
    30_000,
    `${ids.join(', ')} hold their current manifests`,
  );

/**
 * A speaker is away while a bulletin is approved; then the broker loses everything it held
 * (`loseBroker`), and the speaker comes back. Both speakers must hold the current manifest before
 * the start and play it once.
 */
async function awayDuringApproval(f: FaultWorld, what: string, text: string, loseBroker: () => Promise<void>) {
  await f.startAgents(['loa-1', 'loa-2']);
  const m = await f.media(text);
  await f.agents.get('loa-2')!.stop();
  const startsAt = Date.now() + 30_000;
  await f.approvedBulletin('Khi loa 2 vắng mặt', m.id, startsAt);
  await manifestsCurrent(f, ['loa-1']);

  await loseBroker();
  const restarted = Date.now();
  f.startAgent('loa-2');
  await manifestsCurrent(f, ['loa-1', 'loa-2']);
  const currentMs = Date.now() - restarted;
  expect(Date.now(), 'manifests current well before the start').toBeLessThan(startsAt - 3000);
  await expectExactCoverage(f, `${what}, a speaker away during the approval`, {
    from: startsAt - 1000,
    to: startsAt + 1000,
    expected: { played: 2 },
    note: `every speaker online with its current manifest ${(currentMs / 1000).toFixed(1)} s after the restart`,
  });
}

describe('a broker that loses its retained messages, with a speaker away during the approval', () => {
  it('Mosquitto restarted without persistence', async () => {
    const broker = (mq = await startMosquitto());
    fw = await new FaultWorld().start(['loa-1', 'loa-2'], { mqttUrl: broker.url, hubEnv: broker.hubEnv });
    await awayDuringApproval(
      fw,
      'Mosquitto restart without persistence',
      'Thông báo cắt điện để sửa chữa đường dây vào chiều mai.',
      () => broker.restart(),
    );
  }, 150_000);

  it('the embedded broker, restarted with its hub', async () => {
    const f = (fw = await new FaultWorld().start(['loa-1', 'loa-2']));
    await awayDuringApproval(
      f,
      'embedded broker restarted with its hub',
      'Thông báo lịch thu gom rác thải sinh hoạt trong tuần.',
      async () => {
        await f.hub.stop();
        await sleep(1000);
        await f.startHub();
        // Nobody is online until they speak to the new broker.
        const devices = await f.hub.admin.get('/api/v1/devices');
        expect(devices.filter((d: Device) => d.online).map((d: Device) => d.id)).toEqual([]);
      },
    );
  }, 150_000);
});
