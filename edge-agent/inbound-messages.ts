// Inbound MQTT messages from the hub (wire messages, not text). Every one passes here before
// anything acts on it: protocol open() with the hub key pinned at enrolment, hub time as "now", and
// the store's list of accepted envelope ids as the replay guard, this device and its areas as the
// addressee (a message signed for another device or area is refused as 'wrong-target', whatever
// topic carried it); then checks that the body belongs on the topic it came on. A rejected message
// is logged with its reason and topic, counted by reason (the counts go out in telemetry) and never
// acted on.
//
// Except for time: before the first clock sample of this run the device clock may be minutes or
// days off, so a manifest or command that fails only on time ('expired', 'not-yet-valid') is
// neither refused nor counted but held (the latest manifest and the last few commands), and
// handled again by retryHeld() once the clock is synced. A retained manifest is delivered only on
// (re)subscribe: refusing it on a wrong clock would leave the device without it until then.
import type { AgentEventBus } from './agent-events.ts';
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import {
  MAX_PAYLOAD_BYTES,
  open,
  parseTopic,
  type ClockReply,
  type HubBody,
  type ParsedTopic,
  type PlayNowCommand,
  type ReceiptAck,
  type ScheduleManifest,
  type SignedEnvelope,
  type StopCommand,
} from '../protocol/index.ts';
import type { AgentStore } from './store.ts';

export interface HubMessageHandlers {
  schedule(body: ScheduleManifest, env: SignedEnvelope): void;
  playNow(body: PlayNowCommand, env: SignedEnvelope, via: 'device' | 'area'): void;
  stop(body: StopCommand, env: SignedEnvelope): void;
  receiptAck(body: ReceiptAck): void;
  clockReply(body: ClockReply): void;
}

export interface HubMessageDeps {
  hubPublicKey: KeyObject;
  topicPrefix: string;
  deviceId: string;
  /** the device's area and every ancestor, root first (from enrolment) */
  areaPaths: readonly string[];
  store: AgentStore;
  /** hub time now (device clock corrected by the measured offset) */
  hubNow: () => number;
  /** true once the clock has a sample from this run (AgentClock.synced) */
  clockSynced: () => boolean;
  /** true when a clock reply answers a request we sent (its nonce proves it is fresh) */
  isClockRequestOutstanding: (requestId: unknown, t0: unknown) => boolean;
  handlers: HubMessageHandlers;
  log: Logger;
  events: AgentEventBus;
}

/** Which body types may arrive on which topic. */
const ALLOWED: Record<string, HubBody['type'][]> = {
  deviceSchedule: ['schedule'],
  deviceCommand: ['play-now', 'stop'],
  areaCommand: ['play-now', 'stop'],
  deviceReply: ['receipt-ack', 'clock-reply'],
};

/** Topics whose messages are held, not refused, when they fail on time before the clock is synced. */
const HOLDABLE = new Set<ParsedTopic['kind']>(['deviceSchedule', 'deviceCommand', 'areaCommand']);
const MAX_HELD = 16;

export class HubMessages {
  /** key: the schedule topic (only the latest manifest matters) or topic + envelope id */
  private readonly held = new Map<string, { topic: string; payload: Buffer }>();

  constructor(private readonly deps: HubMessageDeps) {}

  heldCount(): number {
    return this.held.size;
  }

  /** Handles the held messages again, in arrival order (call when the clock first syncs). */
  retryHeld(): void {
    const list = [...this.held.values()];
    this.held.clear();
    if (list.length) this.deps.log.info({ messages: list.length }, 'clock synced: handling the messages held for it');
    for (const m of list) this.handle(m.topic, m.payload);
  }

  private hold(
    parsed: ParsedTopic,
    topic: string,
    payload: Buffer,
    envelopeId: unknown,
    reason: string,
    detail: string,
  ): void {
    const key = parsed.kind === 'deviceSchedule' ? topic : `${topic}#${String(envelopeId)}`;
    this.held.delete(key);
    this.held.set(key, { topic, payload });
    if (this.held.size > MAX_HELD) this.held.delete(this.held.keys().next().value!);
    this.deps.log.info(
      { topic, reason, detail },
      'hub message fails on time before the clock is synced: held until the first clock sample',
    );
    this.deps.events.emit('held', { reason, topic, detail });
  }

  private reject(reason: string, topic: string, detail: string): void {
    this.deps.log.warn({ topic, reason, detail }, 'hub message rejected');
    this.deps.store.countRejection(reason);
    this.deps.events.emit('rejected', { reason, topic, detail });
  }

  handle(topic: string, payload: Buffer): void {
    const { deps } = this;
    const parsed = parseTopic(topic, deps.topicPrefix);
    if (!parsed || !(parsed.kind in ALLOWED) || ('deviceId' in parsed && parsed.deviceId !== deps.deviceId)) {
      this.reject('wrong-topic', topic, 'not a topic this device listens to');
      return;
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      this.reject('invalid', topic, `payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
      return;
    }
    if (payload.length === 0) {
      // the hub cleared a retained message; nothing to act on
      deps.log.debug({ topic }, 'empty message ignored');
      return;
    }

    const peek = peekEnvelope(payload);
    let now = deps.hubNow();
    if (parsed.kind === 'deviceSchedule') {
      // A reconnect redelivers the same retained manifest: not a replay attack, just old news.
      const applied = deps.store.appliedManifest();
      if (applied && peek?.id === applied.envelopeId) {
        deps.log.debug({ envelopeId: peek.id }, 'retained manifest already applied');
        return;
      }
    }
    if (
      parsed.kind === 'deviceReply' &&
      peek?.body?.type === 'clock-reply' &&
      deps.isClockRequestOutstanding(peek.body.requestId, peek.body.t0)
    ) {
      // Before the first sync the device clock may be far off (no RTC, no NTP): a clock reply is
      // judged fresh by its nonce (our outstanding requestId and t0), not by our clock. The
      // signature is still checked.
      if (typeof peek.issuedAt === 'number') now = peek.issuedAt;
    }

    const r = open(deps.hubPublicKey, payload, {
      now,
      seen: (id) => deps.store.isSeen(id),
      addressee: { deviceId: deps.deviceId, areaPaths: deps.areaPaths },
      arrivedOn: parsed,
    });
    if (
      !r.ok &&
      (r.reason === 'expired' || r.reason === 'not-yet-valid') &&
      HOLDABLE.has(parsed.kind) &&
      !deps.clockSynced()
    ) {
      this.hold(parsed, topic, payload, peek?.id, r.reason, r.detail);
      return;
    }
    if (!r.ok) {
      this.reject(r.reason, topic, r.detail);
      return;
    }
    const { envelope, body } = r;
    if (!ALLOWED[parsed.kind].includes(body.type)) {
      this.reject('wrong-topic', topic, `a '${body.type}' message does not belong on this topic`);
      return;
    }
    // open() has checked the target: a manifest here names this device.
    if (body.type === 'schedule') {
      const applied = deps.store.appliedManifest();
      if (applied && body.version < applied.version) {
        this.reject(
          'stale-manifest',
          topic,
          `manifest version ${body.version} is older than the applied ${applied.version}`,
        );
        return;
      }
    }
    deps.store.markSeen(envelope.id, envelope.expiresAt);
    this.dispatch(parsed, envelope, body);
  }

  private dispatch(parsed: ParsedTopic, env: SignedEnvelope, body: HubBody): void {
    const h = this.deps.handlers;
    try {
      switch (body.type) {
        case 'schedule':
          h.schedule(body, env);
          return;
        case 'play-now':
          h.playNow(body, env, parsed.kind === 'areaCommand' ? 'area' : 'device');
          return;
        case 'stop':
          h.stop(body, env);
          return;
        case 'receipt-ack':
          h.receiptAck(body);
          return;
        case 'clock-reply':
          h.clockReply(body);
          return;
      }
    } catch (err) {
      this.deps.log.error({ err, type: body.type, envelopeId: env.id }, 'handling a hub message failed');
    }
  }
}

interface Peeked {
  id?: unknown;
  issuedAt?: unknown;
  body?: { type?: unknown; requestId?: unknown; t0?: unknown };
}

function peekEnvelope(payload: Buffer): Peeked | null {
  try {
    const v = JSON.parse(payload.toString('utf8'));
    return v && typeof v === 'object' ? (v as Peeked) : null;
  } catch {
    return null;
  }
}
