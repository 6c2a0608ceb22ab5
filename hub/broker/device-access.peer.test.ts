// The hub's per-device logins on a real Mosquitto with the dynamic-security plugin. A first
// enrolment sends only what creates the login (each change costs the plugin a save of its whole
// file); a re-enrolment still removes the old login and its live connection; whatever was left
// behind is replaced. Requests queue in the hub, and a plugin that does not answer fails them all.
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_PREFIX, topics } from '../../protocol/index.ts';
import { startMosquitto, type Mosquitto } from '../../test/helpers/mosquitto.ts';
import { deviceAcls } from './access-rules.ts';
import { DEVICE_CLIENT_TEXT, deviceRole, mosquittoDynsecAccess, type DeviceAccess } from './device-access.ts';
import { connectDynsec, type DynsecClient, type DynsecCommand } from './mosquitto-dynsec.ts';

const log = pino({ level: 'silent' });
const prefix = DEFAULT_TOPIC_PREFIX;

describe('Mosquitto device logins', () => {
  let broker: Mosquitto;
  let dynsec: DynsecClient;
  let access: DeviceAccess;
  /** Every command the hub sent, by name. */
  const sent: string[] = [];
  const clients: mqtt.MqttClient[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    const real = await connectDynsec(broker.url, {
      username: broker.hubConfig.mqttUsername,
      password: broker.hubConfig.mqttPassword,
      log,
    });
    dynsec = {
      run: (commands: DynsecCommand[]) => {
        sent.push(...commands.map((c) => c.command));
        return real.run(commands);
      },
      close: () => real.close(),
    };
    access = mosquittoDynsecAccess({ dynsec, topicPrefix: prefix, log });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await dynsec?.close();
    await broker?.stop();
  });

  const login = async (id: string, password: string) => {
    const c = mqtt.connect(broker.url, {
      clientId: id,
      username: id,
      password,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    clients.push(c);
    return new Promise<mqtt.MqttClient>((resolve, reject) => {
      c.once('connect', () => resolve(c));
      c.once('error', reject);
    });
  };
  const roleAcls = async (id: string) => {
    const [r] = await dynsec.run([{ command: 'getRole', rolename: deviceRole(id) }]);
    return ((r?.data?.role as { acls: Array<{ topic: string }> } | undefined)?.acls ?? []).map((a) => a.topic);
  };

  it('a first enrolment creates the role and the client, nothing more', async () => {
    sent.length = 0;
    await access.provision('led-first', 'first-password-0123456789abcdef', 'ha-noi/hoan-kiem');
    expect(sent).toEqual(['createRole', 'createClient']);
    const c = await login('led-first', 'first-password-0123456789abcdef');
    expect(c.connected).toBe(true);
  });

  it('a re-enrolment removes the old login and its connection, and gives the new area', async () => {
    await access.provision('led-again', 'old-password-0123456789abcdef', 'ha-noi/hoan-kiem');
    const old = await login('led-again', 'old-password-0123456789abcdef');
    const closed = new Promise<void>((r) => old.once('close', () => r()));
    await access.provision('led-again', 'new-password-0123456789abcdef', 'ha-noi/ba-dinh');
    await closed;
    await expect(login('led-again', 'old-password-0123456789abcdef')).rejects.toThrow(/Not authorized|Bad user/i);
    expect((await login('led-again', 'new-password-0123456789abcdef')).connected).toBe(true);
    expect(await roleAcls('led-again')).toContain(topics(prefix).areaCommand('ha-noi/ba-dinh'));
    expect(await roleAcls('led-again')).not.toContain(topics(prefix).areaCommand('ha-noi/hoan-kiem'));
  });

  it('a role left behind without its client is replaced, not reused', async () => {
    await dynsec.run([
      { command: 'createRole', rolename: deviceRole('led-left'), textname: DEVICE_CLIENT_TEXT, acls: [] },
    ]);
    await access.provision('led-left', 'left-password-0123456789abcdef', 'ha-noi/hoan-kiem');
    expect(await roleAcls('led-left')).toEqual(
      expect.arrayContaining(deviceAcls(prefix, 'led-left', 'ha-noi/hoan-kiem').map((a) => a.topic)),
    );
    expect((await login('led-left', 'left-password-0123456789abcdef')).connected).toBe(true);
  });

  it('at a restart, only a role whose rules changed is rebuilt', async () => {
    const enrolled = [
      { id: 'led-first', areaPath: 'ha-noi/hoan-kiem' },
      { id: 'led-again', areaPath: 'ha-noi/ba-dinh' },
      { id: 'led-left', areaPath: 'ha-noi/tay-ho' }, // moved while the hub was down
    ];
    sent.length = 0;
    expect(await access.reconcile(enrolled)).toEqual({ missing: [], removed: [] });
    expect(sent).toEqual(['listClients', 'listRoles', 'modifyRole']);
    expect(await roleAcls('led-left')).toContain(topics(prefix).areaCommand('ha-noi/tay-ho'));
    sent.length = 0;
    await access.reconcile(enrolled);
    expect(sent).toEqual(['listClients', 'listRoles']);
  });

  it('many requests at once are all answered from one queue', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `led-q${i}`);
    await Promise.all(ids.map((id) => access.provision(id, `${id}-password-0123456789abcdef`, 'ha-noi')));
    const [list] = await dynsec.run([{ command: 'listClients' }]);
    expect(list?.data?.clients).toEqual(expect.arrayContaining(ids));
  });
});

describe('a broker without the plugin', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ open: true });
  });
  afterAll(() => broker?.stop());

  it('fails the request it sent and, at once, those queued behind it', async () => {
    const dynsec = await connectDynsec(broker.url, { log, timeoutMs: 300, inFlight: 1 });
    try {
      const runs = [1, 2, 3].map(() => dynsec.run([{ command: 'listClients' }]).catch((e: Error) => e.message));
      const [first, ...behind] = await Promise.all(runs);
      expect(first).toMatch(/no answer from Mosquitto's dynamic-security plugin within 300 ms \(listClients\)/);
      for (const m of behind) expect(m).toMatch(/a request sent before this one got no answer/);
    } finally {
      await dynsec.close();
    }
  });

  it('a request that cannot be sent in time is refused with a reason, so an enrolment answers before the device gives up', async () => {
    const dynsec = await connectDynsec(broker.url, { log, timeoutMs: 3000, inFlight: 1, queueWaitMs: 200 });
    try {
      const first = dynsec.run([{ command: 'listClients' }]).catch((e: Error) => e.message);
      const queued = await dynsec.run([{ command: 'listRoles' }]).catch((e: Error) => e.message);
      expect(queued).toMatch(/plugin is busy: this request \(listRoles\) waited 200 ms behind 1 more; try again/);
      expect(await first).toMatch(/no answer .* within 3000 ms \(listClients\)/);
    } finally {
      await dynsec.close();
    }
  });
});
