// Start skew between speakers on one machine, measured outside the agents: three agents whose wall
// clocks libfaketime sets +2 s, −2 s and right play the same bulletins into PCM sinks this process
// reads (test/helpers/pcm-sink.ts), and the first audible sample of each is stamped in hub time.
//   node bin/run-ts.mjs test/bench/sync-bench.ts [starts]
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startSyncWorld, hasFaketime } from '../helpers/sync-run.ts';
import { quantile } from '../helpers/pcm-sink.ts';

const starts = Number(process.argv[2] ?? 20);
if (!hasFaketime()) {
  console.error('libfaketime is missing: apt-get install faketime');
  process.exit(2);
}
const SKEWS = { 'loa-nhanh-2s': '+2', 'loa-cham-2s': '-2', 'loa-dung-gio': '+0' };
const world = await startSyncWorld(SKEWS);
try {
  const load = os.loadavg()[0]!.toFixed(2);
  const results = await world.run(starts);
  const skews = results.map((r) => r.skewMs).filter((x): x is number => x !== null);
  const errors = results.flatMap((r) => Object.values(r.startErrorMs)).filter((x): x is number => x !== null);
  const reported = results.flatMap((r) =>
    Object.values(r.receipts)
      .map((d) => d.evidence?.sync?.startErrorMs)
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
  // The agents' hub-clock estimate against the truth: libfaketime shifts each clock by a known amount.
  const db = new Database(path.join(world.hubDir, 'hub.sqlite'), { readonly: true });
  for (const [id, skew] of Object.entries(SKEWS)) {
    const offs = (
      db.prepare('SELECT clock_offset_ms AS o FROM receipts WHERE device_id = ?').all(id) as Array<{ o: number }>
    ).map((r) => r.o + Number(skew) * 1000);
    const atSink = results.map((r) => r.startErrorMs[id]).filter((x): x is number => x !== null);
    const bound = results
      .map((r) => r.receipts[id]?.evidence?.sync?.clockUncertaintyMs)
      .filter((x): x is number => typeof x === 'number');
    console.log(
      `${id.padEnd(13)} clock ${skew.padStart(2)} s: offset estimate error ${offs.length ? `${quantile(offs, 0.5).toFixed(1)} ms (min ${Math.min(...offs).toFixed(1)}, max ${Math.max(...offs).toFixed(1)})` : '—'}; half round trip ${bound.length ? quantile(bound, 0.5).toFixed(1) : '—'} ms; start error at its sink p50 ${quantile(atSink, 0.5).toFixed(1)} ms`,
    );
  }
  db.close();
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
