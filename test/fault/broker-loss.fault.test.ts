// Fault suite: the broker loses everything it held (no persistence) while a speaker was away during
// an approval: Mosquitto killed and started again, and the embedded broker going down with its
// hub. Real hub, broker and agent processes; the speaker that was away still plays, once.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { waitOnline } from '../helpers/world.ts';
import { expectExactCoverage, FaultWorld, printTallies, sleep } from './support.ts';

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
  f.hub.admin.waitFor(async () => {
    const ds = await f.hub.admin.get('/api/v1/devices');
    return ids.every((id) => {
      const d = ds.find((x: any) => x.id === id);
      return d?.online && d.telemetry && d.telemetry.scheduleVersion === d.manifestVersion;
    });
  }, 30_000, `${ids.join(', ')} hold their current manifests`);

describe('a broker that loses its retained messages, with a speaker away during the approval', () => {
  it('Mosquitto restarted without persistence', async () => {
    mq = await startMosquitto();
    fw = await new FaultWorld().start(['loa-1', 'loa-2'], { mqttUrl: mq.url });
    await fw.startAgents(['loa-1', 'loa-2']);
    const m = await fw.media('Thông báo cắt điện để sửa chữa đường dây vào chiều mai.');
    await fw.agents.get('loa-2')!.stop();
    const startsAt = Date.now() + 30_000;
    await fw.approvedBulletin('Khi loa 2 vắng mặt', m.id, startsAt);
    await manifestsCurrent(fw, ['loa-1']);

    await mq.restart();
    const restarted = Date.now();
    fw.startAgent('loa-2');
    await manifestsCurrent(fw, ['loa-1', 'loa-2']);
    const currentMs = Date.now() - restarted;
    expect(Date.now()).toBeLessThan(startsAt - 3000);
    await expectExactCoverage(fw, 'Mosquitto restart without persistence, a speaker away during the approval', {
      from: startsAt - 1000,
      to: startsAt + 1000,
      expected: { played: 2 },
      note: `every speaker online with its current manifest ${(currentMs / 1000).toFixed(1)} s after the broker restart`,
    });
  }, 150_000);

  it('the embedded broker, restarted with its hub', async () => {
    fw = await new FaultWorld().start(['loa-1', 'loa-2']);
    await fw.startAgents(['loa-1', 'loa-2']);
    const m = await fw.media('Thông báo lịch thu gom rác thải sinh hoạt trong tuần.');
    await fw.agents.get('loa-2')!.stop();
    const startsAt = Date.now() + 30_000;
    await fw.approvedBulletin('Khi loa 2 vắng mặt', m.id, startsAt);
    await manifestsCurrent(fw, ['loa-1']);

    await fw.hub.stop();
    await sleep(1000);
    await fw.startHub();
    const restarted = Date.now();
    // Nobody is online until they speak to the new broker.
    const right = await fw.hub.admin.get('/api/v1/devices');
    expect(right.filter((d: any) => d.online).map((d: any) => d.id)).toEqual([]);
    fw.startAgent('loa-2');
    await waitOnline(fw.hub.admin, ['loa-1', 'loa-2'], 30_000);
    await manifestsCurrent(fw, ['loa-1', 'loa-2']);
    const currentMs = Date.now() - restarted;
    expect(Date.now()).toBeLessThan(startsAt - 3000);
    await expectExactCoverage(fw, 'embedded broker restarted with its hub, a speaker away during the approval', {
      from: startsAt - 1000,
      to: startsAt + 1000,
      expected: { played: 2 },
      note: `every speaker online with its current manifest ${(currentMs / 1000).toFixed(1)} s after the hub restart`,
    });
  }, 150_000);
});
