// Dispatch: every enrolled device gets a retained, signed manifest of its coming week, published
// again whenever its content changes, at least daily (so the envelope never expires on a device
// that stays offline for a while), and regardless of content at every start of the hub's broker
// connection (the broker may have lost its retained messages). Emergencies also go out at once as
// play-now commands, through the command outbox.
//
// Nothing here waits for the broker: a manifest is written to the connection without awaiting its
// ack (a lost one is republished at the next connection start), and while the broker is away a
// refresh only notes the devices as due, since that connection start republishes every manifest.
//
// At province scale (10,000 devices) the work is cut to keep the hub responsive: an emergency is one
// signed command per area (area-cover.ts), stored before the request answers but computed a piece
// of the fleet at a time with the event loop free between pieces, and the manifests follow in the
// background; a refresh runs one pass at a time, in slices of about SLICE_MS each
// with the event loop free between them, publishes only the manifests whose content changed, and
// commits each slice once. With the embedded broker a slice also waits for the broker to take and
// pass on what it published (on this same event loop), and that CPU counts in its budget.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  canonicalJson,
  createPublisher,
  topics as makeTopics,
  type Clock,
  type DeviceKind,
  type ScheduleItem,
  type SignedEnvelope,
  DAY_MS as DAY,
  LIVE_ENGINE_CAPABILITY,
} from '../../protocol/index.ts';
import { relaxed, type Db } from '../db/database.ts';
import type { HubSigner } from '../signing.ts';
import type { HubMqtt } from '../mqtt/hub-mqtt.ts';
import type { CommandOutbox } from '../mqtt/command-outbox.ts';
import { openManifestVersions } from './manifest-version.ts';
import { liveBroadcasts, type Broadcast } from '../broadcasts/broadcasts.ts';
import { newPlanCache, planOccurrences, type PlanCache, type PlannedOccurrence } from '../broadcasts/plan.ts';
import { resolveTargets } from '../devices/devices.ts';
import { listeningFleet, startCover, type Cover, type FleetDevice } from './area-cover.ts';

/** Keep items that started up to this long ago, so a device that reconnects mid-bulletin knows it. */
const LOOKBACK_MS = 6 * 3600_000;
/** How long one slice of a refresh may hold the event loop, aimed at (the slice size adapts). */
const SLICE_MS = 15;
/** How long a slice waits for the embedded broker to take and pass on what it published. */
const BROKER_WAIT_MS = 2000;
/**
 * Devices per piece of a command's computation (a fleet page, a plan, a cover): a few ms each at
 * 10,000 devices, where the whole fleet in one go held the event loop 100–300 ms.
 */
const COMMAND_PIECE = 2000;
/**
 * With the embedded broker, the most devices one area command may reach while areas below it could
 * carry it: each command's fan-out is one turn of the hub's event loop (area-cover.ts).
 */
const EMBEDDED_AREA_MAX = 200;
/** Device commands signed per piece (about 50 µs of CPU each). */
const SIGN_PIECE = 400;
const PLAY_NOW_TTL_MS = 10 * 60_000;
const STOP_TTL_MS = 60 * 60_000;

/**
 * The next turn of the event loop, one piece of work per turn whoever asks: the immediates queued
 * before a turn's check phase all run in it, so an emergency's command pieces and a manifest pass's
 * slices, each yielding with its own setImmediate, would otherwise share turns and add up.
 */
const yieldToLoop = (): Promise<void> =>
  new Promise<void>((resolve) => {
    turnQueue.push(resolve);
    if (turnQueue.length === 1) setImmediate(nextInTurn);
  });
const turnQueue: Array<() => void> = [];
function nextInTurn(): void {
  turnQueue.shift()?.();
  // The piece just resumed runs in this turn's microtasks; the next waits for the next turn.
  if (turnQueue.length) setImmediate(nextInTurn);
}
const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
  });

export interface DispatcherDeps {
  db: Db;
  mqtt: Pick<HubMqtt, 'publish' | 'connected'>;
  outbox: Pick<CommandOutbox, 'enqueueAll' | 'flush'>;
  signer: HubSigner;
  topicPrefix: string;
  horizonMs: number;
  log: Logger;
  /** the planning window, manifest staleness, and the periodic refresh */
  clock: Clock;
  onPublished?: (deviceId: string, version: number, items: number) => void;
  /**
   * Resolves once the broker has handed what it already took to every subscriber: the embedded
   * broker's (it acks an emergency before fanning it out, on the hub's own event loop). An external
   * broker fans out in its own process, so without it the manifests follow the command's ack.
   */
  fanoutSettled?: () => Promise<void>;
  /**
   * streamEngine icecast: where a device of this area pulls a relay occurrence or a live session (its
   * mount on the area's listen server). The item then names it (relay.engineUrl) beside the hub's path.
   */
  engineUrl?: (occurrenceId: string, areaPath: string) => string;
}

/** A relay or live item with the engine's URL for this area; other items as they are. */
function withEngineUrl(item: ScheduleItem, areaPath: string, engineUrl: DispatcherDeps['engineUrl']): ScheduleItem {
  if (!engineUrl || !item.relay) return item;
  return { ...item, relay: { ...item.relay, engineUrl: engineUrl(item.occurrenceId, areaPath) } };
}

export function createDispatcher(deps: DispatcherDeps) {
  const { db, mqtt, signer, outbox, log } = deps;
  const { clock } = deps;
  const now = () => clock.now();
  const t = makeTopics(deps.topicPrefix);
  const out = createPublisher(mqtt, deps.topicPrefix);
  /** Devices whose refresh found the broker away; the next connection start republishes them. */
  const due = new Set<string>();
  /** The acks of the slice under way's publishes (collected only for the embedded broker). */
  let sliceAcks: Array<Promise<unknown>> | null = null;
  const versions = openManifestVersions(db, {
    onError: (err) => log.error({ err }, 'manifest version block not reserved; the next is reserved synchronously'),
  });

  const manifestState = db.prepare(
    'SELECT manifest_hash, manifest_published_at, enrolled_at FROM devices WHERE id = ?',
  );
  const recordManifest = db.prepare(
    'UPDATE devices SET manifest_hash = ?, manifest_version = ?, manifest_published_at = ? WHERE id = ?',
  );
  const enrolledDevices = db.prepare('SELECT id FROM devices WHERE enrolled_at IS NOT NULL');
  const heldState = db.prepare('SELECT manifest_version, enrolled_at FROM devices WHERE id = ?');
  const areaOfDevice = db.prepare('SELECT a.path FROM devices d JOIN areas a ON a.id = d.area_id WHERE d.id = ?');
  const capabilitiesOf = db.prepare('SELECT capabilities FROM devices WHERE id = ?').pluck();
  /** Whether the device's agent pulls live sessions from the engine (it announced so at its birth). */
  const pullsLiveFromEngine = (deviceId: string): boolean => {
    const caps = capabilitiesOf.get(deviceId) as string | null | undefined;
    return !!caps && (JSON.parse(caps) as string[]).includes(LIVE_ENGINE_CAPABILITY);
  };
  // One read for a whole live play-now (a province's devices), not one query per device.
  const enginePullers = db.prepare("SELECT id FROM devices WHERE capabilities LIKE '%' || ? || '%'").pluck();
  const liveEnginePullers = (ids: Iterable<string>): Set<string> => {
    const pulls = new Set(enginePullers.all(`"${LIVE_ENGINE_CAPABILITY}"`) as string[]);
    return new Set([...ids].filter((id) => pulls.has(id)));
  };
  /**
   * The item as this device is sent it: the engine's URL for its area, on a live item only for an
   * agent that announced it (an older one would take the engine's burst as audio to play).
   */
  const forDevice = (item: ScheduleItem, deviceId: string): ScheduleItem =>
    deps.engineUrl && item.relay && (!item.relay.live || pullsLiveFromEngine(deviceId))
      ? withEngineUrl(item, (areaOfDevice.get(deviceId) as { path: string } | undefined)?.path ?? '', deps.engineUrl)
      : item;

  /**
   * One pass plans every device against the same window and broadcasts, read at its start: a
   * change during the pass queues its devices for the next one.
   */
  type Pass = { from: number; until: number; live: Broadcast[]; cache: PlanCache };
  type State = { manifest_hash: string | null; manifest_published_at: number | null; enrolled_at: number | null };

  function publishManifest(
    deviceId: string,
    row: State,
    items: ScheduleItem[],
    from: number,
    until: number,
    force: boolean,
    nextVersion: () => number,
  ): void {
    const hash = createHash('sha256').update(canonicalJson(items)).digest('hex');
    const stale = !row.manifest_published_at || now() - row.manifest_published_at > DAY;
    if (!force && hash === row.manifest_hash && !stale) return;
    if (!mqtt.connected()) {
      due.add(deviceId);
      return;
    }
    const version = nextVersion();
    const env = signer.seal(
      { device: deviceId },
      { type: 'schedule', deviceId, version, from, until, items },
      deps.horizonMs + 2 * DAY,
    );
    const ack = out
      .publish('deviceSchedule', { deviceId }, env)
      .catch((err) =>
        log.warn(
          { deviceId, version, err: err.message },
          'manifest not acknowledged; it goes again at the next connection start',
        ),
      );
    sliceAcks?.push(ack);
    recordManifest.run(hash, version, now(), deviceId);
    log.debug({ deviceId, version, items: items.length }, 'manifest published');
    deps.onPublished?.(deviceId, version, items.length);
  }

  /**
   * One slice of a pass: plans these devices and publishes what changed, in one transaction, until
   * `deadline` (performance.now()) has passed. Returns how many devices it got through (at least one).
   */
  function refreshSlice(slice: Array<[string, boolean]>, pass: Pass, deadline: number): number {
    const { from, until, live, cache } = pass;
    const rows = new Map<string, State>();
    for (const [id] of slice) {
      const row = manifestState.get(id) as State | undefined;
      if (row?.enrolled_at) rows.set(id, row);
    }
    if (rows.size === 0) return slice.length;
    const byDevice = new Map<string, ScheduleItem[]>([...rows.keys()].map((id) => [id, []]));
    for (const p of planOccurrences(db, live, from, until, new Set(rows.keys()), [], cache)) {
      // Items that ended before the look-back, or before the device existed, are not worth sending:
      // the agent would only answer them with "missed".
      if (p.item.startAt + p.item.durationMs < Math.max(from, rows.get(p.deviceId)!.enrolled_at ?? 0)) continue;
      byDevice.get(p.deviceId)?.push(p.item);
    }
    // One transaction for the version counter and every row of the slice: one commit, relaxed
    // (synchronous=NORMAL), so the slice never waits for an fsync on the event loop. A power cut may
    // lose the last slices' rows, never corrupt them: their versions and envelope seqs come from
    // blocks reserved on disk beforehand (never issued again), the hashes only decide what to
    // republish, and every start of the broker connection republishes every manifest anyway.
    return relaxed(
      db,
      db.transaction(() => {
        const first = versions.current();
        let done = 0;
        for (const [id, force] of slice) {
          if (done > 0 && performance.now() > deadline) break;
          done++;
          const items = byDevice.get(id);
          if (!items) continue;
          items.sort((a, b) => a.startAt - b.startAt || a.occurrenceId.localeCompare(b.occurrenceId));
          const sent = deps.engineUrl ? items.map((i) => forDevice(i, id)) : items;
          publishManifest(id, rows.get(id)!, sent, from, until, force, versions.next);
        }
        if (versions.current() !== first) versions.save();
        return done;
      }),
    );
  }

  // Refreshes run one pass at a time, so two never interleave their version numbers and a device's
  // manifests go out in the order they were computed. Requests made during a pass are gathered for
  // the next one. A pass reads the broadcasts once; a change during it queues its devices again.
  let wantAll: { force: boolean } | null = null;
  const wanted = new Map<string, boolean>(); // device → force
  let waiters: Array<() => void> = [];
  let passWaiters: Array<() => void> = []; // those the pass under way answers
  let running: Promise<void> | null = null;
  let sliceSize = 50;
  let stopped = false;
  /**
   * The longest slice (wall time, and the process's CPU time in it: the same, but for preemption),
   * and the most CPU the embedded broker then took to handle one slice's publishes.
   */
  let longest = { wallMs: 0, cpuMs: 0, brokerCpuMs: 0 };

  async function runPasses(): Promise<void> {
    // The first slice waits too: whoever asked (an HTTP request) answers before any manifest work.
    await yieldToLoop();
    while ((wantAll || wanted.size) && !stopped) {
      passWaiters = waiters;
      waiters = [];
      let work: Array<[string, boolean]>;
      if (wantAll) {
        const force = wantAll.force;
        work = (enrolledDevices.all() as Array<{ id: string }>).map((r) => [
          r.id,
          force || (wanted.get(r.id) ?? false),
        ]);
        wantAll = null;
      } else {
        work = [...wanted];
      }
      wanted.clear();
      // Each pass starts small: the last one may have grown its slices on devices with nothing to
      // sign (a quiet refresh), and this one may have to sign every manifest (a connection start).
      sliceSize = 50;
      const at = now();
      const pass: Pass = {
        from: at - LOOKBACK_MS,
        until: at + deps.horizonMs,
        live: liveBroadcasts(db),
        cache: newPlanCache(),
      };
      // Fill the plan cache a piece at a time (each broadcast's targets, then every device's kind):
      // at 10,000 devices each piece is a query of 10,000 rows.
      try {
        for (const b of pass.live) {
          planOccurrences(db, [b], pass.from, pass.until, new Set(), [], pass.cache);
          await yieldToLoop();
          if (stopped) return;
        }
        planOccurrences(db, [], pass.from, pass.until, undefined, [], pass.cache);
      } catch (err) {
        log.error({ err }, 'manifest refresh failed');
      }
      for (let i = 0; i < work.length; ) {
        await yieldToLoop(); // (the first too: every device's kind was just read)
        if (stopped) return;
        const slice = work.slice(i, i + sliceSize);
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        let done = slice.length;
        const acks: Array<Promise<unknown>> = [];
        sliceAcks = deps.fanoutSettled ? acks : null;
        try {
          done = refreshSlice(slice, pass, t0 + SLICE_MS);
        } catch (err) {
          log.error({ err }, 'manifest refresh failed');
        } finally {
          sliceAcks = null;
        }
        i += done;
        const wallMs = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        longest.wallMs = Math.max(longest.wallMs, wallMs);
        longest.cpuMs = Math.max(longest.cpuMs, (cpu.user + cpu.system) / 1000);
        // The embedded broker reads what the slice wrote, in one go, and passes it on, all on this
        // event loop after the slice: with thousands of connections that costs more than the
        // slice's own work. Its CPU counts in the slice's budget, and the next slice starts after it.
        let brokerMs = 0;
        if (acks.length && deps.fanoutSettled) {
          const b0 = process.cpuUsage();
          await Promise.race([Promise.allSettled(acks), sleep(BROKER_WAIT_MS)]);
          await deps.fanoutSettled();
          const b = process.cpuUsage(b0);
          brokerMs = (b.user + b.system) / 1000;
          longest.brokerCpuMs = Math.max(longest.brokerCpuMs, brokerMs);
        }
        const cost = wallMs + brokerMs;
        // The next slice plans about as many devices as this one got through in SLICE_MS.
        if (cost > SLICE_MS) sliceSize = Math.max(10, Math.floor((done * SLICE_MS) / cost));
        else if (cost < SLICE_MS / 2) sliceSize = Math.min(2000, sliceSize * 2);
      }
      for (const resolve of passWaiters.splice(0)) resolve();
    }
  }

  /**
   * Republishes the manifests of these devices (all enrolled ones when omitted) whose content
   * changed, or all of them with `force`. Resolves when a pass that includes them has finished;
   * never waits for the broker and never rejects.
   */
  function refresh(onlyDevices?: string[], force = false): Promise<void> {
    if (!onlyDevices) wantAll = { force: force || (wantAll?.force ?? false) };
    else for (const id of onlyDevices) wanted.set(id, force || (wanted.get(id) ?? false));
    const done = new Promise<void>((resolve) => waiters.push(resolve));
    if (running !== null) return done;
    running = runPasses()
      .catch((err) => log.error({ err }, 'manifest refresh failed'))
      .finally(() => {
        running = null;
        // A request that arrived as the last pass ended (or, stopped, nobody waits for ever).
        if (!stopped && (wantAll || wanted.size)) void refresh([]);
        else for (const resolve of [...passWaiters.splice(0), ...waiters.splice(0)]) resolve();
      });
    return done;
  }

  /** Every manifest again, whatever its hash: the broker may have lost its retained copies. */
  function onConnectionStart(): void {
    due.clear();
    void refresh(undefined, true);
  }

  /**
   * A device announced the manifest version it holds. Higher than ours: this hub was restored
   * from an old backup, so the counter moves past it and the device gets a manifest it will accept.
   * Lower (in a live birth): the device missed one, whatever the broker kept, so it gets it again.
   * A retained birth is old news, so its lower version means nothing.
   */
  function onDeviceBirth(deviceId: string, held: number, live: boolean): void {
    if (versions.raise(held))
      log.warn(
        { deviceId, held },
        'a device holds a newer manifest version than this hub issued; version counter raised',
      );
    const row = heldState.get(deviceId) as { manifest_version: number; enrolled_at: number | null } | undefined;
    if (!row?.enrolled_at) return;
    if (held > row.manifest_version || (live && held < row.manifest_version)) {
      log.info(
        { deviceId, held, published: row.manifest_version },
        'device holds another manifest version; republishing',
      );
      void refresh([deviceId], true);
    }
  }

  /**
   * Commands are computed over several turns of the event loop and stored in the order they were
   * asked for: a cancel that arrives while its emergency's play-now is being computed stores its
   * stop after that play-now, never before it.
   */
  let commandsInOrder: Promise<unknown> = Promise.resolve();
  function inOrder<T>(f: () => Promise<T>): Promise<T> {
    const p = commandsInOrder.then(f);
    commandsInOrder = p.catch(() => undefined);
    return p;
  }
  /** The event loop's turn between two pieces; the hub stopping (its database closing) ends the work. */
  async function nextPiece(): Promise<void> {
    await yieldToLoop();
    if (stopped) throw new Error('the hub is stopping: commands not stored');
  }

  /**
   * The listening fleet, a page at a time. Read before the targets: a device registered in between
   * is then a target the cover has not seen, which it never needs (area-cover.ts); read after, a
   * device moved out of the targets in between would be sent the command on its own topic.
   */
  async function fleetInPieces(): Promise<FleetDevice[]> {
    const fleet: FleetDevice[] = [];
    for (;;) {
      const page = listeningFleet(db, { after: fleet.at(-1)?.id ?? '', limit: COMMAND_PIECE });
      for (const d of page) fleet.push(d);
      if (page.length < COMMAND_PIECE) return fleet;
      await nextPiece();
    }
  }
  async function coverInPieces(fleet: FleetDevice[], ...args: Parameters<typeof startCover>): Promise<Cover> {
    const cover = startCover(...args);
    for (let i = 0; i < fleet.length; i += COMMAND_PIECE) {
      await nextPiece();
      cover.add(fleet.slice(i, i + COMMAND_PIECE));
    }
    return cover.result(deps.fanoutSettled ? EMBEDDED_AREA_MAX : undefined);
  }
  /** One command per covering area, then one per device left over, signed a piece at a time. */
  async function sealCover(
    cover: Cover,
    seal: (to: { area: string } | { device: string }) => SignedEnvelope,
  ): Promise<Array<{ topic: string; envelope: SignedEnvelope }>> {
    const commands = cover.areas.map((area) => ({ topic: t.areaCommand(area), envelope: seal({ area }) }));
    for (const [i, id] of cover.devices.entries()) {
      if (i > 0 && i % SIGN_PIECE === 0) await nextPiece();
      commands.push({ topic: t.deviceCommand(id), envelope: seal({ device: id }) });
    }
    return commands;
  }

  /**
   * An emergency's items, now: one play-now per covering area and one per device left over, stored
   * in the outbox in one transaction. Commands go only to enrolled devices (a revoked or
   * decommissioned one gets nothing); an area command reaches only devices the plan owes it.
   * Sealing writes nothing to the database (the envelope counter is reserved in blocks), so only
   * the outbox rows make the transaction; it is the last piece.
   */
  async function queuePlayNow(b: Broadcast): Promise<number> {
    const from = (b.startsAt ?? now()) - 1;
    const to = from + 2;
    const fleet = await fleetInPieces();
    const enrolled = new Set(fleet.filter((d) => d.enrolled).map((d) => d.id));
    // The plan as the manifests' refresh builds it: the broadcast's targets, every device's kind,
    // then the targets a piece at a time (each piece a plan of its own devices, sharing the cache).
    const cache = newPlanCache();
    await nextPiece();
    planOccurrences(db, [b], from, to, new Set(), [], cache);
    await nextPiece();
    planOccurrences(db, [], from, to, undefined, [], cache);
    const targets = cache.targets.get(b.id)?.list ?? [];
    const planned: PlannedOccurrence[] = [];
    for (let i = 0; i < targets.length; i += COMMAND_PIECE) {
      await nextPiece();
      const piece = new Set(targets.slice(i, i + COMMAND_PIECE));
      for (const p of planOccurrences(db, [b], from, to, piece, [], cache)) planned.push(p);
    }
    const byOccurrence = new Map<string, PlannedOccurrence[]>();
    for (const p of planned) {
      const list = byOccurrence.get(p.item.occurrenceId);
      if (list) list.push(p);
      else byOccurrence.set(p.item.occurrenceId, [p]);
    }
    const commands: Array<{ topic: string; envelope: SignedEnvelope }> = [];
    for (const occurrence of byOccurrence.values()) {
      const itemOf = new Map(occurrence.map((p) => [p.deviceId, p.item]));
      // The area's item carries what each kind plays (audio, LED pages); each device takes its part.
      const speaker = occurrence.find((p) => p.item.media || p.item.relay)?.item;
      const led = occurrence.find((p) => p.item.led)?.item;
      const areaItem: ScheduleItem = {
        ...(speaker ?? led)!,
        ...(led ? { led: led.led } : {}),
        durationMs: Math.max(speaker?.durationMs ?? 0, led?.durationMs ?? 0),
      };
      const acts = (kind: DeviceKind) => (kind === 'speaker' ? !!(areaItem.media || areaItem.relay) : !!areaItem.led);
      // A live session's area play-now names the engine only where every device below pulls from
      // it: an area holding an older agent is spoiled, and that agent gets its own (the hub's stream).
      const viaEngine = !!deps.engineUrl && !!areaItem.relay?.live;
      const cover = await coverInPieces(
        fleet,
        b.targets.areas,
        new Set([...itemOf.keys()].filter((id) => enrolled.has(id))),
        viaEngine ? liveEnginePullers(itemOf.keys()) : new Set(itemOf.keys()),
        acts,
      );
      for (const c of await sealCover(cover, (to) =>
        'area' in to
          ? signer.seal(
              to,
              { type: 'play-now', item: withEngineUrl(areaItem, to.area, deps.engineUrl) },
              PLAY_NOW_TTL_MS,
            )
          : signer.seal(to, { type: 'play-now', item: forDevice(itemOf.get(to.device)!, to.device) }, PLAY_NOW_TTL_MS),
      ))
        commands.push(c);
    }
    outbox.enqueueAll(commands);
    log.info(
      { broadcastId: b.id, devices: planned.length, commands: commands.length, live: b.live !== null },
      'play-now queued',
    );
    return commands.length;
  }

  /** Stop to every enrolled target, by area where a whole area is targeted. Returns the targets. */
  async function sendStop(b: Broadcast, reason: string): Promise<string[]> {
    // The fleet says who is enrolled too (a decommissioned device is never enrolled: revoked).
    const fleet = await fleetInPieces();
    const enrolled = new Set(fleet.filter((d) => d.enrolled).map((d) => d.id));
    await nextPiece();
    const targets = resolveTargets(db, b.targets.areas, b.targets.devices);
    const cover = await coverInPieces(
      fleet,
      b.targets.areas,
      new Set(targets.filter((id) => enrolled.has(id))),
      new Set(targets),
      () => true,
    );
    const body = { type: 'stop' as const, broadcastId: b.id, reason };
    outbox.enqueueAll(await sealCover(cover, (to) => signer.seal(to, body, STOP_TTL_MS)));
    return targets;
  }

  /**
   * What to do when a broadcast changes state. Never waits for the broker. For an emergency it
   * returns once the commands are stored, and the manifests follow; otherwise once the manifests
   * are written.
   */
  async function onBroadcastChanged(b: Broadcast): Promise<void> {
    // A live session, like an emergency, must reach its devices now, not at the next manifest.
    const now_ = b.priority === 'emergency' || b.live !== null;
    if (b.status === 'cancelled') await inOrder(() => sendStop(b, 'cancelled by the hub'));
    if (b.status === 'approved' && now_) await inOrder(() => queuePlayNow(b));
    if (now_) {
      // The manifests once the broker has the commands (or is away), and the embedded broker has
      // passed them on: thousands of manifests would otherwise share its event loop with the
      // command's fan-out, and the emergency would start late (docs/brokers.md, "Size"). Even the
      // targets are resolved then: at 10,000 devices that is a query the request need not wait for.
      inBackground(
        outbox
          .flush()
          .then(() => deps.fanoutSettled?.())
          .then(yieldToLoop) // the targets' query in a turn of its own
          .then(() => (stopped ? undefined : refresh(resolveTargets(db, b.targets.areas, b.targets.devices)))),
      );
      return;
    }
    await refresh(resolveTargets(db, b.targets.areas, b.targets.devices));
  }

  /** Work that follows a request (an emergency's manifests), so `settle` can wait for it. */
  const background = new Set<Promise<unknown>>();
  function inBackground(p: Promise<unknown>): void {
    const tracked = p
      .catch((err) => log.error({ err }, 'manifest refresh failed'))
      .finally(() => background.delete(tracked));
    background.add(tracked);
  }

  /**
   * A broadcast ends before its planned end without being cancelled (a live session that ended): a
   * stop to what plays it, and the manifests with its actual length. Never waits for the broker.
   */
  async function endEarly(b: Broadcast, reason: string): Promise<void> {
    const devices = await inOrder(() => sendStop(b, reason));
    await outbox.flush();
    await refresh(devices);
  }

  const timer = clock.setInterval(() => void refresh(), 10 * 60_000);
  timer.unref?.();

  return {
    /** Resolves once the work that followed earlier requests and the refresh under way are done. */
    settle: async () => {
      while (background.size) await Promise.all([...background]);
      await refresh([]);
    },
    refresh,
    onBroadcastChanged,
    endEarly,
    onConnectionStart,
    onDeviceBirth,
    dueCount: () => due.size,
    /** The longest a refresh slice held the event loop since the last call (for benchmarks and metrics). */
    takeLongestSlice: () => {
      const l = longest;
      longest = { wallMs: 0, cpuMs: 0, brokerCpuMs: 0 };
      return l;
    },
    /** Resolves when no version block is being reserved (before the data directory goes away). */
    versionsSettled: () => versions.settled(),
    /** Stops the timer, and a pass under way at its next slice (the database is about to close). */
    stop: () => {
      stopped = true;
      clock.clearInterval(timer);
    },
  };
}
export type Dispatcher = ReturnType<typeof createDispatcher>;
