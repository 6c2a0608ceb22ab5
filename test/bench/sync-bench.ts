// Start skew between speakers on one machine, measured outside the agents: three agents whose wall
// clocks libfaketime sets +2 s, −2 s and right play the same bulletins into PCM sinks this process
// reads (test/helpers/pcm-sink.ts), and the first audible sample of each is stamped in hub time.
//   node bin/run-ts.mjs test/bench/sync-bench.ts [starts]
import os from 'node:os';
import { startSyncWorld, hasFaketime } from '../helpers/sync-run.ts';
import { quantile } from '../helpers/pcm-sink.ts';

const starts = Number(process.argv[2] ?? 20);
if (!hasFaketime()) {
  console.error('libfaketime is missing: apt-get install faketime');
  process.exit(2);
}
const world = await startSyncWorld({ 'loa-nhanh-2s': '+2', 'loa-cham-2s': '-2', 'loa-dung-gio': '+0' });
try {
  const load = os.loadavg()[0]!.toFixed(2);
  const results = await world.run(starts);
  const skews = results.map((r) => r.skewMs).filter((x): x is number => x !== null);
  const errors = results.flatMap((r) => Object.values(r.startErrorMs)).filter((x): x is number => x !== null);
  const reported = results.flatMap((r) =>
    Object.values(r.receipts)
      .map((d: any) => d.evidence?.sync?.startErrorMs)
      .filter((x): x is number => typeof x === 'number'),
  );
  const f = (xs: number[]) =>
    xs.length
      ? `p50 ${quantile(xs, 0.5).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms, max ${Math.max(...xs.map(Math.abs)).toFixed(2)} ms (n=${xs.length})`
      : 'none';
  console.log(`load average at start ${load}, at end ${os.loadavg()[0]!.toFixed(2)} (${os.cpus().length} cores)`);
  console.log(`starts played by all 3 agents: ${skews.length} of ${starts}`);
  console.log(`start skew between agents (latest − earliest first audible sample): ${f(skews)}`);
  console.log(`start error at the sink (first sample − planned, hub time):          ${f(errors)}`);
  console.log(`start error the agents report in their receipts:                    ${f(reported)}`);
  for (const r of results)
    console.log(
      `  ${new Date(r.plannedAt).toISOString().slice(11, 19)}Z skew ${r.skewMs?.toFixed(2) ?? '—'} ms; at the sink ${Object.entries(
        r.startErrorMs,
      )
        .map(([id, e]) => `${id} ${e?.toFixed(1) ?? '—'}`)
        .join(', ')}`,
    );
} finally {
  await world.stop();
}
