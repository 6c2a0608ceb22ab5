// What a durable receipt costs: per receipt, AgentStore.recordReceipt (outbox + result + item
// removal, one transaction) then ackReceipts (delete), on a real SQLite file in WAL mode, under
//   NORMAL       every commit at synchronous=NORMAL (the agent before: a power cut can lose receipts)
//   FULL-receipt recordReceipt at FULL, the rest at NORMAL (what the agent does now)
//   FULL         every commit at FULL
// Mean, median and p95 per receipt, and receipts per second. The folder defaults to the OS temp folder;
// pass one on the device's own storage (SD card, eMMC) to measure that.
//   node bin/run-ts.mjs test/bench/outbox-bench.ts [receipts=300] [dir]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AgentStore } from '../../edge-agent/store.ts';
import { systemClock, type Receipt } from '../../protocol/index.ts';

const N = Number(process.argv[2] ?? 300);
const base = process.argv[3] ?? os.tmpdir();

function receipt(i: number): Receipt {
  const start = Date.now();
  return {
    id: randomUUID(),
    deviceId: 'loa-bench',
    occurrenceId: `b-${i}@${start}`,
    broadcastId: `b-${i}`,
    result: 'played',
    scheduledStart: start,
    actualStart: start + 12,
    actualEnd: start + 60_000,
    secondsPlayed: 60,
    clockOffsetMs: 3,
    evidence: { amplifier: { powered: true, currentMa: 820, temperatureC: 41, faults: [] } },
    sig: 'x'.repeat(86),
  } as unknown as Receipt;
}

function measure(mode: 'NORMAL' | 'FULL-receipt' | 'FULL'): {
  mean: number;
  median: number;
  p95: number;
  perSecond: number;
} {
  const dir = mkdtempSync(path.join(base, 'wardcast-outbox-bench-'));
  const store = AgentStore.open(dir, { synchronous: mode === 'FULL' ? 'FULL' : 'NORMAL', clock: systemClock });
  // the old behaviour: no durable commit around each write (durably is private; the bench swaps it)
  if (mode === 'NORMAL') (store as unknown as { durably: (fn: () => unknown) => unknown }).durably = (fn) => fn();
  try {
    for (let i = 0; i < 20; i++)
      store.ackReceipts([receipt(-i - 1)].filter((r) => store.recordReceipt(r)).map((r) => r.id));
    const samples: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const r = receipt(i);
      const t = performance.now();
      store.recordReceipt(r);
      store.ackReceipts([r.id]);
      samples.push(performance.now() - t);
    }
    const total = performance.now() - t0;
    samples.sort((a, b) => a - b);
    return {
      mean: total / N,
      median: samples[Math.floor(N / 2)]!,
      p95: samples[Math.min(N - 1, Math.floor(N * 0.95))]!,
      perSecond: (N / total) * 1000,
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`outbox: recordReceipt + ackReceipts per receipt, ${N} receipts, SQLite WAL in ${base}`);
console.log('mode          mean ms  median ms   p95 ms   receipts/s');
const results: Record<string, number> = {};
for (const mode of ['NORMAL', 'FULL-receipt', 'FULL'] as const) {
  const f = measure(mode);
  results[mode] = f.mean;
  console.log(
    `${mode.padEnd(12)}  ${f.mean.toFixed(3).padStart(7)}  ${f.median.toFixed(3).padStart(9)}  ${f.p95.toFixed(3).padStart(7)}  ${f.perSecond.toFixed(0).padStart(11)}`,
  );
}
console.log(
  `FULL-receipt costs ${(results['FULL-receipt']! - results.NORMAL!).toFixed(3)} ms more per receipt than NORMAL (mean)`,
);
