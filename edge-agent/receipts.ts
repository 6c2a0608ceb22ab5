// Receipts (playback confirmations): built from an occurrence's outcome, signed with the device's
// own key, written to the on-disk outbox FIRST, then published QoS 1. They are published again
// after every reconnect and every receiptRetryMs until a signed 'receipt-ack' names them; only
// then are they deleted. A receipt therefore survives broker outages, hub outages and restarts.
import { randomUUID, type KeyObject } from 'node:crypto';
import type { AgentEventBus } from './agent-events.ts';
import type { Logger } from 'pino';
import { Receipt, describeZodError, signReceipt, type TimerHandle, type UnsignedReceipt } from '../protocol/index.ts';
import type { AgentClock } from './agent-clock.ts';
import type { AgentStore } from './store.ts';
import type { OccurrenceResult } from './timeline.ts';

/** Receipts published per flush; the rest follow on the next one. */
const BATCH = 50;

export interface ReceiptOutboxDeps {
  store: AgentStore;
  deviceId: string;
  privateKey: KeyObject;
  clock: AgentClock;
  /** publishes QoS 1; rejects when not connected */
  publish: (receipt: Receipt) => Promise<void>;
  isConnected: () => boolean;
  retryMs: number;
  log: Logger;
  events: AgentEventBus;
}

export class ReceiptOutbox {
  private timer: TimerHandle | null = null;
  private flushing = false;

  constructor(private readonly deps: ReceiptOutboxDeps) {}

  start(): void {
    this.timer = this.deps.clock.setInterval(() => this.flush(), Math.max(100, Math.min(this.deps.retryMs, 10_000)));
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) this.deps.clock.clearInterval(this.timer);
    this.timer = null;
  }

  /** Builds, signs and stores the receipt, then tries to publish it. Null if one already exists. */
  issue(r: OccurrenceResult): Receipt | null {
    const { deviceId, clock, store, log, events } = this.deps;
    const unsigned: UnsignedReceipt = {
      id: randomUUID(),
      deviceId,
      occurrenceId: r.item.occurrenceId,
      broadcastId: r.item.broadcastId,
      result: r.result,
      ...(r.reason ? { reason: r.reason.slice(0, 500) } : {}),
      ...(r.reasonCode ? { reasonCode: r.reasonCode } : {}),
      scheduledStart: r.item.startAt,
      actualStart: r.actualStart,
      actualEnd: r.actualEnd,
      secondsPlayed: Math.round(Math.max(0, r.secondsPlayed) * 1000) / 1000,
      clockOffsetMs: Math.round(clock.best()?.offsetMs ?? 0),
      evidence: r.evidence,
    };
    // A receipt the hub would reject as invalid would sit in the outbox forever: check it here and,
    // if the evidence is at fault, send the receipt without it and say why.
    const check = Receipt.safeParse({ ...unsigned, sig: 'x' });
    if (!check.success) {
      const problem = describeZodError(check.error);
      log.error(
        { occurrenceId: unsigned.occurrenceId, problem },
        'receipt evidence is invalid; sending the receipt without it',
      );
      unsigned.evidence = {};
      unsigned.reason = `${unsigned.reason ?? ''} [evidence dropped: ${problem}]`.trim().slice(0, 500);
    }
    const receipt = signReceipt(this.deps.privateKey, unsigned);
    if (!store.recordReceipt(receipt)) {
      log.warn(
        { occurrenceId: receipt.occurrenceId, result: receipt.result },
        'occurrence already has a receipt; not issuing another',
      );
      return null;
    }
    log.info(
      { receiptId: receipt.id, occurrenceId: receipt.occurrenceId, result: receipt.result, reason: receipt.reason },
      'receipt queued',
    );
    events.emit('receipt-queued', receipt);
    this.flush();
    return receipt;
  }

  /** After a (re)connect: everything in the outbox goes out again now. */
  onConnected(): void {
    this.deps.store.resetSent();
    this.flush();
  }

  /** Publishes receipts not sent within the last retryMs (oldest first, in batches). */
  flush(): void {
    if (this.flushing || !this.deps.isConnected()) return;
    this.flushing = true;
    try {
      const now = this.deps.clock.now();
      const due = this.deps.store.outboxDue(now - this.deps.retryMs, BATCH);
      if (due.length === 0) return;
      this.deps.store.markSent(
        due.map((r) => r.id),
        now,
      );
      for (const r of due) {
        this.deps
          .publish(r)
          .catch((err) =>
            this.deps.log.debug({ receiptId: r.id, err: (err as Error).message }, 'receipt publish failed; will retry'),
          );
      }
      // More waiting: continue soon without flooding the broker.
      if (due.length === BATCH) this.deps.clock.setTimeout(() => this.flush(), 200).unref?.();
    } finally {
      this.flushing = false;
    }
  }

  /** A signed 'receipt-ack' arrived: delete the named receipts. */
  ack(receiptIds: string[]): void {
    const done = this.deps.store.ackReceipts(receiptIds);
    for (const id of done) this.deps.events.emit('receipt-acked', id);
    if (done.length) this.deps.log.debug({ acked: done.length }, 'receipts acknowledged');
  }
}
