// How long agents wait to come back after a hub outage, and how their reconnects spread, for the
// reconnect backoff cap of 15 s (now) against 60 s (before). Simulates N agents with the agent's own
// backoffDelay (1 s doubling, ±30 % jitter): each lost the broker at a random instant within the
// first second; the broker returns after the outage. Figures: wait from the broker's return to each
// agent's first attempt (median, p95, max), and the busiest second of reconnects (the storm).
//   node bin/run-ts.mjs test/bench/reconnect-bench.ts [agents=1000]
import { backoffDelay } from '../../edge-agent/backoff.ts';

const N = Number(process.argv[2] ?? 1000);

function simulate(maxMs: number, outageMs: number) {
  const waits: number[] = [];
  const perSecond = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    let t = Math.random() * 1000;
    let attempt = 0;
    while (t < outageMs) t += backoffDelay(attempt++, { minMs: 1000, maxMs, jitter: 0.3 }) + 5; // +5 ms: a refused connect
    waits.push(t - outageMs);
    const s = Math.floor(t / 1000);
    perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
  }
  waits.sort((a, b) => a - b);
  return {
    median: waits[Math.floor(N / 2)]!,
    p95: waits[Math.floor(N * 0.95)]!,
    max: waits[N - 1]!,
    peak: Math.max(...perSecond.values()),
  };
}

console.log(`${N} agents; wait after the broker returns until the first attempt, and the busiest second`);
console.log('cap     outage   median s   p95 s   max s   peak agents/s');
for (const outage of [30_000, 120_000, 600_000]) {
  for (const cap of [15_000, 60_000]) {
    const f = simulate(cap, outage);
    console.log(
      `${String(cap / 1000).padStart(3)} s  ${String(outage / 1000).padStart(5)} s  ${(f.median / 1000).toFixed(1).padStart(8)}  ${(f.p95 / 1000).toFixed(1).padStart(6)}  ${(f.max / 1000).toFixed(1).padStart(6)}  ${String(f.peak).padStart(14)}`,
    );
  }
}
