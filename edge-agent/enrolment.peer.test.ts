// Identity and presence: enrolment on first start, reuse afterwards, clear errors when it cannot
// start, and the birth / last-will protocol with its session number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MediaRef } from '../protocol/index.ts';
import { FakeHub } from './test-support/fake-hub.ts';
import {
  agentConfig,
  audioItem,
  makeClip,
  nextEvent,
  sleep,
  tempDir,
  testLogger,
  waitUntil,
} from './test-support/helpers.ts';
import { startAgent } from './main.ts';
import { IDENTITY_FILE } from './identity.ts';

let hub: FakeHub;
let clip: MediaRef;
beforeAll(async () => {
  hub = await FakeHub.start();
  const c = makeClip('Xin chào');
  clip = hub.addMedia(c.file, c.durationMs);
});
afterAll(async () => {
  await hub?.close();
});

describe('enrolment and identity', () => {
  it('enrols once with the token, stores the identity with mode 0600, and a restart reuses it without a token', async () => {
    const tmp = tempDir();
    try {
      const token = hub.newEnrolToken('loa-enrol');
      const a = await startAgent(agentConfig(hub, tmp.dir, { enrolToken: token }), { logger: testLogger() });
      expect(a.deviceId).toBe('loa-enrol');
      await nextEvent(a.events, 'connected');
      const file = path.join(tmp.dir, IDENTITY_FILE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const identity = JSON.parse(readFileSync(file, 'utf8'));
      expect(identity.publicKeyPem).toBe(a.publicKeyPem);
      expect(identity.privateKeyPem).toContain('PRIVATE KEY');
      expect(hub.devices.get('loa-enrol')!.publicKey).toBe(a.publicKeyPem);
      // a schedule is applied, then the agent stops
      const applied = nextEvent(a.events, 'schedule');
      await hub.publishSchedule('loa-enrol', [audioItem(clip, hub.hubNow() + 3600_000)], 1);
      await applied;
      await a.stop();

      // second start: no token, same identity, no second enrolment; the retained manifest that
      // the broker redelivers is recognised as already applied, not reported as a replay
      const b = await startAgent(agentConfig(hub, tmp.dir), { logger: testLogger() });
      let schedules = 0;
      b.events.on('schedule', () => schedules++);
      await nextEvent(b.events, 'connected');
      expect(b.deviceId).toBe('loa-enrol');
      expect(b.publicKeyPem).toBe(a.publicKeyPem);
      expect(hub.enrolCount).toBe(1);
      await sleep(300);
      expect(schedules).toBe(0);
      expect(b.status().rejected).toEqual({});
      expect(b.status().scheduleVersion).toBe(1);
      await b.stop();
      // the used token is refused if someone tries it again
      const other = tempDir();
      try {
        await expect(
          startAgent(agentConfig(hub, other.dir, { enrolToken: token }), { logger: testLogger() }),
        ).rejects.toThrow(/refused enrolment \(HTTP 400\): enrolment token is unknown or already used/);
      } finally {
        other.cleanup();
      }
    } finally {
      tmp.cleanup();
    }
  });

  it('gets in after its first answer was lost and its retry was told to wait: the hub hands out a new password', async () => {
    const tmp = tempDir();
    try {
      const token = hub.newEnrolToken('loa-mat-tin');
      hub.dropEnrolAnswers = 1; // enrolled, but the answer never arrives
      hub.busyEnrolAnswers = 1; // the retry: "still being completed", 503
      const a = await startAgent(agentConfig(hub, tmp.dir, { enrolToken: token }), { logger: testLogger() });
      await nextEvent(a.events, 'connected');
      expect(hub.enrolRetries).toBe(1);
      expect(hub.busyEnrolAnswers).toBe(0);
      const [lost, retried, ...more] = hub.enrolAnswers.filter((e) => e.deviceId === 'loa-mat-tin');
      expect(more).toEqual([]);
      expect(retried!.password).not.toBe(lost!.password);
      const identity = JSON.parse(readFileSync(path.join(tmp.dir, IDENTITY_FILE), 'utf8'));
      expect(identity.mqttPassword).toBe(retried!.password);
      expect(hub.devices.get('loa-mat-tin')!.publicKey).toBe(a.publicKeyPem);
      await a.stop();
    } finally {
      tmp.cleanup();
    }
  });

  it('refuses to start without an identity or a token, with an error that says what to do', async () => {
    const tmp = tempDir();
    try {
      await expect(startAgent(agentConfig(hub, tmp.dir), { logger: testLogger() })).rejects.toThrow(
        /no device identity .* and no enrolment token/,
      );
    } finally {
      tmp.cleanup();
    }
  });

  it('refuses a hardware profile that does not match the kind the hub enrolled', async () => {
    const tmp = tempDir();
    try {
      const token = hub.newEnrolToken('bang-led-x', 'led');
      await expect(
        startAgent(agentConfig(hub, tmp.dir, { enrolToken: token }), { logger: testLogger() }),
      ).rejects.toThrow(/enrolled bang-led-x as a led device, but the hardware profile describes a speaker/);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('presence', () => {
  it('publishes a retained birth with a session number, leaves a will with the same number, and counts up on every connection', async () => {
    const tmp = tempDir();
    try {
      const a = await startAgent(agentConfig(hub, tmp.dir, { enrolToken: hub.newEnrolToken('loa-presence') }), {
        logger: testLogger(),
      });
      const mine = () => hub.statuses.filter((s) => s.deviceId === 'loa-presence');
      await waitUntil(() => mine().length >= 1, 5000, 'birth');
      expect(mine()[0]).toMatchObject({ state: 'online', session: 1, kind: 'speaker', agentVersion: '0.1.0' });
      expect(mine()[0].capabilities).toContain('audio');

      // the broker goes away abruptly: on restart the agent reconnects with a new session
      await hub.stopBroker();
      await hub.startBroker();
      await waitUntil(() => mine().some((s) => s.state === 'online' && s.session === 2), 10_000, 'second birth');

      // and again: every connection takes the next number from the persisted counter
      await hub.stopBroker();
      await hub.startBroker();
      await waitUntil(() => mine().some((s) => s.state === 'online' && s.session === 3), 10_000, 'third birth');

      // a graceful stop publishes the offline status of the current session itself
      await a.stop();
      await waitUntil(() => mine().some((s) => s.state === 'offline' && s.session === 3), 5000, 'offline on stop');
      const births = mine()
        .filter((s) => s.state === 'online')
        .map((s) => s.session);
      expect(births).toEqual([...births].sort((x, y) => x - y));
    } finally {
      tmp.cleanup();
    }
  });

  it('delivers the last will with its session number when the connection dies', async () => {
    const tmp = tempDir();
    try {
      const a = await startAgent(agentConfig(hub, tmp.dir, { enrolToken: hub.newEnrolToken('loa-will') }), {
        logger: testLogger(),
      });
      await nextEvent(a.events, 'connected');
      const mine = () => hub.statuses.filter((s) => s.deviceId === 'loa-will');
      // kill the TCP connection from the broker side, as a network cut would
      hub.dropConnections();
      await waitUntil(() => mine().some((s) => s.state === 'offline' && s.session === 1), 5000, 'will of session 1');
      await waitUntil(() => mine().some((s) => s.state === 'online' && s.session === 2), 10_000, 'birth of session 2');
      expect(mine().find((s) => s.state === 'offline')).toEqual({ state: 'offline', session: 1, deviceId: 'loa-will' });
      await a.stop();
    } finally {
      tmp.cleanup();
    }
  });
});
