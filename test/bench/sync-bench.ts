// Start skew between speakers on one machine, measured outside the agents: three agents whose wall
// clocks libfaketime sets +2 s, −2 s and right play the same bulletins, then the same relays (tiếp
// âm), into PCM sinks this process reads (test/helpers/pcm-sink.ts); the first audible sample of
// each is stamped in hub time.
// With --engine icecast the relays go through an Icecast origin and relay server (streamEngine icecast).
//   node bin/run-ts.mjs test/bench/sync-bench.ts [file starts] [relay starts] [--engine icecast]
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startSyncWorld, hasFaketime, type SyncStart } from '../helpers/sync-run.ts';
import { quantile } from '../helpers/pcm-sink.ts';

const engine = process.argv.includes('--engine') ? process.argv[process.argv.indexOf('--engine') + 1] : undefined;
if (engine !== undefined && engine !== 'icecast') {
  console.error(`--engine: only icecast (got ${engine})`);
  process.exit(2);
}
const [fileArg, relayArg] = process.argv.slice(2).filter((a, i, all) => a !== '--engine' && all[i - 1] !== '--engine');
const fileStarts = Number(fileArg ?? 20);
const relayStarts = Number(relayArg ?? 10);
if (!hasFaketime()) {
  console.error('libfaketime is missing: apt-get install faketime');
  process.exit(2);
}
const SKEWS = { 'loa-nhanh-2s': '+2', 'loa-cham-2s': '-2', 'loa-dung-gio': '+0' };
const world = await startSyncWorld(SKEWS, { engine });
const db = new Database(path.join(world.hubDir, 'hub.sqlite'), { readonly: true });
const offsetOf = db.prepare('SELECT clock_offset_ms AS o FROM receipts WHERE device_id = ? AND occurrence_id = ?');
const load = () => os.loadavg()[0]!.toFixed(2);
const f = (xs: number[]) =>
  xs.length
    ? `p50 ${quantile(xs, 0.5).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms, max ${Math.max(...xs.map(Math.abs)).toFixed(2)} ms (n=${xs.length})`
    : 'none';
const spread = (xs: number[]) =>
  xs.length
    ? `${quantile(xs, 0.5).toFixed(1)} / ${quantile(xs, 0.99).toFixed(1)} ms, range ${(Math.max(...xs) - Math.min(...xs)).toFixed(1)} ms`
    : '—';

function report(what: string, loadAtStart: string, results: SyncStart[]) {
  const skews = results.map((r) => r.skewMs).filter((x): x is number => x !== null);
  const errors = results.flatMap((r) => Object.values(r.startErrorMs)).filter((x): x is number => x !== null);
  const firstBytes = results
    .map((r) => Object.values(r.firstByteErrorMs))
    .filter((xs): xs is number[] => xs.every((x) => x !== null))
    .map((xs) => Math.max(...xs) - Math.min(...xs));
  const reported = results.flatMap((r) =>
    Object.values(r.receipts)
      .map((d) => d.evidence?.sync?.startErrorMs)
      .filter((x): x is number => typeof x === 'number'),
  );
  console.log(`\n--- ${what}: load average at start ${loadAtStart}, at end ${load()} (${os.cpus().length} cores)`);
  console.log(`starts played by all 3 agents: ${skews.length} of ${results.length}`);
  console.log(`start skew between agents (latest − earliest first audible sample): ${f(skews)}`);
  console.log(`  the same on the first byte at the sinks:                          ${f(firstBytes)}`);
  const content = results.map((r) => r.contentSkewMs).filter((x): x is number => x !== null);
  console.log(`  when they play the same audio (PCM cross-correlation):            ${f(content)}`);
  console.log(`start error at the sink (first audible − media lead-in − planned): ${f(errors)}`);
  console.log(`start error the agents report in their receipts (evidence.sync):    ${f(reported)}`);
  // Where a start error at the sink comes from: s = w − e + L, with w the start the agent reports
  // (on its own hub-time estimate: a file's placement on its output's sample clock, a relay's
  // release), e its offset error against libfaketime's known shift, and L from that start to the
  // first sample at the sink (a file: its anchor's error; a relay: the decoder's latency).
  const parts: Record<'w' | 'e' | 'L', number[]> = { w: [], e: [], L: [] };
  const perAgent = new Map<string, { e: number[]; half: number[]; s: number[] }>();
  for (const r of results)
    for (const [id, skew] of Object.entries(SKEWS)) {
      const d = r.receipts[id];
      const s = r.startErrorMs[id];
      const o = d ? (offsetOf.get(id, d.occurrenceId) as { o: number | null } | undefined)?.o : null;
      const w = d?.evidence?.sync?.startErrorMs;
      if (s === null || s === undefined || typeof w !== 'number' || o === null || o === undefined) continue;
      const e = o + Number(skew) * 1000;
      parts.w.push(w);
      parts.e.push(e);
      parts.L.push(s - w + e);
      const a = perAgent.get(id) ?? { e: [], half: [], s: [] };
      a.e.push(e);
      a.s.push(s);
      const half = d.evidence.sync.clockUncertaintyMs;
      if (typeof half === 'number') a.half.push(half);
      perAgent.set(id, a);
    }
  console.log('where the start error comes from (p50 / p99 over agents and starts):');
  console.log(`  the agent's start − planned on its own hub time          ${spread(parts.w)}`);
  console.log(`  offset estimate error (agent hub time − true hub time)    ${spread(parts.e)}`);
  console.log(`  player: that start → first sample at the sink            ${spread(parts.L)}`);
  for (const [id, a] of perAgent)
    console.log(
      `  ${id.padEnd(13)} clock ${SKEWS[id as keyof typeof SKEWS].padStart(2)} s: offset error p50 ${quantile(a.e, 0.5).toFixed(1)} ms (min ${Math.min(...a.e).toFixed(1)}, max ${Math.max(...a.e).toFixed(1)}); half round trip p50 ${a.half.length ? quantile(a.half, 0.5).toFixed(1) : '—'} ms; start error at its sink p50 ${quantile(a.s, 0.5).toFixed(1)} ms`,
    );
  // What the agents logged of each file's placement (edge-agent/placed-player.ts): the anchor's
  // half-bracket and how many outputs it took.
  const anchors = [...world.agents.values()].flatMap((a) =>
    a
      .output()
      .split('\n')
      .filter((l) => l.includes('start placed on the output clock'))
      .map((l) => JSON.parse(l) as { anchorUncertaintyMs: number; anchorAttempts: number; late: boolean }),
  );
  // The sink's first byte of a file's play against the anchor the agent logged for it (both hub ms):
  // how far the output's first sample arrived from where the agent placed it.
  const firstByteVsAnchor: number[] = [];
  for (const [id, a] of world.agents) {
    const logged = a
      .output()
      .split('\n')
      .filter((l) => l.includes('start placed on the output clock'))
      .map((l) => (JSON.parse(l) as { anchorAt: number }).anchorAt);
    for (const play of world.sinks.get(id)!.plays) {
      const near = logged.filter((x) => Math.abs(x - play.firstByteAt) < 100);
      if (near.length) firstByteVsAnchor.push(play.firstByteAt - near[0]!);
    }
  }
  if (firstByteVsAnchor.length)
    console.log(`  sink's first byte − the agent's anchor (files, all runs so far): ${spread(firstByteVsAnchor)}`);
  if (anchors.length)
    console.log(
      `  anchors (all runs so far): half-bracket ${spread(anchors.map((a) => a.anchorUncertaintyMs))}; more than one output ${anchors.filter((a) => a.anchorAttempts > 1).length} of ${anchors.length}; late ${anchors.filter((a) => a.late).length}`,
    );
  for (const r of results)
    console.log(
      `  ${new Date(r.plannedAt).toISOString().slice(11, 19)}Z skew ${r.skewMs?.toFixed(2) ?? '—'} ms (same audio ${r.contentSkewMs?.toFixed(2) ?? '—'} ms); at the sink ${Object.entries(
        r.startErrorMs,
      )
        .map(([id, e]) => `${id} ${e?.toFixed(1) ?? '—'}`)
        .join(', ')}`,
    );
}

try {
  if (fileStarts > 0) {
    const at = load();
    report('files', at, await world.run(fileStarts));
  }
  if (relayStarts > 0) {
    const at = load();
    report(engine ? `relays through ${engine}` : 'relays', at, await world.runRelays(relayStarts));
  }
} finally {
  db.close();
  await world.stop();
}
